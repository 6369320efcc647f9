import {
  type ComponentSpec,
  type Diagnostic,
  type Logger,
  type PluginManifest,
  type StreamConf,
  ErrorCode,
  HotplugError,
  createLogger,
  errorMessage,
  formatDiagnostic,
} from '../core/index.js';
import { type DirOptions, type EnvLookup, loadDir } from '../config/index.js';
import { compileInterpolation, compileMapping, compileQuery } from '../expr/index.js';
import { type PluginRuntime, type PluginRuntimeOptions, createPluginRuntime } from '../plugin/index.js';
import {
  type BuildEnv,
  type Registry,
  type Route,
  type StopReport,
  type Stream,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  HttpServer,
  Metrics,
  type MountHandler,
  buildStream,
  buildStreamSliced,
  type BuiltStream,
  settlesWithin,
  createRegistry,
} from '../pipeline/index.js';
import { createDirLoader, type DirLoader } from './dir-loader.js';
import { hostRoutes } from './endpoints.js';
import { PluginComponents } from './plugins.js';
import { RequestEventHub, type RequestEvents } from './request-events.js';

/** A manifest whose process also gets `vars` (from env files); the manifest's own `env:` wins. */
export function withPluginEnv(m: PluginManifest, vars: Record<string, string> | undefined): PluginManifest {
  return vars === undefined || Object.keys(vars).length === 0 ? m : { ...m, env: { ...vars, ...m.env } };
}

export interface HostOptions {
  /** A functions dir: its plugins and pipelines are discovered and loaded at start (src/config). */
  dir?: string;
  /** `${VAR}` lookups in pipeline files (default: process.env). */
  env?: EnvLookup;
  /** Variables every plugin process of `dir` gets (from env files); a manifest's own `env:` wins. */
  pluginEnv?: Record<string, string>;
  /** Plugin runtime settings (timeouts, restart policy, coalescing). */
  plugins?: Omit<PluginRuntimeOptions, 'log'>;
  /** Port of the shared HTTP server (default 4195; 0 = any free port). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  log?: Logger;
  /** Components (defaults to the built-ins); plugins are added to it. */
  registry?: Registry;
  /** Streams to run. */
  streams?: StreamConf[];
  /** Input batches in flight per stream (default 1024). */
  maxInFlight?: number;
  /** How long replaceStream waits for the new stream to connect (default 30 s). */
  startTimeoutMs?: number;
  /**
   * Listen in start() (default). False: start() builds and starts the streams and plugins, and
   * listen() opens the port later (a cluster worker joins the shared socket only once it is ready).
   */
  listen?: boolean;
  /** Overrides every stream's `shutdown_timeout` (`--shutdown-timeout`); default: each file's, else 20 s. */
  shutdownTimeoutMs?: number;
  /** /ready shows errors in full (stderr tails, socket paths, pids): dev, or `run --ready-details`. Default: reasons only. */
  readyDetails?: boolean;
  /** Time a client has to send request headers (`--header-timeout`, default 10 s). */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included (`--request-timeout`, default 60 s). */
  requestTimeoutMs?: number;
}

/** How a host stop went. */
export interface ShutdownReport {
  /** Streams whose shutdown_timeout passed (their pending batches were nacked). */
  timedOut: string[];
  /** Input batches nacked because a deadline passed, over all streams. */
  nacked: number;
}

export type HostState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

interface LiveStream {
  conf: StreamConf;
  stream: Stream;
  routes: Route[];
}

/** What /ready reports per stream. */
export interface StreamHealth {
  state: string;
  input: boolean;
  output: boolean;
  error?: string;
  /** The last message that failed unhandled: its error, the component and when (ISO time). */
  lastFailure?: { error: string; component: string; at: string };
}

/**
 * The process-wide runtime: one shared HTTP server, the streams mounted on
 * it, and the metrics. Streams are added, replaced and removed while the
 * listener stays open (hot reload builds on replaceStream/removeStream).
 */
