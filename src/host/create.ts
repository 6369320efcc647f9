import { Host, type HostOptions } from './host.js';

/** Creates a host (nothing runs until `start()`). */
export function createHost(opts: HostOptions = {}): Host {
  return new Host(opts);
}
