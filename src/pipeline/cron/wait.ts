import type { Clock } from '../clock.js';

/**
 * Epoch time with timers that keep the process alive: a scheduled `generate`
 * input is the stream's work, not housekeeping, so the process must not exit
 * while it waits for the next fire (as it does not while an interval sleeps).
 */
export const wallClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

/*
 * Long waits are taken in steps, re-reading the clock after each: a wall clock
 * that jumps (NTP, a suspended machine) moves the fire time with it, and no
 * single timer exceeds setTimeout's 24.8-day limit.
 */
const STEP_MS = 60_000;

/** Resolves true once `clock.now()` reaches `at`, or false as soon as `signal` aborts. */
export async function waitUntil(clock: Clock, at: number, signal: AbortSignal): Promise<boolean> {
  for (;;) {
    if (signal.aborted) return false;
    const left = at - clock.now();
    if (left <= 0) return true;
    await new Promise<void>((resolve) => {
      const onAbort = (): void => {
        clock.clearTimer(timer);
        resolve();
      };
      const timer = clock.setTimer(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, Math.min(left, STEP_MS));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
