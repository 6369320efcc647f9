import { ErrorCode, type Failure, MessageFailedError, failureOf } from '../core/errors.js';
import type { Batch, Message, Origin } from '../core/message.js';
import type { Processor } from '../core/processor.js';
import type { PluginManifest } from '../core/spec.js';
import type { Value } from '../core/value.js';
import { ProcessorService, errorFromWire, type ProcessorInitResponse, type WireError } from '../wire/index.js';
import { Coalescer } from './coalescer.js';
import { PluginComponent } from './component.js';
import type { Generation } from './generation.js';
import type { ResolvedOptions } from './options.js';
import { describeExit, PluginCrashedError, PluginDeadlineError, unavailable } from './process-errors.js';

interface GenState {
  perMessage: boolean;
  coalescer: Coalescer | undefined;
}

/** Where a processor is used: its call deadline follows the route's timeout. */
export interface ProcessorUse {
  /** The `timeout` of the stream's http_server input, when it has one. */
  routeTimeoutMs?: number | undefined;
}

/**
 * A processor plugin as a core Processor. The process starts on the first
 * batch (or `start()`). Plugins that answered Init with hotplug_per_message
 * get concurrent batches coalesced into fewer ProcessBatch calls; others get
 * every batch as its own call, never merged.
 *
 * Failures reject with a MessageFailedError naming the plugin and generation
 * (the pipeline flags the messages; a request gets 500, 503 or 504). Every
 * call has a deadline (the manifest's `deadline`, else a little less than the
 * route's timeout, else 30 s): a call past it fails with 504 and the process
 * is replaced. Work in flight when a process crashes or hangs is isolated:
 * run again alone on a fresh process, then split (per request for coalesced
 * calls, else in halves) until only the message that crashes it fails
 * ("the plugin crashed while processing this message", 500).
 */
export class PluginProcessor extends PluginComponent implements Processor {
  private readonly genState = new WeakMap<Generation, GenState>();
  /** A little under the route's timeout (else 30 s): the call deadline unless the manifest sets one, and how long a call waits for the plugin to be ready. */
  private readonly defaultDeadlineMs: number;

  constructor(manifest: PluginManifest, config: Value, opts: ResolvedOptions, use: ProcessorUse = {}) {
    super('processor', manifest, config, { init: ProcessorService.init, close: ProcessorService.close }, opts);
    const route = use.routeTimeoutMs;
    this.defaultDeadlineMs = route !== undefined && route > 0 ? Math.max(1, route - Math.min(500, route / 10)) : opts.callDeadlineMs;
  }

  /** Starts the plugin now instead of on the first batch (surfaces Init errors early). */
  async start(): Promise<void> {
    await this.prepare(this.current());
  }

  protected async prepare(gen: Generation): Promise<void> {
    await gen.start();
    if (this.genState.has(gen)) return;
    const init = gen.supervisors()[0]?.initResponse<ProcessorInitResponse>();
    const perMessage = init?.perMessage === true;
    const coalescer = perMessage
      ? new Coalescer((batch) => this.callPerMessage(gen, batch), this.opts.coalesceInFlight * gen.supervisors().length, this.opts.maxMessageBytes / 2)
      : undefined;
    this.genState.set(gen, { perMessage, coalescer });
  }

