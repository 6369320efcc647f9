import { processor } from 'hotplug/sdk';

// Called once per message. Returning a string replaces the payload and keeps the metadata;
// return null to drop a message, or throw to flag it with an error.
processor((msg) => msg.text().toUpperCase());
