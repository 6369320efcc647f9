import { Message, input } from 'hotplug/sdk';

interface Config {
  count: number;
}

// Each yielded item is one batch (yield an array for several messages at once).
// When the generator finishes, the input has ended. Throw NotConnectedError to
// be reconnected, or BackoffError to make the host wait before reading again.
input<Config>(async function* ({ config }) {
  for (let i = 0; i < config.count; i++) {
    yield new Message(`message ${i + 1} from {{name}}`, new Map([['index', i]]));
  }
});
