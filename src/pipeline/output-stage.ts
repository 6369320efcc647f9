import { type Batch, type Logger, type Output, type Processor, errorMessage } from '../core/index.js';
import { BatchDriver } from './batch-driver.js';
import { BatchPolicy, type BatchPolicyOptions, type FlushTrigger } from './batch-policy.js';
import type { Clock } from './clock.js';
import { Limiter } from './limiter.js';
import type { Counter, Metrics } from './metrics.js';
import type { FailedMessages } from './failures.js';
import { runProcessors } from './process.js';

export interface OutputStageOptions {
  /** Processors attached to the output (`output: { x: {}, processors: [] }`); they run before batching. */
  processors: Processor[];
  /** The `batching:` block. An output's own policy (a plugin's Init answer) replaces its triggers, as on Connect. */
  batching?: BatchingOptions | undefined;
  /** Compiles a policy's `check` source text (a plugin's Init answer) into a Query. */
  compileCheck?: ((source: string) => unknown) | undefined;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  labels: { stream: string; component: string };
  /** Messages the output's processors flagged are not written (unless passed through); see FailedMessages. */
  failures?: FailedMessages | undefined;
}

export interface BatchingOptions extends BatchPolicyOptions {
  /** Post-batch processors: run once on each flushed batch, their output merged back into one batch. */
  processors: Processor[];
}

/** An output that holds batches of its own (a stage, a broker of stages) and can be told to let them go. */
export interface Drainable {
  drain(): void;
}

/**
 * A component that can be closed without waiting for what it has in flight
 * (a shutdown past its deadline): outputs, and plugin components of any kind.
 */
export interface ForceClosable {
  /** Fails pending and later work with `err` (its batches are nacked), drops what batch policies hold, closes at once. Idempotent. */
  forceClose(err: Error): Promise<void>;
}

/** Closes `c` without waiting for its work in flight: `forceClose` when it has one, else `close`. */
export function forceCloseComponent(c: { close(): Promise<void> }, err: Error): Promise<void> {
  const f = (c as Partial<ForceClosable>).forceClose;
  return typeof f === 'function' ? f.call(c, err) : c.close();
}

/** Tracks one `writeBatch` call whose messages may land in several flushed batches. */
class Share {
  private remaining: number;
  private err: Error | undefined;
  constructor(
    n: number,
    private readonly resolve: () => void,
    private readonly reject: (err: Error) => void,
  ) {
    this.remaining = n;
  }
  settle(n: number, err: Error | undefined): void {
    if (err !== undefined && this.err === undefined) this.err = err;
    this.remaining -= n;
    if (this.remaining === 0) {
      if (this.err !== undefined) this.reject(this.err);
      else this.resolve();
    }
  }
}

/**
 * An output as the stream sees it: the component wrapped with its
 * processors, its batch policy and its `maxInFlight` limit. It is an Output
 * itself (so broker outputs nest stages), accepts any number of concurrent
 * writes, and resolves each write once all of that write's messages were
 * delivered — or rejects with the first failure, the nack.
 */
export class OutputStage implements Output, Drainable, ForceClosable {
  readonly maxInFlight = Number.POSITIVE_INFINITY;
  /** Sized from the output's `maxInFlight` once connected (a plugin output learns it at Init). */
  private limiter: Limiter;
  private driver: BatchDriver<Share> | undefined;
  private postProcessors: Processor[] = [];
  private closing: Promise<void> | undefined;
  private draining = false;
  /** Set by forceClose(): every write from then on fails with it. */
  private forced: Error | undefined;
  private forceClosing: Promise<void> | undefined;
  private readonly flushing = new Set<Promise<void>>();
  private readonly sent: Counter;
  private readonly failed: Counter;
  private readonly triggers = new Map<FlushTrigger | 'none', Counter>();

  constructor(
    readonly inner: Output,
    private readonly opts: OutputStageOptions,
  ) {
    this.limiter = new Limiter(Math.max(1, inner.maxInFlight ?? 1));
    const { metrics, labels } = opts;
    this.sent = metrics.counter('hotplug_output_sent_total', 'Messages delivered by an output.', labels);
    this.failed = metrics.counter('hotplug_output_errors_total', 'Output batches that failed (nacked).', labels);
  }

  /** Connects the component, then sets up batching (a plugin output's policy is known only after Init). */
  async connect(signal: AbortSignal): Promise<void> {
    await this.inner.connect(signal);
    const max = Math.max(1, this.inner.maxInFlight ?? 1);
    if (max !== this.limiter.size && this.limiter.inUse === 0) this.limiter = new Limiter(max);
    if (this.driver !== undefined) return;
    let batching = this.opts.batching;
    const p = this.inner.batchPolicy;
    if (p !== undefined && (p.count || p.byteSize || p.periodMs || p.check)) {
      // Redpanda Connect always applies a plugin's own policy; the YAML keeps its post-batch processors.
      if (batching !== undefined) this.opts.log.warn({ plugin: p }, "the output sets its own batch policy (as on Redpanda Connect): batching's count, byte_size, period and check are ignored");
      const check = p.check ? this.opts.compileCheck?.(p.check) : undefined;
      batching = { count: p.count ?? 0, byteSize: p.byteSize ?? 0, periodMs: p.periodMs ?? 0, check, processors: batching?.processors ?? [] };
    }
    if (batching === undefined) return;
    this.postProcessors = batching.processors;
    this.driver = new BatchDriver<Share>(new BatchPolicy(batching, this.opts.clock.now()), (b, o, t) => this.onFlush(b, o, t), this.opts.clock);
  }