  processBatch(batch: Batch): Promise<Batch[]> {
    let gen: Generation;
    try {
      gen = this.current();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const origin = batch[0]?.origin;
    if (origin !== undefined) origin.generation = gen.id;
    const st = this.genState.get(gen);
    if (st?.coalescer) {
      // The hot path of per-message plugins (one call per HTTP request): no async frames on the way in.
      gen.enter();
      const out = st.coalescer.submit(batch);
      const leave = (): void => gen.leave();
      out.then(leave, leave);
      return out;
    }
    return this.processSlow(gen, batch);
  }

  private async processSlow(gen: Generation, batch: Batch): Promise<Batch[]> {
    gen.enter();
    try {
      await this.startWithin(gen, this.defaultDeadlineMs);
      const st = this.genState.get(gen) as GenState;
      if (st.coalescer) return await st.coalescer.submit(batch);
      return await this.isolated(gen, batch, false, false);
    } catch (err) {
      throw this.described(err, gen);
    } finally {
      gen.leave();
    }
  }

  private callPerMessage(gen: Generation, batch: Batch): Promise<Batch[]> {
    return this.isolated(gen, batch, true, false).catch((err: unknown) => {
      throw this.described(err, gen);
    });
  }

  /** prepare(gen), or PluginUnavailable (503) once `ms` pass with the plugin still starting. */
  private startWithin(gen: Generation, ms: number): Promise<void> {
    const started = this.prepare(gen);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = gen.supervisors().find((s) => s.health().lastError !== undefined)?.health().lastError;
        reject(unavailable(this.name, 'starting', last === undefined ? undefined : new Error(last)));
      }, ms);
      started.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err as Error);
        },
      );
    });
  }

  private deadlineMs(gen: Generation): number {
    return gen.manifest.deadlineMs ?? this.defaultDeadlineMs;
  }

  /** One ProcessBatch call, failing on a crash or a missed deadline (no retry: `isolated` decides). */
  private async callOnce(gen: Generation, batch: Batch, perMessage: boolean, exclusive: boolean): Promise<Batch[]> {
    const req = perMessage ? { batch, perMessageResults: true } : { batch };
    const res = await gen.pick().run((p) => p.call(ProcessorService.processBatch, req), { deadlineMs: this.deadlineMs(gen), waitMs: this.defaultDeadlineMs, exclusive, noRetry: true });
    // A batch error next to flagged messages only summarises them (for Redpanda Connect, which reads
    // nothing else; hotplug's SDKs send it in the contract's own shape): the messages' errors are the outcome.
    if (res.error && (perMessage || !res.batches.some((b) => b.some((m) => m.error)))) throw this.batchError(res.error, gen);
    stampFailures(res.batches, this.name, gen.id);
    if (!perMessage) copyOrigins(batch, res.batches);
    return res.batches;
  }

  /**
   * `batch` through the plugin, isolating what crashes or hangs it: a call
   * that crashed the process (or missed its deadline with other calls in
   * flight) runs again alone; alone, a crash splits it (per request, else in
   * halves) and a single message that still crashes it fails by itself; a
   * deadline missed alone fails the call (per request when coalesced).
   * Results keep the order of `batch`.
   */
  private async isolated(gen: Generation, batch: Batch, perMessage: boolean, exclusive: boolean): Promise<Batch[]> {
    try {
      return await this.callOnce(gen, batch, perMessage, exclusive);
    } catch (err) {
      const crashed = err instanceof PluginCrashedError;
      if (!crashed && !(err instanceof PluginDeadlineError)) throw err;
      // Known to be this call's doing only when it ran alone; else each request of it (or all of it) runs again alone.
      const conclusive = exclusive || (!crashed && err.alone);
      const parts = !conclusive ? splitByOrigin(batch) ?? [batch] : crashed ? splitSuspects(batch) : splitByOrigin(batch);
      if (parts === undefined) return failed(batch, perMessage, this.isolatedFailure(err, gen));
      // Until the re-runs settle, a request whose own timeout passes is answered with this miss, not a bare timeout.
      const suspects = crashed ? undefined : markSuspects(batch, this.suspectFailure(err as PluginDeadlineError, gen));
      const out: Batch[] = [];
      try {
        for (const part of parts) for (const b of await this.isolated(gen, part, perMessage, true)) out.push(b);
      } finally {
        if (suspects !== undefined) for (const o of suspects) o.suspect = undefined;
      }
      // A batch processor was given one batch: what its parts produced comes back as one.
      if (perMessage) return out;
      const merged = out.flat();
      return merged.length > 0 ? [merged] : [];
    }
  }

  private isolatedFailure(err: PluginCrashedError | PluginDeadlineError, gen: Generation): Failure {
    const base = { component: this.name, generation: gen.id };
    if (err instanceof PluginDeadlineError) return { ...base, text: err.message, status: 504, code: ErrorCode.PluginDeadline };
    return { ...base, text: `the plugin crashed while processing this message: ${this.name} ${describeExit(err.exit)}`, status: 500, code: ErrorCode.PluginPoison };
  }

  private suspectFailure(err: PluginDeadlineError, gen: Generation): Failure {
    const text = `${err.message}; this request was in that call, and re-running it alone had not finished when the route's timeout passed`;
    return { text, status: 504, code: ErrorCode.PluginDeadline, component: this.name, generation: gen.id };
  }

  private batchError(e: WireError, gen: Generation): MessageFailedError {
    const err = errorFromWire(e);
    return new MessageFailedError({ text: `plugin ${this.name}: ${err.message}`, status: 500, code: ErrorCode.Processing, stack: e.stack, component: this.name, generation: gen.id });
  }

  /** Any rejection as a MessageFailedError naming this plugin and generation. */
  private described(err: unknown, gen: Generation): MessageFailedError {
    if (err instanceof MessageFailedError) return err;
    return new MessageFailedError({ ...failureOf(err), component: this.name, generation: gen.id });
  }
}

