import type { Batch, Message } from '../core/index.js';
import { checkQuery } from './expr.js';

/** Why a batch was flushed; also a metrics label. */
export type FlushTrigger = 'count' | 'byte_size' | 'check' | 'period' | 'shutdown';

export interface BatchPolicyOptions {
  /** 0 = off. */
  count?: number;
  /** Payload bytes (metadata excluded), triggers at >=; 0 = off. */
  byteSize?: number;
  /** 0 = off. The period runs from the last flush, not from the first message. */
  periodMs?: number;
  /** A compiled boolean Query, evaluated on each message added in the context of the pending batch. */
  check?: unknown;
}

/**
 * A batch policy as a passive object: it owns the pending batch and answers
 * "flush now?" on each `add`, but keeps no timers. Time comes in as `now`
 * arguments, so the policy is testable without a clock; the driver
 * (batch-driver.ts) owns timers, acks and shutdown.
 */
export class BatchPolicy {
  private pending: Message[] = [];
  private bytes = 0;
  private lastFlush: number;
  readonly count: number;
  readonly byteSize: number;
  readonly periodMs: number;
  private readonly check: unknown;

  constructor(opts: BatchPolicyOptions, now: number) {
    this.count = opts.count ?? 0;
    this.byteSize = opts.byteSize ?? 0;
    this.periodMs = opts.periodMs ?? 0;
    this.check = opts.check;
    this.lastFlush = now;
  }

  /** Messages waiting. */
  get size(): number {
    return this.pending.length;
  }

  /** Payload bytes waiting. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /** Adds one message; returns the trigger when the batch should be flushed now. */
  add(msg: Message): FlushTrigger | undefined {
    this.pending.push(msg);
    if (this.byteSize > 0) this.bytes += msg.byteSize();
    if (this.count > 0 && this.pending.length >= this.count) return 'count';
    if (this.byteSize > 0 && this.bytes >= this.byteSize) return 'byte_size';
    if (this.check !== undefined && checkQuery(this.check, this.pending, this.pending.length - 1)) return 'check';
    return undefined;
  }

  /** Takes the pending batch (possibly empty) and restarts the period. */
  flush(now: number): Batch {
    const out = this.pending;
    this.pending = [];
    this.bytes = 0;
    this.lastFlush = now;
    return out;
  }

  /** Milliseconds until the period elapses (0 = due now), or undefined without a period. */
  untilNext(now: number): number | undefined {
    if (this.periodMs <= 0) return undefined;
    return Math.max(0, this.lastFlush + this.periodMs - now);
  }

  /** A period that elapsed on an empty batch just starts over. */
  restartPeriod(now: number): void {
    this.lastFlush = now;
  }
}

/** True when a `batching:` block forms no batches (nothing set, or `count: 1` alone): it is skipped. */
export function isNoopPolicy(opts: BatchPolicyOptions): boolean {
  const count = opts.count ?? 0;
  return (opts.byteSize ?? 0) <= 0 && (opts.periodMs ?? 0) <= 0 && opts.check === undefined && count <= 1;
}
