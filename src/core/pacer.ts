/**
 * Paces long work on the thread that serves requests. Call the returned
 * `pause()` between steps: it answers undefined while the current slice is
 * shorter than `sliceMs` (carry on, no await), else a promise that resolves
 * on a later turn of the event loop, after pending I/O, and starts a new slice.
 *
 * Every pacer of the thread shares one clock and one queue: paced works that
 * run at once (a stream being built while an old one closes) take turns, one
 * slice per turn of the event loop, so their slices never add up into one
 * long stall between two requests.
 */
export function createPacer(sliceMs: number): () => Promise<void> | undefined {
  return () => (performance.now() - slice.start < sliceMs ? undefined : new Promise<void>((resume) => wait(resume)));
}

const slice = { start: performance.now() };
const waiting: Array<() => void> = [];
let scheduled = false;

function wait(resume: () => void): void {
  waiting.push(resume);
  if (scheduled) return;
  scheduled = true;
  setImmediate(turn);
}

/** One paced work resumes per turn, with a fresh slice. */
function turn(): void {
  scheduled = false;
  slice.start = performance.now();
  waiting.shift()?.();
  if (waiting.length > 0) {
    scheduled = true;
    setImmediate(turn);
  }
}