export class Host {
  readonly registry: Registry;
  readonly metrics = new Metrics({ process: true });
  readonly log: Logger;
  private readonly requestHub = new RequestEventHub();
  /** One record per finished HTTP request (status, time, error); free while nobody listens. */
  readonly requests: RequestEvents = this.requestHub;
  private readonly server: HttpServer;
  private readonly live = new Map<string, LiveStream>();
  /** Streams that failed to build or start, with why (reported by /ready). */
  private readonly broken = new Map<string, string>();
  /** Streams being stopped (an old generation draining). */
  private readonly retiring = new Set<Promise<StopReport>>();
  private current: HostState = 'created';
  private starting: Promise<void> | undefined;
  private stopping: Promise<ShutdownReport> | undefined;
  private stopped: Promise<void> | undefined;
  private readonly onStop: Array<() => Promise<void>> = [];
  private runtime: PluginRuntime | undefined;
  private pluginComponents: PluginComponents | undefined;
  private loader: DirLoader | undefined;
  /** Specs of the components that are not plugins (what src/config checks pipelines against, with the manifests). */
  readonly builtinSpecs: readonly ComponentSpec[];
  /** Whether /ready shows errors in full (see HostOptions.readyDetails). */
  get readyDetails(): boolean {
    return this.opts.readyDetails === true;
  }
  /** Problems found when loading `dir` (errors and warnings), for `run` to print. */
  diagnostics: Diagnostic[] = [];
  /** Plugin manifests loaded from `dir`. */
  manifests: PluginManifest[] = [];

  constructor(private readonly opts: HostOptions = {}) {
    this.log = opts.log ?? createLogger();
    this.registry = opts.registry ?? createRegistry();
    this.builtinSpecs = this.registry.allSpecs();
    this.server = new HttpServer({
      port: opts.port ?? 4195,
      host: opts.host ?? '127.0.0.1',
      log: this.log.child({ component: 'http' }),
      requests: this.requestHub,
      ...(opts.headersTimeoutMs !== undefined && { headersTimeoutMs: opts.headersTimeoutMs }),
      ...(opts.requestTimeoutMs !== undefined && { requestTimeoutMs: opts.requestTimeoutMs }),
    });
  }

  state(): HostState {
    return this.current;
  }

  /** Listens, mounts /ping, /ready and /metrics, and starts every configured stream. Idempotent. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      this.current = 'starting';
      this.server.setRoutes('host', hostRoutes(this));
      if (this.opts.listen !== false) await this.listen();
      const streams = [...(this.opts.streams ?? [])];
      if (this.opts.dir !== undefined) streams.push(...this.loadDir(this.opts.dir));
      for (const conf of streams) {
        try {
          this.addStream(conf);
        } catch (err) {
          this.broken.set(conf.id, errorMessage(err));
          this.log.error({ stream: conf.id, err: errorMessage(err) }, 'stream not started');
        }
      }
      this.current = 'running';
    })();
    return this.starting;
  }

  /** Opens the port (start() does, unless told not to). Idempotent. */
  async listen(): Promise<void> {
    if (this.server.address() !== undefined) return;
    const addr = await this.server.listen();
    this.log.info({ host: addr.address, port: addr.port }, 'listening');
  }

  /**
   * How src/config should load pipelines for this host (built-in specs, env, expression compilers).
   * Besides the environment, `${HOTPLUG_URL}` is this host's own base URL (unless the environment sets
   * it), so a stream can call another stream of the same host on whatever port it runs.
   */
  loadOptions(): DirOptions {
    const env = this.opts.env ?? ((name: string) => process.env[name]);
    return {
      builtins: this.builtinSpecs,
      env: (name) => env(name) ?? (name === 'HOTPLUG_URL' ? this.selfUrl() : undefined),
      expr: { interpolation: compileInterpolation, query: compileQuery, mapping: compileMapping },
    };
  }

  /**
   * What reloads load a functions dir with (dev): read, parsed and checked on a worker thread, so a
   * save of a big pipeline file does not stall serving (see createDirLoader). `env` gives the variables
   * `${VAR}` sees as a plain object (a lookup function cannot cross threads); without it the
   * environment, unless the host has its own `env` lookup. A custom registry (its specs cannot cross
   * threads either) or lookup without `env` loads in-thread. Closed by stop().
   */
  dirLoader(env?: () => Record<string, string | undefined>): DirLoader {
    if (!this.loader) {
      const options = this.loadOptions();
      const vars = env ?? (this.opts.env === undefined ? () => process.env : undefined);
      if (this.opts.registry !== undefined || vars === undefined) this.loader = { load: async (dir) => loadDir(dir, options), close: async () => undefined };
      // As loadOptions(): the given variables win over the host's own URL.
      else this.loader = createDirLoader({ options, env: () => ({ HOTPLUG_URL: this.selfUrl(), ...vars() }), log: this.log.child({ component: 'config' }) });
      const loader = this.loader;
      this.onStopped(() => loader.close());
    }
    return this.loader;
  }

