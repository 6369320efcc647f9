import type { AckFn } from '../core/index.js';

/**
 * The fate of one input batch. Work derived from the batch (the batches its
 * processing produced, each handed to the output) is counted in with
 * `expect` and out with `done`; once `seal` says no more work will be added
 * and the count reaches zero, the input's ack is called exactly once — with
 * the first error seen (a nack) or none.
 *
 * Counting derived batches rather than following each message's `origin`
 * keeps at-least-once intact even when a processor builds new messages
 * without carrying the origin along (an archive, a plugin's batch processor).
 */
export class Transaction {
  private pending = 0;
  private sealed = false;
  private settled = false;
  private err: Error | undefined;

  constructor(
    private readonly ack: AckFn,
    private readonly onSettled: (tx: Transaction, err: Error | undefined) => void,
    /** When the batch was read (performance.now()), for latency metrics. */
    readonly startedAt: number,
  ) {}

  expect(n: number): void {
    this.pending += n;
  }

  done(err?: Error): void {
    if (err !== undefined && this.err === undefined) this.err = err;
    this.pending--;
    this.maybeSettle();
  }

  /** No more work will be expected; a batch whose processing produced nothing is acked here. */
  seal(): void {
    this.sealed = true;
    this.maybeSettle();
  }

  /**
   * Settles now with `err` (a nack), whatever is still pending: the stream
   * gave up waiting (shutdown_timeout). Work that finishes later is ignored.
   * False when the transaction had already settled.
   */
  abandon(err: Error): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.onSettled(this, err);
    return true;
  }

  private maybeSettle(): void {
    if (!this.sealed || this.pending > 0 || this.settled) return;
    this.settled = true;
    this.onSettled(this, this.err);
  }

  /** Calls the input's ack; the caller handles a rejection. */
  settle(err: Error | undefined): Promise<void> {
    return this.ack(err);
  }
}
