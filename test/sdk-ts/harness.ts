/**
 * Runs SDK plugins the way the host does: compiled with esbuild, spawned as
 * their own process with a private socket dir, called over a real Unix
 * socket with a grpc-js client that uses src/wire's service definitions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileTsPlugin } from '../../src/plugin/index.js';
import { Client, credentials, status, type ServiceDefinition, type MethodDefinition } from '@grpc/grpc-js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Compiles a TS plugin the way the host does (esbuild, `hotplug/sdk` → the built SDK). */
export function compilePlugin(entry: string, outDir: string): Promise<string> {
  return compileTsPlugin(entry, outDir, repoRoot);
}

type Methods<S> = { [K in keyof S]: S[K] extends MethodDefinition<infer Req, infer Res> ? (req: Req) => Promise<Res> : never };

export interface RunningPlugin {
  readonly child: ChildProcess;
  readonly socketDir: string;
  readonly address: string;
  /** performance.now() right after the spawn (for start-up measurements). */
  readonly spawnedAt: number;
  /** Everything the plugin wrote to stderr so far. */
  stderr(): string;
  /** Resolves with how the process ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A client for `service` (closed by dispose); calls wait for the socket to appear, as the host's Init does. */
  client<S extends ServiceDefinition>(service: S): Methods<S>;
  /** Kills the process (if alive) and removes its socket dir; safe to call twice. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /**
   * The plugin: a .ts file is compiled and run with node, a .js file runs as is,
   * a .py file runs with /usr/bin/python3 and the repo's Python SDK.
   */
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  /** Flags for node itself (e.g. --cpu-prof), for .ts and .js plugins. */
  nodeArgs?: string[];
}

/** Compiles and starts a plugin; the caller must `dispose()` it (t.after). */
export async function startPlugin(opts: StartOptions): Promise<RunningPlugin> {
  const socketDir = await mkdtemp(join(tmpdir(), 'hotplug-sdk-test-'));
  let argv: string[];
  let env = opts.env ?? {};
  if (opts.entry.endsWith('.py')) {
    argv = ['/usr/bin/python3', opts.entry];
    env = { PYTHONPATH: join(repoRoot, 'src/sdk/python'), ...env };
  } else if (opts.entry.endsWith('.js')) {
    argv = [process.execPath, ...(opts.nodeArgs ?? []), opts.entry];
  } else {
    const outDir = join(socketDir, 'build');
    await mkdir(outDir);
    argv = [process.execPath, ...(opts.nodeArgs ?? []), await compilePlugin(opts.entry, outDir)];
  }
  const address = `unix:${join(socketDir, 'plugin.sock')}`;
  const child = spawn(argv[0] as string, [...argv.slice(1), ...(opts.args ?? [])], {
    cwd: socketDir,
    env: { ...process.env, ...env, REDPANDA_CONNECT_PLUGIN_ADDRESS: address },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const spawnedAt = performance.now();
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const clients: Client[] = [];
  let disposed: Promise<void> | undefined;
  return {
    child,
    socketDir,
    address,
    spawnedAt,
    stderr: () => stderr,
    exited,
    client<S extends ServiceDefinition>(service: S) {
      // A plain Client with makeUnaryRequest: a generated client would shadow Client#close with the Close RPC.
      const c = new Client(address, credentials.createInsecure(), {
        // The socket appears within milliseconds of the spawn; don't sleep through it.
        'grpc.initial_reconnect_backoff_ms': 10,
        'grpc.max_reconnect_backoff_ms': 100,
        'grpc.max_receive_message_length': -1,
        'grpc.max_send_message_length': -1,
      });
      clients.push(c);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(service)) {
        const m = service[key] as MethodDefinition<unknown, unknown>;
        const once = (req: unknown, deadline: number) =>
          new Promise((resolve, reject) => {
            c.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, req, { deadline }, (err, res) => (err ? reject(err) : resolve(res)));
          });
        // Like the host: until the socket exists, retry (grpc-js fails such calls at once,
        // before anything reached the plugin, even with waitForReady).
        out[key] = async (req: unknown) => {
          const deadline = Date.now() + 10_000;
          for (;;) {
            try {
              return await once(req, deadline);
            } catch (err) {
              const notYet = (err as { code?: number }).code === status.UNAVAILABLE && /No connection established/.test((err as Error).message);
              if (!notYet) throw err;
              if (Date.now() > deadline || child.exitCode !== null) {
                throw new Error(`plugin not reachable (exit code ${child.exitCode}); stderr:\n${stderr}`, { cause: err });
              }
              await new Promise((r) => setTimeout(r, 5));
            }
          }
        };
      }
      return out as Methods<S>;
    },
    dispose() {
      disposed ??= (async () => {
        for (const c of clients) c.close();
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
        await rm(socketDir, { recursive: true, force: true });
      })();
      return disposed;
    },
  };
}

export function fixture(name: string): string {
  return join(repoRoot, 'test/fixtures/sdk-ts', name);
}
