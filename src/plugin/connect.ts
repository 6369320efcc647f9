import type { MethodDefinition } from '@grpc/grpc-js';
import { HotplugError, ErrorCode } from '../core/errors.js';
import { BackoffError } from '../core/input.js';
import { errorFromWire, type EmptyRequest, type ErrorResponse } from '../wire/index.js';
import type { PluginProcess } from './plugin-process.js';
import type { Supervisor } from './supervisor.js';

type ConnectMethod = MethodDefinition<EmptyRequest, ErrorResponse>;

/** One Connect call; the plugin's error comes back as NotConnectedError/BackoffError/Error. */
export async function callConnect(sup: Supervisor, method: ConnectMethod, signal?: AbortSignal): Promise<void> {
  const res = await sup.run((p) => p.call(method, {}, signal));
  if (res.error) throw errorFromWire(res.error);
}

/**
 * After a restart: Connect until it succeeds (honouring the plugin's
 * backoff), unless the component moved on or closed meanwhile.
 */
export async function connectUntilDone(p: PluginProcess, method: ConnectMethod, stillWanted: () => unknown): Promise<void> {
  let delay = 100;
  for (;;) {
    const res = await p.call(method, {});
    if (!res.error) return;
    const err = errorFromWire(res.error);
    try {
      stillWanted();
    } catch {
      throw new HotplugError(ErrorCode.ShuttingDown, 'component closed while reconnecting');
    }
    const wait = err instanceof BackoffError ? err.backoffMs : delay;
    delay = Math.min(delay * 2, 5_000);
    await new Promise((r) => setTimeout(r, wait));
  }
}
