/**
 * hotplug/sdk: write hotplug (and Redpanda Connect) plugins in TypeScript.
 *
 * ```ts
 * import { processor } from 'hotplug/sdk';
 *
 * processor((msg) => msg.text().toUpperCase());
 * ```
 *
 * Each of `processor`, `batchProcessor`, `input` and `output` starts the
 * plugin's gRPC server on the address the host gives it and runs until the
 * host stops it.
 */
export { Message } from '../../core/message.js';
export type { Value, StructValue } from '../../core/value.js';
export { Double, double, NanoDate } from '../../core/value.js';
export type { Context, Hooks, Config } from './context.js';
export { BackoffError, NotConnectedError, EndOfInputError } from './errors.js';
export { batches, type Batches, type ProcessResult } from './result.js';
export { processor, batchProcessor, type ProcessFn, type BatchProcessFn, type BatchResult, type ProcessorOptions } from './processor.js';
export { input, withAck, type Delivery, type AckFn, type InputItem, type InputSource, type InputOptions } from './input.js';
export { output, type SendFn, type OutputOptions, type BatchPolicy } from './output.js';
export type { Plugin } from './serve.js';
