export { Host, type HostOptions, type HostState, type StreamHealth } from './host.js';
export { createHost } from './create.js';
