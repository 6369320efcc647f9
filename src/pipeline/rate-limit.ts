import type { RateLimitConf } from '../core/index.js';
import { type Clock, systemClock } from './clock.js';

/**
 * A `local` rate limit resource: at most `count` accesses per window of
 * `intervalMs`. A window starts with the first access after the previous one
 * ended (fixed windows, not sliding). Redpanda Connect refills only once the
 * bucket is empty, which after an idle spell lets up to 2×count−1 accesses
 * through in one interval; here a window never grants more than `count`.
 */
export class LocalRateLimit {
  private left: number;
  private windowStart: number;

  constructor(
    readonly count: number,
    readonly intervalMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.left = count;
    this.windowStart = clock.now();
  }

  /**
   * Takes one access when the window has one left and returns 0; otherwise
   * takes nothing and returns the milliseconds until the next window opens.
   */
  access(): number {
    const now = this.clock.now();
    const elapsed = now - this.windowStart;
    if (elapsed >= this.intervalMs) {
      this.windowStart = now;
      this.left = this.count;
    }
    if (this.left > 0) {
      this.left--;
      return 0;
    }
    return Math.max(1, this.intervalMs - elapsed);
  }

  /** Waits until an access is granted; rejects with the signal's reason as soon as it aborts. */
  async wait(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const ms = this.access();
      if (ms === 0) return;
      await delay(this.clock, ms, signal);
    }
  }
}

function delay(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimer(timer);
      reject(signal.reason as Error);
    };
    const timer = clock.setTimer(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The rate limits of one built stream, created on first use so that every
 * component naming a label shares one limit. A reloaded stream starts with
 * fresh windows.
 */
export class RateLimits {
  private readonly built = new Map<string, LocalRateLimit>();

  constructor(
    private readonly confs: ReadonlyMap<string, RateLimitConf> | undefined,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The limit labelled `label`; throws when there is none (the loader reports unknown labels first). */
  get(label: string): LocalRateLimit {
    let rl = this.built.get(label);
    if (rl === undefined) {
      const conf = this.confs?.get(label);
      if (conf === undefined) throw new Error(`unknown rate limit resource '${label}'`);
      rl = new LocalRateLimit(conf.count, conf.intervalMs, this.clock);
      this.built.set(label, rl);
    }
    return rl;
  }
}
