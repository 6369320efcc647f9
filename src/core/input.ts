import type { Batch } from './message.js';

/**
 * Settles an input batch once its fate is known: called exactly once, with no
 * error when every message derived from the batch was delivered by the output
 * or deliberately filtered, and with the error otherwise (a nack).
 */
export type AckFn = (err?: Error) => Promise<void>;

export interface ReadResult {
  batch: Batch;
  ack: AckFn;
}

/**
 * An input produces batches. The stream owns its lifetime:
 * `connect` is called (and retried with backoff while it throws) before the
 * first `readBatch`; `readBatch` is called again as soon as the previous
 * batch was handed on, so backpressure is simply not calling it.
 * Throwing `NotConnectedError` from `readBatch` makes the stream call
 * `connect` again; resolving `null` means the input is finished for good.
 * `close` is called once, after the last `readBatch` has settled; an input
 * must still accept acks for batches it issued until `close` resolves.
 */
export interface Input {
  connect(signal: AbortSignal): Promise<void>;
  readBatch(signal: AbortSignal): Promise<ReadResult | null>;
  close(): Promise<void>;
  /**
   * True when a pending `readBatch` settles by itself once its signal aborts
   * (with what the input already holds, or null). The stream then does not
   * wrap every read to be able to abandon it, which saves allocations on the
   * hot path of busy inputs such as http_server.
   */
  readonly settlesOnAbort?: boolean;
}

/** Thrown by an input or output that lost its connection; the caller reconnects. */
export class NotConnectedError extends Error {
  constructor(message = 'not connected') {
    super(message);
    this.name = 'NotConnectedError';
  }
}

/** Thrown when a component asks its caller to wait before retrying. */
export class BackoffError extends Error {
  readonly backoffMs: number;
  constructor(message: string, backoffMs: number) {
    super(message);
    this.name = 'BackoffError';
    this.backoffMs = backoffMs;
  }
}
