import {
  type Batch,
  type Input,
  type Logger,
  type Output,
  type Processor,
  type ReadResult,
  ErrorCode,
  HotplugError,
  NotConnectedError,
  createPacer,
  errorMessage,
  formatDuration,
} from '../core/index.js';
import { backoffFor, connectWithRetry, sleep } from './connect.js';
import { settlesWithin } from './deadline.js';
import { Limiter } from './limiter.js';
import type { Counter, Histogram, Metrics } from './metrics.js';
import type { FailedMessages } from './failures.js';
import { type Drainable, forceCloseComponent } from './output-stage.js';
import { runProcessors } from './process.js';
import { Transaction } from './transaction.js';

export type StreamState = 'created' | 'starting' | 'running' | 'draining' | 'stopped';

/** Redpanda Connect's default `shutdown_timeout`. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 20_000;
/** After a forced stop, how long components get to close before the stream stops waiting for them. */
const FORCE_CLOSE_GRACE_MS = 1_000;
/** Longest stretch of closing components before other work gets a turn. */
const CLOSE_SLICE_MS = 4;

/** How a stop went. */
export interface StopReport {
  /** `shutdown_timeout` passed: what was pending was nacked and the components force-closed. */
  timedOut: boolean;
  /** Input batches nacked because the deadline passed. */
  nacked: number;
}

export interface StreamParts {
  id: string;
  input: Input;
  /** The input's own processors followed by `pipeline.processors`. */
  processors: Processor[];
  /** The output wrapped with its processors, batching and in-flight limit (an OutputStage). */
  output: Output;
  /** Batches processed at once; <= 0 means no limit beyond `maxInFlight`. */
  threads: number;
  /** Input batches in flight (read but not yet acked); intake pauses at this bound. */
  maxInFlight: number;
  /** Other things the stream owns and closes last (resource components). */
  closables: Array<{ close(): Promise<void> }>;
  /** How long stop() may take before pending batches are nacked and components force-closed (default 20 s). */
  shutdownTimeoutMs?: number;
  log: Logger;
  metrics: Metrics;
  /** Where messages still flagged with an error at the end of the pipeline go (see FailedMessages). */
  failures: FailedMessages;
}

export interface Readiness {
  input: boolean;
  output: boolean;
}

/**
 * A running pipeline: input → processors → output, with at-least-once
 * delivery. Each input batch becomes a Transaction that is acked once every
 * batch derived from it was delivered (or filtered) and nacked otherwise.
 * At most `maxInFlight` input batches are unsettled at any time: a slow
 * output holds acks back, which stops `readBatch` calls — backpressure, not
 * memory growth.
 *
 * States: created → starting (connecting) → running → draining → stopped.
 * `stop()` stops intake, lets in-flight work finish, flushes batch policies
 * through their processors and the output, then closes every component —
 * within `shutdownTimeoutMs`. Past that deadline it gives up waiting the
 * at-least-once way: every input batch not yet acked is nacked (never acked:
 * nothing undelivered counts as delivered), messages held by batch policies
 * are dropped (their batches are among the nacked), and the output and the
 * other components are closed without waiting for what they have in flight.
 */
export class Stream {
  readonly id: string;
  private current: StreamState = 'created';
  private readonly parts: StreamParts;
  private readonly inflight: Limiter;
  private readonly threads: Limiter | undefined;
  private readonly intake = new AbortController();
  private readonly ready: Readiness = { input: false, output: false };
  private processing = 0;
  private abortRead: ((reason: Error) => void) | undefined;
  private processingIdle: (() => void) | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<StopReport> | undefined;
  /** Input batches read and not yet settled, so a forced stop can nack them. */
  private readonly open = new Set<Transaction>();
  /** Set once the shutdown deadline passed: the nack every pending and later batch gets. */
  private forced: Error | undefined;
  private closingRest: Promise<void> | undefined;
  /** See StreamParts.shutdownTimeoutMs. */
  readonly shutdownTimeoutMs: number;
  private readerDone: Promise<void> = Promise.resolve();
  private ended = false;
  private readonly received: Counter;
  private readonly latency: Histogram;
  private readonly acked: Counter;
  private readonly nacked: Counter;
  private readonly onSettledBound = (tx: Transaction, err: Error | undefined): void => this.onSettled(tx, err);
  private readonly processedBound = (): void => this.processed();

