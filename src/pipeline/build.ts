import {
  type BuildContext,
  type ComponentConf,
  type Input,
  type Logger,
  type Output,
  type Processor,
  type StreamConf,
  ErrorCode,
  HotplugError,
  createPacer,
} from '../core/index.js';
import type { BatchingOptions } from './output-stage.js';
import { OutputStage } from './output-stage.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { Route } from './http/route.js';
import { FailedMessages } from './failures.js';
import { ProcessedInput } from './inputs/processed.js';
import type { Metrics } from './metrics.js';
import { RateLimits } from './rate-limit.js';
import type { Registry } from './registry.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, Stream } from './stream.js';

export interface BuildEnv {
  registry: Registry;
  log: Logger;
  metrics: Metrics;
  clock?: Clock;
  /** Input batches in flight per stream (default 1024). */
  maxInFlight?: number;
  /** Compiles a plugin output's policy `check` text. */
  compileCheck?: (source: string) => unknown;
  /** Overrides every stream's `shutdown_timeout` (the host's --shutdown-timeout). */
  shutdownTimeoutMs?: number;
}

/**
 * The BuildContext the pipeline's components get. Besides the core contract
 * it collects the HTTP routes that `http_server` inputs declare; the host
 * mounts them on the shared server when the stream goes live.
 */
export interface PipelineContext extends BuildContext {
  readonly routes: Route[];
  /** The stream's `rate_limit_resources`, shared by every component that names one. */
  readonly rateLimits: RateLimits;
  readonly metrics: Metrics;
  /** The `timeout` of the stream's http_server input, when it has one: plugin call deadlines stay within it. */
  readonly routeTimeoutMs: number | undefined;
}

/** The pipeline's BuildContext, for components that need more than the core contract. */
export function pipelineContext(ctx: BuildContext): PipelineContext {
  if (!('routes' in ctx)) throw new Error('this component needs the pipeline build context (src/pipeline/build.ts)');
  return ctx as PipelineContext;
}

export interface BuiltStream {
  stream: Stream;
  routes: Route[];
}

/** Builds a stream from its config. Building does no I/O; `stream.start()` connects. */
export function buildStream(conf: StreamConf, env: BuildEnv): BuiltStream {
  const b = new StreamBuilder(conf, env);
  const top = b.buildTopInput(conf.input);
  return assemble(b, conf, env, top, b.buildProcessors(conf.processors));
}

/**
 * buildStream for a process that is serving while it builds (a reload): the
 * same stream, same errors, but `pipeline.processors` is built in slices of
 * about `sliceMs` (default 4 ms) with the event loop getting a turn between
 * them, so a pipeline of thousands of processors does not stall requests.
 * A small stream is built in one slice, without waiting for a turn.
 */
export async function buildStreamSliced(conf: StreamConf, env: BuildEnv, sliceMs = 4): Promise<BuiltStream> {
  const b = new StreamBuilder(conf, env);
  const pause = createPacer(sliceMs);
  const top = b.buildTopInput(conf.input);
  const processors: Processor[] = [];
  for (const c of conf.processors) {
    // Between top-level processors no component is being built: the builder's state is at rest.
    const turn = pause();
    if (turn) await turn;
    processors.push(b.buildProcessor(c));
  }
  return assemble(b, conf, env, top, processors);
}

/** The rest of a build once the input and `pipeline.processors` are built: the output, then the stream. */
function assemble(b: StreamBuilder, conf: StreamConf, env: BuildEnv, top: { input: Input; processors: Processor[] }, pipeline: Processor[]): BuiltStream {
  const { input, processors: inputProcessors } = top;
  const processors = [...inputProcessors, ...pipeline];
  const output = b.buildOutput(conf.output);
  const stream = new Stream({
    id: conf.id,
    input,
    processors,
    output,
    threads: conf.threads,
    maxInFlight: env.maxInFlight ?? 1024,
    closables: b.resourceClosables(),
    log: env.log.child({ stream: conf.id }),
    metrics: env.metrics,
    failures: b.failures,
    shutdownTimeoutMs: env.shutdownTimeoutMs ?? conf.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
  });
  return { stream, routes: b.routes };
}

