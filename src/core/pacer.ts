import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Paces long work on the thread that serves requests. Call the returned
 * `pause()` between steps: it answers undefined while the current slice is
 * shorter than `sliceMs` (carry on, no await), else a promise that resolves
 * on a later turn of the event loop, after pending I/O, and starts a new slice.
 */
export function createPacer(sliceMs: number): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return undefined;
    return nextTurn().then(() => {
      sliceStart = performance.now();
    });
  };
}
