export { Host, withPluginEnv, type HostOptions, type HostState, type ShutdownReport, type StreamHealth } from './host.js';
export { createHost } from './create.js';
export { runPipelineTests, resolveTarget, type PipelineTestOptions } from './pipeline-tests.js';
export type { RequestEvents, RequestRecord } from './request-events.js';
