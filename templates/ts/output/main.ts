import { output } from 'hotplug/sdk';

// Called once per batch. Returning acknowledges the batch (and answers its
// HTTP requests); throwing nacks it, and the host retries. hotplug re-logs
// what a plugin writes to stderr under the plugin's name.
output(
  (batch) => {
    for (const msg of batch) {
      console.error(`{{name}} received ${msg.text()} ${JSON.stringify(Object.fromEntries(msg.metadata))}`);
    }
  },
  { maxInFlight: 1 },
);
