/**
 * The wire layer: the one place that converts between the plugin contract's
 * protobuf messages and the host's model (core Message, Value). Hot-path
 * messages use a hand-written two-pass codec; payloads decode as zero-copy
 * subarrays of the received buffer.
 */
export { ProcessorService, InputService, OutputService } from './services.js';
export type { ProcessorServiceDef, InputServiceDef, OutputServiceDef } from './services.js';
export type {
  AckRequest, EmptyRequest, ErrorResponse, InitRequest, InputInitResponse, OutputInitResponse,
  ProcessBatchRequest, ProcessBatchResponse, ProcessorInitResponse, ReadResponse, SendRequest, WireError,
} from './types.js';
export * as codecs from './rpc-codec.js';
export type { Codec } from './rpc-codec.js';
export { errorFromWire, errorToWire, EndOfInputError } from './errors.js';
export { UnaryChannel, CallError, type CallOptions, type ChannelOptions } from './channel.js';
