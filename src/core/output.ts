import type { Batch } from './message.js';

/** A batch policy as written in a pipeline's `batching:` block or a plugin's Init response. */
export interface BatchPolicyConfig {
  count?: number;
  byteSize?: number;
  /** Milliseconds; 0 or undefined = off. */
  periodMs?: number;
  /** A boolean expression (source text) evaluated on each message added. */
  check?: string;
}

/**
 * An output delivers batches. `connect` is called (and retried while it
 * throws) before the first `writeBatch`. `writeBatch` resolving means every
 * message of the batch was delivered (the stream acks its origins);
 * rejecting means none may be assumed delivered (nack). Up to `maxInFlight`
 * writes run at once. `close` is called once, after in-flight writes settle.
 */
export interface Output {
  connect(signal: AbortSignal): Promise<void>;
  writeBatch(batch: Batch): Promise<void>;
  close(): Promise<void>;
  /** Concurrent writeBatch calls allowed; default 1. */
  readonly maxInFlight?: number;
  /** A policy the output asks for (a plugin's Init response); the pipeline's `batching:` wins. */
  readonly batchPolicy?: BatchPolicyConfig;
}
