import type { Batch } from './message.js';

/**
 * A processor turns one batch into zero or more batches.
 *
 * Errors about one message are reported by setting that message's `error`
 * flag and returning it; the stream keeps going and `catch`/`try` react.
 * Rejecting means the whole batch failed (the stream marks every message of
 * the batch errored with the reason). An empty result filters the batch.
 *
 * Output messages derived from an input message must keep its `origin`
 * (use `Message.derive`/`copy`), which routes acks and HTTP responses.
 * `close` is called once after the last `processBatch` has settled.
 */
export interface Processor {
  processBatch(batch: Batch): Promise<Batch[]>;
  close(): Promise<void>;
}