/** Per-message errors the plugin sent: their failure names the plugin and generation (the stack came with them). */
function stampFailures(batches: Batch[], component: string, generation: number): void {
  for (const b of batches) {
    for (const m of b) {
      if (m.error === undefined) continue;
      const f = m.failure;
      if (f !== undefined && f.text === m.error) {
        f.component = component;
        f.generation = generation;
      } else {
        m.failure = { text: m.error, status: 500, code: ErrorCode.Processing, component, generation };
      }
    }
  }
}

/** Copies of `batch` flagged with `f`: one result per message (per-message calls) or one batch. */
function failed(batch: Batch, perMessage: boolean, f: Failure): Batch[] {
  const out = batch.map((m) => {
    const c = m.copy();
    c.error = f.text;
    c.failure = f;
    return c;
  });
  return perMessage ? out.map((m) => [m]) : [out];
}

/** Marks the origins of `batch` (once each) with `f`; returns them, to clear the mark later. */
function markSuspects(batch: Batch, f: Failure): Origin[] {
  const marked: Origin[] = [];
  for (const m of batch) {
    const o = m.origin;
    if (o === undefined || o.suspect === f) continue;
    o.suspect = f;
    marked.push(o);
  }
  return marked;
}

/** Runs of messages with the same origin (one request each, in a coalesced call); undefined when there is one. */
function splitByOrigin(batch: Batch): Batch[] | undefined {
  const parts: Batch[] = [];
  let origin: Origin | undefined | null = null;
  for (const m of batch) {
    if (m.origin !== origin || parts.length === 0) {
      parts.push([]);
      origin = m.origin;
    }
    (parts[parts.length - 1] as Batch).push(m);
  }
  return parts.length > 1 ? parts : undefined;
}

/** Per request when several share the batch, else two halves; undefined for a single message. */
function splitSuspects(batch: Batch): Batch[] | undefined {
  if (batch.length <= 1) return undefined;
  const byOrigin = splitByOrigin(batch);
  if (byOrigin !== undefined) return byOrigin;
  const half = Math.ceil(batch.length / 2);
  return [batch.slice(0, half), batch.slice(half)];
}

/**
 * Without per-message results the mapping from inputs to outputs is only
 * known when it is one-to-one, or when every input shares one origin.
 */
function copyOrigins(inputs: Batch, outputs: Batch[]): void {
  const first = inputs[0]?.origin;
  const shared = first !== undefined && inputs.every((m) => m.origin === first);
  const total = outputs.reduce((n, b) => n + b.length, 0);
  if (!shared && total !== inputs.length) return;
  let i = 0;
  for (const b of outputs) {
    for (const m of b as Message[]) m.origin = shared ? first : (inputs[i++] as Message).origin;
  }
}
