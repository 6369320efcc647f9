import { type Batch, type Input, type InputDef, type Logger, type ReadResult, type ComponentConf, errorMessage } from '../../core/index.js';
import { BatchDriver } from '../batch-driver.js';
import { BatchPolicy } from '../batch-policy.js';
import { batchingField, batchingProblems } from '../batching-spec.js';
import { batchingOf } from '../build.js';
import { systemClock } from '../clock.js';
import { Limiter } from '../limiter.js';
import type { BatchingOptions } from '../output-stage.js';
import { runProcessors } from '../process.js';

/** Child batches read but not yet acked, across all children of one broker. */
const MAX_PENDING = 1024;

/**
 * `broker` input: reads every child input at once and hands their batches
 * on as they come — or, with `batching`, merges them into batches by the
 * policy. A merged batch's ack settles every child batch in it.
 */
export class BrokerInput implements Input {
  private readonly queue: ReadResult[] = [];
  private waiter: ((rr: ReadResult | null) => void) | undefined;
  private readonly pending = new Limiter(MAX_PENDING);
  private driver: BatchDriver<ReadResult> | undefined;
  private loops: Promise<void> | undefined;
  private ended = false;

  constructor(
    private readonly children: Input[],
    private readonly batching: BatchingOptions | undefined,
    private readonly log: Logger,
  ) {}

  async connect(signal: AbortSignal): Promise<void> {
    if (this.loops) return;
    await Promise.all(this.children.map((c) => c.connect(signal)));
    if (this.batching) {
      const policy = new BatchPolicy(this.batching, systemClock.now());
      this.driver = new BatchDriver<ReadResult>(policy, (b, owners) => this.onFlush(b, owners), systemClock);
    }
    this.loops = Promise.allSettled(this.children.map((c) => this.readChild(c, signal))).then(() => this.finish());
  }

  readBatch(): Promise<ReadResult | null> {
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  async close(): Promise<void> {
    await this.loops;
    const results = await Promise.allSettled([
      ...this.children.map((c) => c.close()),
      ...(this.batching?.processors ?? []).map((p) => p.close()),
    ]);
    for (const r of results) if (r.status === 'rejected') this.log.warn({ err: errorMessage(r.reason) }, 'closing a broker child failed');
  }

  private async readChild(child: Input, signal: AbortSignal): Promise<void> {
    for (;;) {
      await this.pending.acquire();
      let rr: ReadResult | null;
      try {
        rr = await child.readBatch(signal);
      } catch (err) {
        this.pending.release();
        if (signal.aborted) return;
        this.log.warn({ err: errorMessage(err) }, 'broker child read failed');
        continue;
      }
      if (rr === null) {
        this.pending.release();
        return;
      }
      const child_ = rr;
      const tracked: ReadResult = {
        batch: rr.batch,
        ack: (err) => {
          this.pending.release();
          return child_.ack(err);
        },
      };
      if (this.driver) this.driver.add(tracked.batch, tracked);
      else this.push(tracked);
    }
  }

  private onFlush(batch: Batch, owners: ReadResult[]): void {
    const unique = [...new Set(owners)];
    const ack = async (err?: Error): Promise<void> => {
      await Promise.all(unique.map((o) => o.ack(err)));
    };
    const processors = this.batching?.processors ?? [];
    if (processors.length === 0) {
      this.push({ batch, ack });
      return;
    }
    // Post-batch processors: a failure nacks every child batch, filtering everything acks them.
    this.flushing = this.flushing.then(() =>
      runProcessors(processors, batch, true).then(
        (out) => {
          if (out.length === 0) return ack();
          this.push({ batch: out.length === 1 ? (out[0] as Batch) : out.flat(), ack });
          return undefined;
        },
        (err: unknown) => ack(err instanceof Error ? err : new Error(String(err))),
      ),
    );
  }

  private flushing: Promise<void> = Promise.resolve();

  private async finish(): Promise<void> {
    this.driver?.close();
    await this.flushing;
    this.ended = true;
    if (this.queue.length === 0) this.wakeWith(null);
  }

  private push(rr: ReadResult): void {
    if (this.waiter) this.wakeWith(rr);
    else this.queue.push(rr);
  }

  private wakeWith(rr: ReadResult | null): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(rr);
  }
}

export const brokerInput: InputDef = {
  spec: {
    name: 'broker',
    kind: 'input',
    summary: 'Reads several inputs at once, optionally merging their messages into batches.',
    fields: [
      { name: 'copies', type: 'int', default: 1 },
      { name: 'inputs', type: 'input', kind: 'list' },
      batchingField,
    ],
    lint: batchingProblems,
  },
  build: (conf, ctx) => {
    const cfg = conf.config as { copies?: number; inputs: ComponentConf[] };
    const copies = Math.max(1, cfg.copies ?? 1);
    const children: Input[] = [];
    for (let i = 0; i < copies; i++) for (const c of cfg.inputs) children.push(ctx.buildInput(c));
    return new BrokerInput(children, batchingOf(conf, ctx), ctx.log);
  },
};
