import { errorMessage, type Batch, type Processor } from '../core/index.js';

/**
 * Runs a batch through processors in order; each processor may turn one
 * batch into several, or none (filtered).
 *
 * A processor that rejects marks every message of the batch it was given as
 * errored with the reason and passes it on (`catch` and `errored()` see it);
 * with `strict` the rejection propagates instead (post-batch processors,
 * whose failure nacks the whole batch).
 */
export async function runProcessors(processors: readonly Processor[], batch: Batch, strict = false): Promise<Batch[]> {
  let batches: Batch[] = [batch];
  for (const p of processors) {
    if (batches.length === 1) {
      batches = await step(p, batches[0] as Batch, strict);
      continue;
    }
    const next: Batch[] = [];
    for (const b of batches) for (const out of await step(p, b, strict)) next.push(out);
    batches = next;
    if (batches.length === 0) break;
  }
  return batches.filter((b) => b.length > 0);
}

async function step(p: Processor, batch: Batch, strict: boolean): Promise<Batch[]> {
  try {
    return await p.processBatch(batch);
  } catch (err) {
    if (strict) throw err;
    const reason = errorMessage(err);
    for (const m of batch) m.error = reason;
    return [batch];
  }
}
