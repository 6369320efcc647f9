import { fstatSync } from 'node:fs';
import { Server, ServerCredentials, type MethodDefinition, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { isThenable } from './result.js';

/** The env var the host sets to the address the plugin must listen on (`unix:<dir>/plugin.sock`). */
export const ADDRESS_ENV = 'REDPANDA_CONNECT_PLUGIN_ADDRESS';

/** How long a plugin whose host has died waits for its calls and close hook before leaving anyway. */
const ORPHAN_GRACE_MS = 5_000;

/** The running plugin process. */
export interface Plugin {
  /**
   * Stops serving: new calls are refused, calls in flight finish, the close
   * hook runs, then the process exits. SIGTERM and SIGINT do the same.
   * Idempotent: every call returns the first call's promise.
   */
  stop(): Promise<void>;
}

/** One method's logic: returns the response, synchronously when it can (the hot path avoids a promise). */
export type Handler<Req, Res> = (req: Req) => Res | Promise<Res>;

/** One handler per method of a service definition, typed by its request and response. */
export type Handlers<S> = { [K in keyof S]: S[K] extends MethodDefinition<infer Req, infer Res> ? Handler<Req, Res> : never };

/**
 * Serves one plugin service on the address from the environment and owns the
 * process's lifetime: it exits after SIGTERM/SIGINT once calls in flight have
 * finished, and when stdin closes, which is how a plugin learns that its host
 * died (the host keeps the write end of a pipe open for as long as it lives).
 */
export function servePlugin<S extends ServiceDefinition>(service: S, handlers: Handlers<S>, close: () => Promise<void>): Plugin {
  const address = process.env[ADDRESS_ENV];
  // Unlimited sizes: the socket is private to the host, which enforces its own limit.
  const server = new Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const impl: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) impl[name] = unary(handler as Handler<unknown, unknown>);
  server.addService(service, impl);

  let stopping: Promise<void> | undefined;
  const stop = (graceful: boolean): Promise<void> => {
    stopping ??= shutdown(server, close, graceful).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('hotplug plugin: shutdown failed:', err);
        process.exit(1);
      },
    );
    return stopping;
  };

  if (address === undefined || address === '') {
    console.error(`hotplug plugin: ${ADDRESS_ENV} is not set; plugins are started by the hotplug host (hotplug dev), not by hand`);
    process.exit(2);
  }
  server.bindAsync(address, ServerCredentials.createInsecure(), (err) => {
    if (err) {
      console.error(`hotplug plugin: cannot listen on ${address}: ${err.message}`);
      process.exit(1);
    }
  });
  const onSignal = (): void => void stop(true);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  watchStdin(() => void stop(false));
  return { stop: () => stop(true) };
}

async function shutdown(server: Server, close: () => Promise<void>, graceful: boolean): Promise<void> {
  if (!graceful) {
    // The host is gone: nobody waits for answers. Give calls and the close hook a moment, no more.
    setTimeout(() => process.exit(0), ORPHAN_GRACE_MS).unref();
  }
  // tryShutdown refuses new calls and waits for the ones in flight.
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  await close();
}

function unary(handler: Handler<unknown, unknown>) {
  return (call: { request: unknown }, callback: (err: Error | null, res?: unknown) => void): void => {
    let res: unknown;
    try {
      res = handler(call.request);
    } catch (err) {
      callback(err as Error);
      return;
    }
    if (isThenable(res)) res.then((v) => callback(null, v), (err: unknown) => callback(err as Error));
    else callback(null, res);
  };
}

/** Calls `onClose` when stdin reaches its end, if stdin is a pipe or socket (not a file, TTY or /dev/null). */
function watchStdin(onClose: () => void): void {
  let isPipe = false;
  try {
    const st = fstatSync(0);
    isPipe = st.isFIFO() || st.isSocket();
  } catch {
    return;
  }
  if (!isPipe) return;
  const stdin = process.stdin;
  stdin.on('data', () => {});
  stdin.once('end', onClose);
  stdin.once('close', onClose);
  stdin.on('error', onClose);
}
