/**
 * Collects change events and hands them on in one go once things went quiet
 * for `quietMs` (editors write several times per save; atomic-rename saves
 * arrive as unlink + add). `maxWaitMs` caps the delay under a steady stream
 * of events so a reload still happens.
 */
export interface Coalescer<K> {
  add(key: K): void;
  /** Hands on what is pending now, without waiting. */
  flushNow(): void;
  /** True while events wait for the quiet period. */
  pending(): boolean;
  close(): void;
}

export function createCoalescer<K>(opts: { quietMs: number; maxWaitMs: number; onFlush: (keys: Set<K>) => void }): Coalescer<K> {
  let pending = new Set<K>();
  let quietTimer: NodeJS.Timeout | undefined;
  let firstAt = 0;
  let closed = false;

  const flush = (): void => {
    if (quietTimer) clearTimeout(quietTimer);
    quietTimer = undefined;
    if (pending.size === 0) return;
    const keys = pending;
    pending = new Set();
    opts.onFlush(keys);
  };

  return {
    add(key) {
      if (closed) return;
      const now = Date.now();
      if (pending.size === 0) firstAt = now;
      pending.add(key);
      if (quietTimer) clearTimeout(quietTimer);
      const wait = Math.min(opts.quietMs, Math.max(0, firstAt + opts.maxWaitMs - now));
      quietTimer = setTimeout(flush, wait);
      quietTimer.unref();
    },
    flushNow: flush,
    pending: () => pending.size > 0,
    close() {
      closed = true;
      if (quietTimer) clearTimeout(quietTimer);
      pending.clear();
    },
  };
}