  /** Plugins as components: register a changed manifest, swap a plugin's live components to a new generation. */
  get plugins(): PluginComponents {
    if (!this.pluginComponents) {
      this.runtime = createPluginRuntime({ log: this.log, ...this.opts.plugins });
      this.pluginComponents = new PluginComponents(this.runtime, this.registry, this.log);
      const runtime = this.runtime;
      this.metrics.collect(() => {
        const restarts = new Map<string, number>();
        const misses = new Map<string, number>();
        const down = new Map<string, number>();
        const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
        for (const c of runtime.health()) {
          for (const i of c.instances) {
            add(restarts, c.name, i.restarts);
            add(misses, c.name, i.deadlineMisses);
          }
          add(down, c.name, c.state === 'ready' || c.state === 'draining' || c.state === 'stopped' ? 0 : 1);
        }
        const values = (m: Map<string, number>) => [...m].map(([plugin, value]) => ({ labels: { plugin }, value }));
        return [
          { name: 'hotplug_plugin_restarts_total', help: 'Plugin process restarts after a crash or a missed deadline.', type: 'counter', values: values(restarts) },
          { name: 'hotplug_plugin_deadline_misses_total', help: 'Plugin calls that ran past their deadline (each killed and replaced the process).', type: 'counter', values: values(misses) },
          { name: 'hotplug_plugin_failed', help: 'Plugin components not serving (starting, restarting after a crash, or a start failed and is being retried).', type: 'gauge', values: values(down) },
        ];
      });
    }
    return this.pluginComponents;
  }

  /** Plugin components and their states (for /ready and the dev banner). */
  pluginHealth(): ReturnType<PluginRuntime['health']> {
    return this.runtime?.health() ?? [];
  }

  /**
   * Swaps every live component of a plugin to a new generation (hot reload of
   * plugin code). Rejects, leaving the old generation serving, when the new
   * one fails to start.
   */
  reloadPlugin(manifest: PluginManifest): Promise<void> {
    return this.plugins.swap(manifest);
  }

  private loadDir(dir: string): StreamConf[] {
    const loaded = loadDir(dir, this.loadOptions());
    this.diagnostics = loaded.diagnostics;
    this.manifests = loaded.manifests.map((m) => withPluginEnv(m, this.opts.pluginEnv));
    for (const d of loaded.diagnostics) {
      if (d.severity === 'error') this.log.error({ code: d.code }, formatDiagnostic(d));
      else this.log.warn({ code: d.code }, formatDiagnostic(d));
    }
    for (const m of this.manifests) this.plugins.register(m);
    for (const f of loaded.discovery.streams) {
      if (!loaded.streams.some((s) => s.id === f.id)) this.broken.set(f.id, 'the pipeline file has errors (see the log)');
    }
    return loaded.streams;
  }

  /** The bound address, once started. */
  /** http://host:port of this host's server as other code on this machine reaches it. */
  private selfUrl(): string | undefined {
    // Before listening (dev loads first), the configured address; with port 0 it is not known yet.
    const a = this.server.address() ?? (this.opts.port === 0 ? undefined : { address: this.opts.host ?? '127.0.0.1', port: this.opts.port ?? 4195 });
    if (!a) return undefined;
    const reach = a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.address;
    return `http://${reach.includes(':') ? `[${reach}]` : reach}:${a.port}`;
  }

  address(): { host: string; port: number } {
    const a = this.server.address();
    if (!a) throw new Error('the host is not listening');
    return { host: a.address, port: a.port };
  }

  /** `http://host:port` + path. */
  url(path = '/'): string {
    const { host, port } = this.address();
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  }

  streamIds(): string[] {
    return [...this.live.keys()];
  }

  stream(id: string): Stream | undefined {
    return this.live.get(id)?.stream;
  }

  routes(): Route[] {
    return this.server.routes();
  }

  /** The config a live stream runs (its components, for the dev console). */
  streamConf(id: string): StreamConf | undefined {
    return this.live.get(id)?.conf;
  }

