import { BackoffError, errorMessage, type Logger } from '../core/index.js';

/** A plugin's own backoff is honoured, up to this bound (a plugin cannot park a stream for days). */
export const MAX_PLUGIN_BACKOFF_MS = 5 * 60_000;

/** How long to wait after `err`: the plugin's BackoffError if it sent one, else `fallback`. */
export function backoffFor(err: unknown, fallback: number): number {
  return err instanceof BackoffError ? Math.min(Math.max(0, err.backoffMs), MAX_PLUGIN_BACKOFF_MS) : fallback;
}

/**
 * Calls `connect` until it succeeds, backing off exponentially (100 ms up to
 * 5 s) between failures, or as long as a BackoffError asks (a plugin's
 * Connect answering `backoff`, at stream start as after a restart); rejects
 * only when `signal` aborts.
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
      const wait = backoffFor(err, delay);
      log.warn({ err: errorMessage(err), retryInMs: wait }, `${what} failed to connect`);
      await sleep(wait, signal);
      if (!(err instanceof BackoffError)) delay = Math.min(delay * 2, 5000);
    }
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
