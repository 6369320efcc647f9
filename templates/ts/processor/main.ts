import { processor } from 'hotplug/sdk';

/** The config from the pipeline, checked against plugin.yaml's `fields` (declare them there). */
interface Config {
  prefix?: string;
}

// Called once per message. Return the message (changed or not), a string or a
// JSON value as the new payload, null to drop the message, or throw to flag
// just this message with an error (the pipeline's `catch`/`try` see it).
processor<Config>((msg, { config }) => {
  // Example transform: upper-case the text.
  //   return msg.text().toUpperCase();
  //
  // Example of reading a config field declared in plugin.yaml:
  //   return `${config.prefix ?? ''}${msg.text()}`;
  //
  // Metadata travels with the message:
  //   msg.metadata.set('seen_by', '{{name}}');
  void config;
  return msg;
});