  /**
   * Serves every path under `prefix` with `handle`, ahead of the streams' routes (the dev console
   * under /_hotplug/, which the config loader reserves); `GET /` then redirects there unless a route
   * claims `/`. undefined unmounts.
   */
  mount(prefix: string, handle: MountHandler | undefined): void {
    this.server.mount(prefix, handle);
  }

  /** Per stream: state and connections; streams that failed carry their error. */
  health(): Record<string, StreamHealth> {
    const out: Record<string, StreamHealth> = {};
    for (const [id, l] of this.live) {
      const f = l.stream.lastFailure();
      // A stream whose input finished is done, as a completed Kubernetes Job is: ready, state 'finished'.
      const state = l.stream.finished() ? { state: 'finished', input: true, output: true } : { state: l.stream.state(), ...l.stream.readiness() };
      out[id] = { ...state, ...(f && { lastFailure: { ...f, at: new Date(f.at).toISOString() } }) };
    }
    for (const [id, error] of this.broken) if (!out[id]) out[id] = { state: 'failed', input: false, output: false, error };
    return out;
  }

  /** Builds and starts a new stream and mounts its routes. Throws (changing nothing) on a build error or a route clash. */
  addStream(conf: StreamConf): Stream {
    this.checkNew(conf.id);
    return this.goLive(conf, buildStream(conf, this.buildEnv()));
  }

  /**
   * addStream for a host that is serving (a stream added on reload): a big
   * pipeline is built in slices with requests served in between (buildStreamSliced).
   */
  async startStream(conf: StreamConf): Promise<Stream> {
    this.checkNew(conf.id);
    const built = await buildStreamSliced(conf, this.buildEnv());
    this.checkNew(conf.id);
    return this.goLive(conf, built);
  }

  private checkNew(id: string): void {
    if (this.live.has(id)) throw new HotplugError(ErrorCode.InvalidValue, `stream ${id} already exists`);
  }

  /** Mounts a built stream's routes and starts it. */
  private goLive(conf: StreamConf, built: BuiltStream): Stream {
    this.server.setRoutes(conf.id, built.routes);
    this.live.set(conf.id, { conf, ...built });
    this.broken.delete(conf.id);
    built.stream.start().catch((err: unknown) => {
      if (built.stream.state() === 'draining' || built.stream.state() === 'stopped') return;
      this.log.error({ stream: conf.id, err: errorMessage(err) }, 'stream failed to start');
    });
    return built.stream;
  }

  /**
   * Swaps a stream for a new generation without a gap: builds and starts the
   * new one (waiting until its input and output are connected), moves the
   * routes over in one step, then drains the old one (intake stopped,
   * batch policies flushed through processors and output, components closed).
   * On any error before the swap the old stream keeps serving and this rejects.
   * Resolves once the old generation has stopped — within its shutdown_timeout
   * (past it, its pending batches are nacked), so a hung old stream cannot
   * wedge reloads. `conf.id` may differ from
   * `id` (a renamed file): the new id takes over the old one's routes.
   */
  async replaceStream(id: string, conf: StreamConf): Promise<void> {
    const old = this.live.get(id);
    if (!old) {
      await this.startStream(conf);
      return;
    }
    // A renamed pipeline file: the new id takes the old one's place (and routes) in one step.
    const renamed = conf.id !== id;
    if (renamed) this.checkNew(conf.id);
    // Built in slices while the old generation serves: it keeps serving until the swap below.
    const built = await buildStreamSliced(conf, this.buildEnv());
    if (renamed) this.checkNew(conf.id);
    this.server.checkRoutes(conf.id, built.routes, renamed ? id : undefined);
    try {
      await withTimeout(built.stream.start(), this.opts.startTimeoutMs ?? 30_000, `stream ${conf.id} did not connect`);
    } catch (err) {
      await built.stream.stop();
      throw err;
    }
    this.server.setRoutes(conf.id, built.routes, renamed ? id : undefined);
    if (renamed) this.live.delete(id);
    this.live.set(conf.id, { conf, ...built });
    this.broken.delete(id);
    this.broken.delete(conf.id);
    await this.retire(old.stream);
    if (renamed) this.metrics.forget('stream', id);
  }

  /** Unmounts a stream's routes (they answer 404 from now on) and drains it, within its shutdown_timeout. */
  async removeStream(id: string): Promise<void> {
    this.broken.delete(id);
    const old = this.live.get(id);
    if (!old) return;
    this.server.setRoutes(id, []);
    this.live.delete(id);
    await this.retire(old.stream);
    this.metrics.forget('stream', id);
  }

