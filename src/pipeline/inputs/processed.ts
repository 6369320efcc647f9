import type { AckFn, Batch, Input, Processor, ReadResult } from '../../core/index.js';
import { runProcessors } from '../process.js';

/**
 * A nested input (a broker's child) with its own `processors`: they run on
 * each batch it reads. Batches the processors split are joined again (one
 * read, one ack); a batch they filter entirely is acked and the next is read.
 */
export class ProcessedInput implements Input {
  constructor(
    private readonly inner: Input,
    private readonly processors: Processor[],
  ) {}

  connect(signal: AbortSignal): Promise<void> {
    return this.inner.connect(signal);
  }

  async readBatch(signal: AbortSignal): Promise<ReadResult | null> {
    for (;;) {
      const rr = await this.inner.readBatch(signal);
      if (rr === null) return null;
      const out = await runProcessors(this.processors, rr.batch);
      if (out.length === 0) {
        await rr.ack();
        if (signal.aborted) return null;
        continue;
      }
      const batch: Batch = out.length === 1 ? (out[0] as Batch) : out.flat();
      const ack: AckFn = rr.ack;
      return { batch, ack };
    }
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([this.inner.close(), ...this.processors.map((p) => p.close())]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }
}
