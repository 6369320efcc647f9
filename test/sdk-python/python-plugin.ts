/**
 * Test harness: runs a Python plugin as a real subprocess on a real Unix
 * socket, the way hotplug's supervisor does (private 0700 dir, the contract's
 * env var, a stdin pipe that is never written), and talks to it with grpc-js
 * through src/wire's service definitions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { InputService, OutputService, ProcessorService } from '../../src/wire/index.js';
import { waitFor } from '../helpers/poll.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PYTHON = process.env.HOTPLUG_PYTHON ?? '/usr/bin/python3';
export const SDK_PATH = join(ROOT, 'src', 'sdk', 'python');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'python');

type Defs = typeof ProcessorService | typeof InputService | typeof OutputService;
type Req<D, K extends keyof D> = D[K] extends { requestSerialize: (v: infer R) => Buffer } ? R : never;
type Res<D, K extends keyof D> = D[K] extends { responseDeserialize: (b: Buffer) => infer R } ? R : never;

/** A typed promise client for one of the three plugin services. */
export interface RpcClient<D extends Defs> {
  call<K extends keyof D & string>(method: K, req: Req<D, K>, timeoutMs?: number): Promise<Res<D, K>>;
  close(): void;
}

export function rpcClient<D extends Defs>(defs: D, address: string): RpcClient<D> {
  const Ctor = makeGenericClientConstructor(defs as never, 'plugin');
  const client = new Ctor(address, credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  }) as Client & Record<string, (req: unknown, opts: object, cb: (err: ServiceError | null, res: unknown) => void) => void>;
  return {
    call(method, req, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const fn = client[method] as (req: unknown, opts: object, cb: (err: ServiceError | null, res: unknown) => void) => void;
        fn.call(client, req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as never)));
      });
    },
    // The services have an RPC named `close`, which shadows Client#close on generated clients.
    close: () => Client.prototype.close.call(client),
  };
}

export interface PluginProcess {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly address: string;
  /** Everything the plugin wrote to stderr so far. */
  stderr(): string;
  /** Resolves when the process has exited and its output is drained. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process group if still running and removes the socket dir. Idempotent. */
  stop(): Promise<void>;
}

/** Spawns `python3 <script> ...args` (in `cwd`, default the fixtures) with the SDK on PYTHONPATH and the socket env var set. */
export async function spawnPlugin(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
  stdin: 'pipe' | 'ignore' = 'pipe',
  cwd = FIXTURES,
): Promise<PluginProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-pytest-'));
  const address = `unix:${join(dir, 'plugin.sock')}`;
  const child = spawn(PYTHON, [script, ...args], {
    cwd,
    detached: true,
    stdio: [stdin, 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', PYTHONPATH: SDK_PATH, REDPANDA_CONNECT_PLUGIN_ADDRESS: address, ...env },
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout!.resume();
  // 'close' (not 'exit'): it comes after stdout/stderr are drained, so stderr() is complete.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  let stopping: Promise<void> | undefined;
  return {
    child,
    dir,
    address,
    stderr: () => err,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await exited;
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/**
 * Retries `init` until the plugin answers (it is the server; there is no handshake), as the host does.
 * Waits for the socket file first: a grpc-js channel whose first connect fails backs off for a second.
 */
export async function untilAnswered<T>(plugin: PluginProcess, init: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const socket = plugin.address.slice('unix:'.length);
  await waitFor(
    async () => {
      if (plugin.child.exitCode !== null) throw new Error(`plugin exited with ${plugin.child.exitCode}: ${plugin.stderr()}`);
      return (await stat(socket).catch(() => undefined))?.isSocket();
    },
    { timeoutMs, intervalMs: 5, what: 'the plugin socket' },
  );
  return waitFor(
    async () => {
      if (plugin.child.exitCode !== null) throw new Error(`plugin exited with ${plugin.child.exitCode}: ${plugin.stderr()}`);
      return { value: await init() };
    },
    { timeoutMs, intervalMs: 10, what: 'the plugin to answer Init' },
  ).then((r) => r.value);
}

/** Waits until the plugin's stderr matches `re`. */
export function stderrMatches(plugin: PluginProcess, re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  return waitFor(() => plugin.stderr().match(re), { timeoutMs, what: `stderr to match ${re}` });
}

/** Spawns a Python plugin (arguments as `spawnPlugin`'s) and a client to it; both are closed when the test ends. */
export async function connectPlugin<D extends Defs>(
  t: { after(fn: () => Promise<void>): void },
  defs: D,
  ...spawnArgs: Parameters<typeof spawnPlugin>
): Promise<{ plugin: PluginProcess; client: RpcClient<D> }> {
  const plugin = await spawnPlugin(...spawnArgs);
  const client = rpcClient(defs, plugin.address);
  t.after(async () => {
    try {
      client.close();
    } finally {
      await plugin.stop();
    }
  });
  return { plugin, client };
}