  constructor(parts: StreamParts) {
    this.id = parts.id;
    this.parts = parts;
    this.inflight = new Limiter(Math.max(1, parts.maxInFlight));
    this.threads = parts.threads > 0 ? new Limiter(parts.threads) : undefined;
    this.shutdownTimeoutMs = Math.max(0, parts.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
    const m = parts.metrics;
    const s = { stream: parts.id };
    this.received = m.counter('hotplug_input_received_total', 'Messages read by a stream input.', { ...s, component: 'input' });
    this.acked = m.counter('hotplug_stream_acked_total', 'Input batches acknowledged.', s);
    this.nacked = m.counter('hotplug_stream_nacked_total', 'Input batches nacked.', s);
    this.latency = m.histogram('hotplug_stream_latency_seconds', 'From reading an input batch to its ack.', s);
  }

  state(): StreamState {
    return this.current;
  }

  /**
   * True once the input ended by itself (a `generate` with a count, stdin at
   * EOF, a plugin input that returned) and the stream drained: finished work,
   * not a failure, so /ready does not count it as not ready.
   */
  finished(): boolean {
    return this.ended && this.current === 'stopped';
  }

  /** The last message that failed unhandled at the end of the pipeline (for /ready). */
  lastFailure(): { error: string; component: string; at: number } | undefined {
    return this.parts.failures.last;
  }

  /** Whether the input and the output are connected (for /ready). */
  readiness(): Readiness {
    return { ...this.ready };
  }

  /**
   * Connects output then input (retrying with backoff) and starts reading.
   * Resolves once both are connected; rejects if the stream is stopped first.
   */
  start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  /**
   * Stops intake, drains, flushes and closes; past `shutdownTimeoutMs`, nacks
   * what is pending and force-closes (see the class doc). Resolves once
   * stopped (at most a short grace after the deadline), never rejects.
   * Idempotent: every call gets the first call's promise.
   */
  stop(): Promise<StopReport> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private setState(s: StreamState): void {
    if (this.current === s) return;
    this.parts.log.debug({ from: this.current, to: s }, 'stream state');
    this.current = s;
  }

  private async run(): Promise<void> {
    this.setState('starting');
    const signal = this.intake.signal;
    const { log } = this.parts;
    await connectWithRetry('output', (sig) => this.parts.output.connect(sig), signal, log);
    this.ready.output = true;
    await connectWithRetry('input', (sig) => this.parts.input.connect(sig), signal, log);
    this.ready.input = true;
    this.setState('running');
    this.readerDone = this.readLoop().catch((err: unknown) => log.error({ err: errorMessage(err) }, 'stream reader failed'));
    // An input that ends by itself (generate with a count, stdin at EOF) drains the stream.
    void this.readerDone.then(() => {
      if (this.intake.signal.aborted) return;
      this.ended = true;
      void this.stop();
    });
  }

  /**
   * Reads until the input ends or intake stops. Once intake stops, reads go on
   * with the aborted signal so an input can hand over what it already
   * accepted (queued HTTP requests); it then answers null. A read that is
   * still pending when intake stops is abandoned, and nacked if it arrives.
   */
  private async readLoop(): Promise<void> {
    const { input, log } = this.parts;
    const signal = this.intake.signal;
    let drainFailed = false;
    let reads = 0;
    signal.addEventListener('abort', () => this.abortRead?.(signal.reason as Error), { once: true });
    for (;;) {
      if (!this.inflight.tryAcquire()) {
        // Once intake stops, what an input already holds is taken without waiting for a slot:
        // slots may only free up when a batch policy flushes, which happens after this loop ends.
        if (signal.aborted) this.inflight.forceAcquire();
        else await this.inflight.acquire(signal).catch(() => this.inflight.forceAcquire());
      }
      let rr: ReadResult | null;
      try {
        rr = signal.aborted || input.settlesOnAbort === true ? await input.readBatch(signal) : await this.raceAbort(input.readBatch(signal));
      } catch (err) {
        this.inflight.release();
        if (signal.aborted) {
          if (drainFailed) return;
          drainFailed = true;
          continue;
        }
        if (err instanceof NotConnectedError) {
          this.ready.input = false;
          try {
            await connectWithRetry('input', (sig) => input.connect(sig), signal, log);
          } catch {
            return;
          }
          this.ready.input = true;
        } else {
          log.warn({ err: errorMessage(err) }, 'input read failed');
          await sleep(backoffFor(err, 100), signal).catch(() => undefined);
        }
        continue;
      }
      if (rr === null) {
        this.inflight.release();
        return;
      }
      if (this.forced !== undefined) {
        // The deadline passed while this read was pending: nack it and read no more.
        this.inflight.release();
        rr.ack(this.forced).catch(() => undefined);
        return;
      }
      this.dispatch(rr);
      // An input that always has data ready (generate at interval 0) would otherwise keep the whole
      // stream on the microtask queue and starve timers and sockets: yield to the event loop now and then.
      if (++reads % 64 === 0) await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** The read, or a rejection as soon as intake stops; a read that lands after that is nacked. */
  private raceAbort(read: Promise<ReadResult | null>): Promise<ReadResult | null> {
    return new Promise((resolve, reject) => {
      let abandoned = false;
      this.abortRead = (reason) => {
        abandoned = true;
        reject(reason);
      };
      read.then(
        (rr) => {
          this.abortRead = undefined;
          if (!abandoned) resolve(rr);
          else if (rr !== null) rr.ack(ABANDONED).catch(() => undefined);
        },
        (err: unknown) => {
          this.abortRead = undefined;
          if (!abandoned) reject(err as Error);
        },
      );
    });
  }

  private dispatch(rr: ReadResult): void {
    const tx = new Transaction(rr.ack, this.onSettledBound, performance.now());
    this.open.add(tx);
    this.received.inc(rr.batch.length);
    this.processing++;
    void this.process(tx, rr.batch).then(this.processedBound);
  }

  /**
   * Never rejects: a failure that is not a processor's (those flag messages)
   * nacks the batch; so do messages still flagged at the end (FailedMessages).
   */
  private async process(tx: Transaction, batch: Batch): Promise<void> {
    const { processors, output } = this.parts;
    try {
      let results: Batch[];
      if (processors.length === 0) {
        results = [batch];
      } else {
        const threads = this.threads;
        if (threads !== undefined && !threads.tryAcquire()) await threads.acquire();
        try {
          results = await runProcessors(processors, batch);
        } finally {
          threads?.release();
        }
      }
      tx.expect(results.length);
      const failures = this.parts.failures;
      for (const b of results) {
        const { deliver, failed } = failures.take(b);
        if (failed !== undefined) {
          // Not delivered: the batch is nacked with the failure (an HTTP request gets its status).
          if (deliver.length === 0) {
            tx.done(failed);
            continue;
          }
          tx.expect(1);
          tx.done(failed);
        }
        output.writeBatch(deliver).then(
          () => tx.done(),
          (err: unknown) => tx.done(err instanceof Error ? err : new Error(String(err))),
        );
      }
      tx.seal();
    } catch (err) {
      // runProcessors never rejects on a processor failure; this is a bug guard.
      this.parts.log.error({ err: errorMessage(err) }, 'processing failed');
      tx.expect(1);
      tx.done(err instanceof Error ? err : new Error(String(err)));
      tx.seal();
    }
  }

  private processed(): void {
    this.processing--;
    if (this.processing === 0 && this.processingIdle) this.processingIdle();
  }

  private onSettled(tx: Transaction, err: Error | undefined): void {
    this.open.delete(tx);
    this.latency.observe((performance.now() - tx.startedAt) / 1000);
    if (err === undefined) this.acked.inc();
    else this.nacked.inc();
    tx.settle(err).then(
      () => this.inflight.release(),
      (ackErr: unknown) => {
        this.inflight.release();
        this.parts.log.warn({ err: errorMessage(ackErr) }, 'input ack failed');
      },
    );
  }

  private async shutdown(): Promise<StopReport> {
    const { log } = this.parts;
    const startedAt = performance.now();
    this.setState('draining');
    this.intake.abort(new Error('stream stopping'));
    const drained = await settlesWithin(this.drain(), this.shutdownTimeoutMs);
    let nacked = 0;
    if (!drained) nacked = await this.force();
    this.ready.input = false;
    this.ready.output = false;
    this.setState('stopped');
    log.info({ ms: Math.round(performance.now() - startedAt), ...(drained ? {} : { timedOut: true, nacked }) }, 'stream stopped');
    return { timedOut: !drained, nacked };
  }

  /** The graceful path; once the deadline has passed (`forced`), it stops at its next step. */
  private async drain(): Promise<void> {
    const { log, output } = this.parts;
    await this.starting?.catch(() => undefined);
    await this.readerDone;
    if (this.processing > 0) await new Promise<void>((r) => (this.processingIdle = r));
    if (this.forced) return;
    // Flushes batch policies; every transaction settles during this.
    (output as Partial<Drainable>).drain?.();
    await output.close().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'closing output failed'));
    if (this.forced) return;
    await this.inflight.idle();
    if (this.forced) return;
    await this.closeRest();
  }

  /**
   * The deadline passed: nacks every pending input batch, drops what batch
   * policies hold, and closes every component without waiting for work in
   * flight — waiting for those closes at most FORCE_CLOSE_GRACE_MS.
   * Returns how many input batches were nacked.
   */
  private async force(): Promise<number> {
    const { log, output } = this.parts;
    const timeout = formatDuration(this.shutdownTimeoutMs);
    const err = new HotplugError(ErrorCode.ShuttingDown, `shutting down: shutdown_timeout (${timeout}) passed before this was delivered; it was nacked`);
    this.forced = err;
    const outputClosed = forceCloseComponent(output, err).catch((e: unknown) => log.warn({ err: errorMessage(e) }, 'closing output failed'));
    let nacked = 0;
    for (const tx of [...this.open]) if (tx.abandon(err)) nacked++;
    log.warn({ shutdownTimeout: timeout, nacked }, `shutdown_timeout (${timeout}) passed: nacked ${nacked} pending batch(es) and force-closed the stream`);
    // Plugin processors and inputs stuck in a call are cut short too (closeRest's close() then returns their forced close).
    for (const c of [this.parts.input, ...this.parts.processors]) void forceCloseComponent(c, err).catch(() => undefined);
    if (!(await settlesWithin(Promise.all([outputClosed, this.closeRest()]), FORCE_CLOSE_GRACE_MS))) {
      log.warn({ afterMs: FORCE_CLOSE_GRACE_MS }, 'components still closing after the shutdown deadline; no longer waiting for them');
    }
    return nacked;
  }

  /**
   * Closes the input, processors and resources, once (both paths end here). A
   * few ms of closing at a time, with other work (a reload's new version
   * serving) in between: a pipeline of thousands of processors took tens of ms.
   */
  private closeRest(): Promise<void> {
    this.closingRest ??= (async () => {
      const closing = [this.parts.input.close()];
      const pause = createPacer(CLOSE_SLICE_MS);
      for (const c of [...this.parts.processors, ...this.parts.closables]) {
        closing.push(c.close());
        const p = pause();
        if (p) await p;
      }
      const closed = await Promise.allSettled(closing);
      for (const r of closed) if (r.status === 'rejected') this.parts.log.warn({ err: errorMessage(r.reason) }, 'closing a component failed');
    })();
    return this.closingRest;
  }
}

const ABANDONED = new Error('stream stopped before this batch was read');
