/**
 * The plugin runtime, host side: plugins as supervised subprocesses over gRPC
 * on private Unix sockets, exposed as core Processor, Input and Output.
 */
export { createPluginRuntime, type PluginRuntime } from './runtime.js';
export type { PluginRuntimeOptions } from './options.js';
export type { ComponentHealth } from './component.js';
export type { InstanceHealth, PluginState, RestartPolicy } from './supervisor.js';
export type { PluginProcessor } from './processor.js';
export type { PluginInput } from './input.js';
export type { PluginOutput } from './output.js';
export { cleanStaleSocketDirs, type CleanupReport } from './socket-dir.js';
export { compileTsPlugin } from './compile.js';
export { resolvePython } from './python.js';
