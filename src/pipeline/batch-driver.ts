import type { Batch, Message } from '../core/index.js';
import type { BatchPolicy, FlushTrigger } from './batch-policy.js';
import type { Clock } from './clock.js';

/**
 * Receives a flushed batch. `owners[i]` is the contributor of `batch[i]`
 * (whoever added it), so the handler can settle each contributor once the
 * batch's fate is known.
 */
export type FlushHandler<C> = (batch: Batch, owners: C[], trigger: FlushTrigger) => void;

/**
 * Drives a passive BatchPolicy: feeds it messages, arms the period timer
 * (which runs from the last flush), and flushes what is pending on close.
 * It never waits for the handler: the handler's own limits apply
 * backpressure further up.
 */
export class BatchDriver<C> {
  private owners: C[] = [];
  private timer: unknown;
  private closed = false;

  constructor(
    private readonly policy: BatchPolicy,
    private readonly onFlush: FlushHandler<C>,
    private readonly clock: Clock,
  ) {
    this.arm();
  }

  /**
   * Adds every message of `batch` on behalf of `owner`; flushes once the
   * whole batch is in if the policy asked for it on any message. A policy
   * creates batches but never splits one: a batch bigger than `count`
   * passes through whole.
   */
  add(batch: Batch, owner: C): void {
    let trigger: FlushTrigger | undefined;
    for (let i = 0; i < batch.length; i++) {
      this.owners.push(owner);
      trigger = this.policy.add(batch[i] as Message) ?? trigger;
    }
    if (trigger !== undefined) this.flush(trigger);
  }

  /** Messages waiting. */
  get size(): number {
    return this.policy.size;
  }

  /** Flushes what is pending (if anything) and stops the timer. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    if (this.policy.size > 0) this.flush('shutdown');
  }

  /**
   * Stops the timer and drops what is pending without flushing it (a
   * shutdown past its deadline): returns the owners of the dropped messages,
   * one entry per message, so the caller can nack them. Idempotent.
   */
  discard(): C[] {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    if (this.policy.size > 0) this.policy.flush(this.clock.now());
    const owners = this.owners;
    this.owners = [];
    return owners;
  }

  private flush(trigger: FlushTrigger): void {
    const batch = this.policy.flush(this.clock.now());
    const owners = this.owners;
    this.owners = [];
    this.arm();
    this.onFlush(batch, owners, trigger);
  }

  private arm(): void {
    if (this.closed) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    const ms = this.policy.untilNext(this.clock.now());
    if (ms === undefined) return;
    this.timer = this.clock.setTimer(() => this.onTimer(), ms);
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.closed) return;
    if (this.policy.size > 0) {
      this.flush('period');
    } else {
      this.policy.restartPeriod(this.clock.now());
      this.arm();
    }
  }
}
