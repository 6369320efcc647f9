import type { Batch } from '../core/message.js';
import type { BatchPolicyConfig } from '../core/output.js';
import type { Value } from '../core/value.js';
import type { WireError } from './error-codec.js';

/*
 * The RPC requests and responses in the host's model. The service
 * definitions (services.ts) serialise these directly; nothing outside
 * src/wire sees protobuf.
 */

export type { WireError };

/** Connect, ReadBatch and Close requests carry nothing. */
export type EmptyRequest = Record<string, never>;

/** Responses that carry only an error (Connect, Close, Send, Ack). */
export interface ErrorResponse {
  error?: WireError | undefined;
}

export interface InitRequest {
  /** The component's config: a struct of the manifest's fields. */
  config: Value;
}

export interface ProcessorInitResponse extends ErrorResponse {
  /** hotplug extension (field 1001): the plugin processes each message on its own. */
  perMessage?: boolean;
}

export interface ProcessBatchRequest {
  batch: Batch;
  /** hotplug extension (field 1001): answer with exactly one batch per input message. */
  perMessageResults?: boolean;
}

export interface ProcessBatchResponse extends ErrorResponse {
  batches: Batch[];
}

export interface InputInitResponse extends ErrorResponse {
  autoReplayNacks?: boolean;
}

export interface ReadResponse extends ErrorResponse {
  batchId: bigint;
  batch: Batch;
}

export interface AckRequest {
  batchId: bigint;
  /** Set for a nack. */
  error?: WireError | undefined;
}

export interface OutputInitResponse extends ErrorResponse {
  maxInFlight: number;
  batchPolicy?: BatchPolicyConfig | undefined;
}

export interface SendRequest {
  batch: Batch;
}
