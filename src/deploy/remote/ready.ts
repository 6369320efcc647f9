import { waitFor } from './procs.js';

/** Where to ask: a wildcard listen address is reached over loopback. */
export function readyUrl(host: string | undefined, port: number): string {
  const h = host === undefined || host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}/ready`;
}

/**
 * Polls GET /ready from the VM itself until it answers 200, the deadline
 * passes, or `gaveUp()` says the process is gone (no point waiting then).
 */
export async function waitReady(url: string, timeoutMs: number, gaveUp: () => boolean): Promise<boolean> {
  let ready = false;
  await waitFor(
    async () => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        ready = res.status === 200;
      } catch {
        ready = false;
      }
      return ready || gaveUp();
    },
    timeoutMs,
    200,
  );
  return ready;
}