  /**
   * A cluster worker handing over: stops accepting connections and lets the
   * open ones finish (see HttpServer.drain), streams still serving them.
   * stop() afterwards drains the streams as usual.
   */
  drainConnections(idleGraceMs: number, maxMs: number): Promise<void> {
    return this.server.drain(idleGraceMs, maxMs);
  }

  /**
   * What /ready adds beyond this process (a cluster worker: whether the
   * cluster as a whole is ready). Undefined: this process alone decides.
   */
  readyGate: (() => { ready: boolean; detail: Record<string, unknown> }) | undefined;

  /** What GET /metrics answers instead of this process's own metrics (a cluster worker: the whole cluster's). */
  metricsSource: (() => Promise<string>) | undefined;

  /** Registers work to run during stop(), after the streams have drained (closing plugins). */
  onStopped(fn: () => Promise<void>): void {
    this.onStop.push(fn);
  }

  /**
   * The longest a stop() should take for the streams alone: the largest
   * shutdown_timeout among the live streams (for a watchdog around stop()).
   */
  shutdownBudgetMs(): number {
    let ms = this.opts.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    for (const l of this.live.values()) ms = Math.max(ms, l.stream.shutdownTimeoutMs);
    return ms;
  }

  /**
   * Graceful stop: every stream stops intake, flushes its batch policies,
   * drains and answers its pending HTTP requests — each within its
   * shutdown_timeout, past which it nacks what is pending and force-closes;
   * then plugins are closed and the listener shut. After a timed-out stream,
   * plugins get PLUGIN_FORCE_GRACE_MS to close (a call hung in a plugin keeps
   * its drain waiting): what is left then dies with the process (the runtime
   * kills its process groups on exit). Idempotent.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown().then(() => undefined);
    return this.stopped;
  }

  /** stop(), resolving with how it went (which streams timed out). Idempotent. */
  shutdown(): Promise<ShutdownReport> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined);
      this.current = 'stopping';
      const ids = [...this.live.keys()];
      const stops = [...this.live.values()].map((l) => l.stream.stop());
      const reports = await Promise.all([...stops, ...this.retiring]);
      const report: ShutdownReport = { timedOut: [], nacked: 0 };
      reports.forEach((r, i) => {
        if (!r.timedOut) return;
        report.timedOut.push(ids[i] ?? 'a replaced stream');
        report.nacked += r.nacked;
      });
      const closing = Promise.allSettled([...this.onStop.map((fn) => fn()), ...(this.runtime ? [this.runtime.close()] : [])]).then((after) => {
        for (const r of after) if (r.status === 'rejected') this.log.warn({ err: errorMessage(r.reason) }, 'shutdown step failed');
      });
      if (report.timedOut.length === 0) await closing;
      else if (!(await settlesWithin(closing, PLUGIN_FORCE_GRACE_MS))) this.log.warn({ afterMs: PLUGIN_FORCE_GRACE_MS }, 'plugins still closing after the shutdown deadline; no longer waiting for them');
      await this.server.close();
      this.current = 'stopped';
      this.log.info(report.timedOut.length > 0 ? { timedOut: report.timedOut, nacked: report.nacked } : {}, 'stopped');
      return report;
    })();
    return this.stopping;
  }

  private retire(stream: Stream): Promise<StopReport> {
    const p = stream.stop().finally(() => this.retiring.delete(p));
    this.retiring.add(p);
    return p;
  }

  private buildEnv(): BuildEnv {
    return {
      registry: this.registry,
      log: this.log,
      metrics: this.metrics,
      ...(this.opts.maxInFlight !== undefined ? { maxInFlight: this.opts.maxInFlight } : {}),
      ...(this.opts.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: this.opts.shutdownTimeoutMs } : {}),
      compileCheck: compileQuery,
    };
  }
}

/**
 * How long plugins may take to close after a stream's shutdown_timeout passed.
 * A call hung in a plugin keeps its drain (and so its close) waiting for the
 * runtime's own deadlines; the host does not wait for those.
 */
const PLUGIN_FORCE_GRACE_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new HotplugError(ErrorCode.Timeout, `${what} within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(t);
        reject(err as Error);
      },
    );
  });
}