  writeBatch(batch: Batch): Promise<void> {
    if (this.forced !== undefined) return Promise.reject(this.forced);
    if (this.opts.processors.length > 0) return this.processThenWrite(batch);
    return this.batchOrWrite(batch);
  }

  /**
   * Shutdown, first step: flushes what the batch policy holds and stops
   * batching (later writes go straight through), here and in nested stages
   * (a broker's children), so that nothing waits on a period that will never
   * come. Idempotent.
   */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.driver?.close();
    (this.inner as Partial<Drainable>).drain?.();
  }

  /** Drains, waits for in-flight writes (post-batch processors included), then closes the output and processors. */
  close(): Promise<void> {
    if (this.forceClosing) return this.forceClosing;
    this.closing ??= (async () => {
      this.drain();
      await Promise.allSettled([...this.flushing]);
      await this.limiter.idle();
      if (this.forceClosing) return this.forceClosing;
      await this.closeParts((o) => o.close());
    })();
    return this.closing;
  }

  /**
   * Shutdown past its deadline: the messages the batch policy holds are
   * dropped and their writes fail with `err` (the stream nacks them), writes
   * waiting for an in-flight slot fail too, and the output and processors are
   * closed without waiting for writes still in flight (a close that aborts
   * them, as http_client's does, makes those fail as well). Idempotent; a
   * close() still waiting for in-flight writes ends with this instead.
   */
  forceClose(err: Error): Promise<void> {
    this.forceClosing ??= (async () => {
      this.forced = err;
      this.draining = true;
      settleOwners(this.driver?.discard() ?? [], err);
      this.limiter.abort(err);
      await this.closeParts((o) => forceCloseComponent(o, err));
    })();
    return this.forceClosing;
  }

  private async closeParts(closeInner: (o: Output) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled([
      closeInner(this.inner),
      ...this.opts.processors.map((p) => p.close()),
      ...this.postProcessors.map((p) => p.close()),
    ]);
    for (const r of results) if (r.status === 'rejected') this.opts.log.warn({ err: errorMessage(r.reason) }, 'closing output failed');
  }

  private async processThenWrite(batch: Batch): Promise<void> {
    let batches = await runProcessors(this.opts.processors, batch);
    const failures = this.opts.failures;
    let failed: Error | undefined;
    if (failures !== undefined) {
      batches = batches.map((b) => {
        const t = failures.take(b);
        failed ??= t.failed;
        return t.deliver;
      }).filter((b) => b.length > 0);
    }
    if (batches.length === 1 && failed === undefined) return this.batchOrWrite(batches[0] as Batch);
    const results = await Promise.allSettled(batches.map((b) => this.batchOrWrite(b)));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    if (failed !== undefined) throw failed;
  }

  private batchOrWrite(batch: Batch): Promise<void> {
    const driver = this.driver;
    if (driver === undefined || this.draining) return this.write(batch, 'none');
    return new Promise<void>((resolve, reject) => driver.add(batch, new Share(batch.length, resolve, reject)));
  }

  private onFlush(batch: Batch, owners: Share[], trigger: FlushTrigger): void {
    const p = this.flushed(batch, trigger).then(
      () => settleOwners(owners, undefined),
      (err: unknown) => settleOwners(owners, err instanceof Error ? err : new Error(String(err))),
    );
    this.flushing.add(p);
    void p.finally(() => this.flushing.delete(p));
  }

  private async flushed(batch: Batch, trigger: FlushTrigger): Promise<void> {
    let out = batch;
    if (this.postProcessors.length > 0) {
      const batches = await runProcessors(this.postProcessors, batch, true);
      if (batches.length === 0) return; // filtered everything: acked
      out = batches.length === 1 ? (batches[0] as Batch) : batches.flat();
    }
    await this.write(out, trigger);
  }

  private async write(batch: Batch, trigger: FlushTrigger | 'none'): Promise<void> {
    let c = this.triggers.get(trigger);
    if (c === undefined) {
      c = this.opts.metrics.counter('hotplug_output_batches_total', 'Batches written by an output, by what flushed them.', { ...this.opts.labels, trigger });
      this.triggers.set(trigger, c);
    }
    c.inc();
    if (this.forced !== undefined) throw this.forced;
    if (!this.limiter.tryAcquire()) await this.limiter.acquire();
    try {
      await this.inner.writeBatch(batch);
      this.sent.inc(batch.length);
    } catch (err) {
      this.failed.inc();
      throw err;
    } finally {
      this.limiter.release();
    }
  }
}

/** Settles each write whose messages are in `owners`; they repeat in runs (one write's messages are added together), so per run. */
function settleOwners(owners: Share[], err: Error | undefined): void {
  let i = 0;
  while (i < owners.length) {
    const owner = owners[i] as Share;
    let n = 0;
    while (i < owners.length && owners[i] === owner) {
      n++;
      i++;
    }
    owner.settle(n, err);
  }
}
