import type { Clock } from '../../src/pipeline/clock.js';

const nextMacrotask = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A clock whose time moves only when the test says so (start at 0, or at an epoch instant). */
export class FakeClock implements Clock {
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private seq = 0;

  constructor(public t = 0) {}

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }

  clearTimer(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }

  /** Moves time on by `ms`, firing the timers due on the way in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (let next = this.due(end); next; next = this.due(end)) next.fn();
    this.t = end;
  }

  /** Like advance, but lets promise continuations (and timers they set) run before each timer and at the end. */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await nextMacrotask();
      const next = this.due(end);
      if (!next) break;
      next.fn();
    }
    this.t = end;
    await nextMacrotask();
  }

  get pending(): number {
    return this.timers.length;
  }

  /** How far ahead each pending timer is. */
  get delays(): number[] {
    return this.timers.map((x) => x.at - this.t);
  }

  /** Takes the earliest timer due by `end` and moves the time to it. */
  private due(end: number): { fn: () => void } | undefined {
    this.timers.sort((a, b) => a.at - b.at);
    const next = this.timers[0];
    if (!next || next.at > end) return undefined;
    this.timers.shift();
    this.t = next.at;
    return next;
  }
}
