import { failureOf, type Batch, type Processor } from '../core/index.js';

/**
 * Runs a batch through processors in order; each processor may turn one
 * batch into several, or none (filtered).
 *
 * A processor that rejects marks every message of the batch it was given as
 * errored with the reason and passes it on (`catch` and `errored()` see it);
 * with `strict` the rejection propagates instead (post-batch processors,
 * whose failure nacks the whole batch).
 */
export function runProcessors(processors: readonly Processor[], batch: Batch, strict = false): Promise<Batch[]> {
  // One processor (the common case: a plugin behind an HTTP route) without the async frames of the general loop.
  if (processors.length === 1) {
    let out: Promise<Batch[]>;
    try {
      out = (processors[0] as Processor).processBatch(batch);
    } catch (err) {
      out = Promise.reject(err as Error);
    }
    return out.then(nonEmpty, (err: unknown) => failed(err, batch, strict));
  }
  return runAll(processors, batch, strict);
}

async function runAll(processors: readonly Processor[], batch: Batch, strict: boolean): Promise<Batch[]> {
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
    return failed(err, batch, strict);
  }
}

/** A processor rejected: flag every message of its batch with the reason, or rethrow when strict. */
function failed(err: unknown, batch: Batch, strict: boolean): Batch[] {
  if (strict) throw err;
  const failure = failureOf(err);
  for (const m of batch) {
    m.error = failure.text;
    m.failure = failure;
  }
  return [batch];
}

function nonEmpty(batches: Batch[]): Batch[] {
  for (const b of batches) if (b.length === 0) return batches.filter((x) => x.length > 0);
  return batches;
}
