import { type Batch, type ComponentConf, type Output, type OutputDef, errorMessage } from '../../core/index.js';
import { batchingField, batchingProblems } from '../batching-spec.js';
import { forceCloseComponent } from '../output-stage.js';

export type BrokerPattern = 'fan_out' | 'fan_out_sequential' | 'round_robin';

/**
 * `broker` output: `fan_out` writes every batch to all outputs at once (a
 * write succeeds when all of them did), `fan_out_sequential` one after the
 * other, `round_robin` to one output each time. Children are full output
 * stages (their own processors and batching).
 */
export class BrokerOutput implements Output {
  readonly maxInFlight = 1_000_000;
  private next = 0;

  constructor(
    private readonly pattern: BrokerPattern,
    private readonly outputs: Output[],
  ) {}

  async connect(signal: AbortSignal): Promise<void> {
    await Promise.all(this.outputs.map((o) => o.connect(signal)));
  }

  async writeBatch(batch: Batch): Promise<void> {
    const outs = this.outputs;
    switch (this.pattern) {
      case 'round_robin': {
        const o = outs[this.next++ % outs.length] as Output;
        return o.writeBatch(batch);
      }
      case 'fan_out_sequential':
        for (let i = 0; i < outs.length; i++) await (outs[i] as Output).writeBatch(i === 0 ? batch : copy(batch));
        return;
      default: {
        const results = await Promise.allSettled(outs.map((o, i) => o.writeBatch(i === 0 ? batch : copy(batch))));
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed.length > 0) throw new Error(`broker: ${failed.length} of ${outs.length} outputs failed: ${errorMessage(failed[0]?.reason)}`);
      }
    }
  }

  /** Passes shutdown's drain on to the children (see OutputStage.drain). */
  drain(): void {
    for (const o of this.outputs) (o as { drain?: () => void }).drain?.();
  }

  /** Passes a forced shutdown on to the children (see OutputStage.forceClose). */
  async forceClose(err: Error): Promise<void> {
    const results = await Promise.allSettled(this.outputs.map((o) => forceCloseComponent(o, err)));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.outputs.map((o) => o.close()));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }
}

/** Each child gets its own messages (metadata maps are per message); origins are kept. */
function copy(batch: Batch): Batch {
  return batch.map((m) => m.copy());
}

export const brokerOutput: OutputDef = {
  spec: {
    name: 'broker',
    kind: 'output',
    summary: 'Routes batches to several outputs.',
    fields: [
      { name: 'pattern', type: 'string', default: 'fan_out', enum: ['fan_out', 'fan_out_sequential', 'round_robin'] },
      { name: 'outputs', type: 'output', kind: 'list' },
      batchingField,
    ],
    lint: batchingProblems,
  },
  build: (conf, ctx) => {
    const cfg = conf.config as { pattern?: BrokerPattern; outputs: ComponentConf[] };
    return new BrokerOutput(cfg.pattern ?? 'fan_out', cfg.outputs.map((c) => ctx.buildOutput(c)));
  },
};