/** Processors built on their own, with the resources they use; `close()` closes both, once. */
export interface BuiltProcessors {
  processors: Processor[];
  close(): Promise<void>;
}

/**
 * Builds some of a stream's processors exactly as buildStream would (shared
 * resources, nested processors, plugins through the registry), without its
 * input or output: `confs` (a list from the stream's config) or the processor
 * resource named `resource`. What `hotplug test` runs a test batch through.
 */
export function buildProcessors(conf: StreamConf, env: BuildEnv, target: ComponentConf[] | { resource: string }): BuiltProcessors {
  const b = new StreamBuilder(conf, env);
  const processors = Array.isArray(target) ? b.buildProcessors(target) : [b.resourceProcessor(target.resource)];
  let closing: Promise<void> | undefined;
  return {
    processors,
    close: () =>
      (closing ??= (async () => {
        await Promise.allSettled(processors.map((p) => p.close()));
        await Promise.allSettled(b.resourceClosables().map((r) => r.close()));
      })()),
  };
}

class StreamBuilder implements PipelineContext {
  readonly streamId: string;
  readonly routes: Route[] = [];
  readonly rateLimits: RateLimits;
  readonly metrics: Metrics;
  readonly routeTimeoutMs: number | undefined;
  readonly failures: FailedMessages;
  /**
   * The logger of the component being built, made on first use: most
   * components never log at build time or keep one, and a pino child each
   * was most of the cost of building a stream of thousands of processors.
   */
  private logAt: () => Logger;
  get log(): Logger {
    return this.logAt();
  }
  private readonly resources = new Map<string, Processor>();
  private readonly building = new Set<string>();
  private path = '';

  constructor(
    private readonly conf: StreamConf,
    private readonly env: BuildEnv,
  ) {
    this.streamId = conf.id;
    const log = env.log.child({ stream: conf.id });
    this.logAt = () => log;
    this.rateLimits = new RateLimits(conf.resources.rateLimits, env.clock);
    this.metrics = env.metrics;
    this.failures = new FailedMessages(conf.id, this.log, env.metrics, conf.unhandledErrors === 'pass_through');
    this.routeTimeoutMs = conf.input.type === 'http_server' ? durationMs((conf.input.config as { timeout?: unknown } | undefined)?.timeout, 5000) : undefined;
  }

  buildProcessors(confs: ComponentConf[]): Processor[] {
    return confs.map((c) => this.buildProcessor(c));
  }

  buildProcessor(conf: ComponentConf): Processor {
    if (conf.type === 'resource') return this.resourceProcessor(String(conf.config));
    const def = this.env.registry.processor(conf.type);
    if (!def) throw unknown(conf);
    return this.within(conf, () => def.build(conf, this));
  }

  /** The stream's own input; its processors run in the pipeline, ahead of `pipeline.processors`. */
  buildTopInput(conf: ComponentConf): { input: Input; processors: Processor[] } {
    const outer = this.buildProcessors(conf.processors);
    if (conf.type === 'resource') {
      const res = this.buildTopInput(this.lookupResource('inputs', String(conf.config), conf));
      return { input: res.input, processors: [...res.processors, ...outer] };
    }
    const def = this.env.registry.input(conf.type);
    if (!def) throw unknown(conf);
    return { input: this.within(conf, () => def.build(conf, this)), processors: outer };
  }

  /** A nested input (broker child, resource): its processors are applied to what it reads. */
  buildInput(conf: ComponentConf): Input {
    if (conf.type === 'resource') {
      const res = this.lookupResource('inputs', String(conf.config), conf);
      return this.buildInput(res);
    }
    const def = this.env.registry.input(conf.type);
    if (!def) throw unknown(conf);
    const input = this.within(conf, () => def.build(conf, this));
    const procs = this.buildProcessors(conf.processors);
    return procs.length === 0 ? input : new ProcessedInput(input, procs);
  }

