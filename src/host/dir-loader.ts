import { Worker } from 'node:worker_threads';
import { createPacer, errorMessage, type Diagnostic, type Logger, type PluginManifest } from '../core/index.js';
import { createCatalog, defaultExprCompilers, loadDir, parserFields, unpackLoad, type DirConf, type DirOptions, type Discovery, type ExprKind, type PackedLoad } from '../config/index.js';

/** Asks the loader thread for a functions dir, checked against `env` (the variables `${VAR}` sees). */
export interface LoadRequest {
  id: number;
  dir: string;
  env: Record<string, string | undefined>;
}

export type LoadReply =
  | { id: number; ok: true; diagnostics: Diagnostic[]; discovery: Omit<Discovery, 'manifests'>; packed: PackedLoad }
  | { id: number; ok: false; error: string };

export interface DirLoader {
  /** loadDir(dir), read, parsed and checked on another thread. */
  load(dir: string): Promise<DirConf>;
  close(): Promise<void>;
}

export interface DirLoaderOptions {
  /** What an in-thread loadDir would take (also the fallback when the loader thread fails). */
  options: DirOptions;
  /** The variables `${VAR}` reads, as of this load (a lookup function cannot cross threads). */
  env: () => Record<string, string | undefined>;
  log: Logger;
  /** Longest stretch of rebuilding work before requests get a turn (default 4 ms). */
  sliceMs?: number;
}

/**
 * Loads a functions dir without stalling the thread that serves requests:
 * a worker thread reads, parses and checks every file (the costly part,
 * about a second per MiB of YAML), and this thread only rebuilds what it
 * sends back, in slices of a few ms with requests served in between.
 * Compiled expressions are kept from one load to the next by source, so a
 * save compiles only the expressions it changed. If the thread fails, the
 * dir is loaded here instead (and the log says so).
 */
export function createDirLoader(opts: DirLoaderOptions): DirLoader {
  const sliceMs = opts.sliceMs ?? 4;
  const compilers = opts.options.expr ?? defaultExprCompilers;
  const parsers = parserFields(opts.options.builtins).map((f) => f.parse!);
  const pending = new Map<number, { resolve: (r: LoadReply) => void; reject: (err: Error) => void }>();
  let worker: Worker | undefined;
  let nextId = 1;
  let compiled = new Map<string, unknown>();

  const spawn = (): Worker => {
    const w = new Worker(new URL('./load-worker.js', import.meta.url));
    w.unref();
    const fail = (err: Error): void => {
      if (worker === w) worker = undefined;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    w.on('message', (reply: LoadReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      p?.resolve(reply);
    });
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the config loader thread exited with code ${code}`)));
    return w;
  };

  const ask = (dir: string): Promise<LoadReply> =>
    new Promise((resolve, reject) => {
      const w = (worker ??= spawn());
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, dir, env: opts.env() } satisfies LoadRequest);
    });

  const rebuild = async (reply: Extract<LoadReply, { ok: true }>): Promise<DirConf> => {
    const fresh = new Map<string, unknown>();
    const compile = (kind: ExprKind, source: string): unknown => {
      const key = `${kind}\0${source}`;
      const c = fresh.get(key) ?? compiled.get(key) ?? compilers[kind](source);
      fresh.set(key, c);
      return c;
    };
    const pause = createPacer(sliceMs);
    const { rest, streams } = await unpackLoad(reply.packed, { compile, parsers, pause });
    compiled = fresh;
    const { manifests, found } = rest as { manifests: PluginManifest[]; found: PluginManifest[] };
    const texts = new Map(reply.packed.streams.map((s) => [s.file, s.text]));
    const discovery = { ...reply.discovery, manifests: found };
    return { dir: discovery.dir, manifests, streams, diagnostics: reply.diagnostics, discovery, catalog: createCatalog(opts.options.builtins, manifests), texts };
  };

  return {
    async load(dir) {
      let why: string;
      try {
        const reply = await ask(dir);
        if (reply.ok) return await rebuild(reply);
        why = reply.error;
      } catch (err) {
        why = errorMessage(err);
      }
      opts.log.warn({ err: why }, 'loading the functions dir off the serving thread failed; loading it on the serving thread');
      return loadDir(dir, opts.options);
    },
    async close() {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}
