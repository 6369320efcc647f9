/**
 * A counting semaphore for bounding in-flight work. `tryAcquire` is the
 * synchronous fast path (no promise when a slot is free); `acquire` waits in
 * FIFO order. Waiters can be woken with a rejection by `abort`.
 */
export class Limiter {
  private free: number;
  private readonly waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private readonly idleWaiters: Array<() => void> = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Slots currently taken. */
  get inUse(): number {
    return this.size - this.free;
  }

  tryAcquire(): boolean {
    if (this.free > 0) {
      this.free--;
      return true;
    }
    return false;
  }

  /** Waits for a slot; with a signal, gives up (rejecting) when it aborts. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const w = { resolve, reject };
      this.waiters.push(w);
      if (!signal) return;
      const onAbort = (): void => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason as Error);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      w.resolve = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }

  /** Takes a slot even when none is free (the count goes over); `release` gives it back as usual. */
  forceAcquire(): void {
    this.free--;
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) {
      next.resolve();
      return;
    }
    this.free++;
    if (this.free === this.size && this.idleWaiters.length > 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves once every slot is free again. */
  idle(): Promise<void> {
    if (this.free === this.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Rejects every waiter (used when the owner stops). */
  abort(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