  /** An output wrapped with its processors, batching and in-flight limit. */
  buildOutput(conf: ComponentConf): Output {
    if (conf.type === 'resource') {
      const res = this.lookupResource('outputs', String(conf.config), conf);
      return this.buildOutput(res);
    }
    const def = this.env.registry.output(conf.type);
    if (!def) throw unknown(conf);
    return this.within(conf, () => {
      const inner = def.build(conf, this);
      const batching = batchingOf(conf, this);
      return new OutputStage(inner, {
        processors: this.buildProcessors(conf.processors),
        batching,
        compileCheck: this.env.compileCheck,
        clock: this.env.clock ?? systemClock,
        log: this.log,
        metrics: this.env.metrics,
        labels: { stream: this.streamId, component: conf.label ?? `output.${conf.type}` },
        failures: this.failures,
      });
    });
  }

  resourceProcessor(name: string): Processor {
    const cached = this.resources.get(name);
    if (cached) return cached;
    const conf = this.conf.resources.processors.get(name);
    if (!conf) {
      throw new HotplugError(ErrorCode.UnknownResource, `no processor resource named "${name}"`, {
        hint: 'declare it under processor_resources with `label: ' + name + '`',
      });
    }
    if (this.building.has(name)) {
      throw new HotplugError(ErrorCode.InvalidValue, `processor resource "${name}" refers to itself`, { location: conf.location });
    }
    this.building.add(name);
    try {
      const p = new SharedProcessor(this.buildProcessor(conf));
      this.resources.set(name, p);
      return p;
    } finally {
      this.building.delete(name);
    }
  }

  /** Resource processors are shared by every user; the stream closes them once, last. */
  resourceClosables(): Array<{ close(): Promise<void> }> {
    return [...this.resources.values()].map((p) => ({ close: () => (p as SharedProcessor).closeShared() }));
  }

  private lookupResource(kind: 'inputs' | 'outputs', name: string, at: ComponentConf): ComponentConf {
    const conf = this.conf.resources[kind].get(name);
    if (!conf) {
      throw new HotplugError(ErrorCode.UnknownResource, `no ${kind.slice(0, -1)} resource named "${name}"`, {
        location: at.location,
        hint: `declare it under ${kind.slice(0, -1)}_resources with \`label: ${name}\``,
      });
    }
    return conf;
  }

  private within<T>(conf: ComponentConf, fn: () => T): T {
    const saved = this.logAt;
    const savedPath = this.path;
    const path = conf.label ?? `${conf.kind}.${conf.type}`;
    this.path = path;
    let log: Logger | undefined;
    this.logAt = () => (log ??= saved().child({ component: path }));
    try {
      return fn();
    } catch (err) {
      if (err instanceof HotplugError) throw err;
      throw new HotplugError(ErrorCode.InvalidValue, `cannot build ${conf.kind} "${conf.type}": ${(err as Error).message}`, {
        location: conf.location,
        cause: err,
      });
    } finally {
      this.logAt = saved;
      this.path = savedPath;
    }
  }
}

/** A resource processor used from several places: users' close() calls are ignored. */
class SharedProcessor implements Processor {
  constructor(private readonly inner: Processor) {}
  processBatch(batch: Parameters<Processor['processBatch']>[0]): ReturnType<Processor['processBatch']> {
    return this.inner.processBatch(batch);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  closeShared(): Promise<void> {
    return this.inner.close();
  }
}

interface BatchingConf {
  count?: number;
  byte_size?: number;
  period?: number;
  check?: unknown;
  processors?: ComponentConf[];
}

/** The `batching:` field of an output's config, when it batches anything. */
export function batchingOf(conf: ComponentConf, ctx: BuildContext): BatchingOptions | undefined {
  const cfg = conf.config as { batching?: BatchingConf } | null;
  const b = cfg !== null && typeof cfg === 'object' ? cfg.batching : undefined;
  if (b === undefined) return undefined;
  const opts: BatchingOptions = {
    count: b.count ?? 0,
    byteSize: b.byte_size ?? 0,
    periodMs: b.period ?? 0,
    check: b.check,
    processors: ctx.buildProcessors(b.processors ?? []),
  };
  if ((opts.count ?? 0) <= 1 && !opts.byteSize && !opts.periodMs && opts.check === undefined && opts.processors.length === 0) {
    return undefined;
  }
  return opts;
}

function unknown(conf: ComponentConf): HotplugError {
  return new HotplugError(ErrorCode.UnknownComponent, `unknown ${conf.kind} "${conf.type}"`, { location: conf.location });
}

/** A config duration already parsed to ms (a number), else the default. */
function durationMs(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : dflt;
}
