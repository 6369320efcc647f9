import { errorMessage, type Logger } from '../core/index.js';

/**
 * Calls `connect` until it succeeds, backing off exponentially (100 ms up to
 * 5 s) between failures; rejects only when `signal` aborts.
 */
export async function connectWithRetry(
  what: string,
  connect: (signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  let delay = 100;
  for (;;) {
    signal.throwIfAborted();
    try {
      await connect(signal);
      return;
    } catch (err) {
      signal.throwIfAborted();
      log.warn({ err: errorMessage(err), retryInMs: delay }, `${what} failed to connect`);
    }
    await sleep(delay, signal);
    delay = Math.min(delay * 2, 5000);
  }
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason as Error);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
