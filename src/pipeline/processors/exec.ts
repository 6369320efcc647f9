import { errorMessage, type Batch, type Processor } from '../../core/index.js';

/**
 * Running child processors, the way Connect's composite processors do:
 * each child runs over every batch the previous child produced, and a batch
 * that a child rejects carries on with every message flagged (the contract of
 * Processor: a rejection fails the whole batch, never the stream).
 */
export async function runAll(procs: readonly Processor[], batches: Batch[]): Promise<Batch[]> {
  return runWhen(procs, batches, () => true);
}

/** Children run only on batches where some message is errored (the body of `catch`). */
export async function runOnErrored(procs: readonly Processor[], batches: Batch[]): Promise<Batch[]> {
  return runWhen(procs, batches, (b) => b.some((m) => m.error !== undefined));
}

/** Children stop for a batch once any of its messages is errored (the body of `try`). */
export async function runUntilErrored(procs: readonly Processor[], batches: Batch[]): Promise<Batch[]> {
  return runWhen(procs, batches, (b) => b.every((m) => m.error === undefined));
}

async function runWhen(procs: readonly Processor[], batches: Batch[], applies: (b: Batch) => boolean): Promise<Batch[]> {
  let current = batches;
  for (const proc of procs) {
    const next: Batch[] = [];
    for (const batch of current) {
      if (!applies(batch)) {
        next.push(batch);
        continue;
      }
      next.push(...(await processOne(proc, batch)));
    }
    current = next.filter((b) => b.length > 0);
    if (current.length === 0) break;
  }
  return current;
}

/** One child on one batch; a rejection flags the batch instead of escaping. */
export async function processOne(proc: Processor, batch: Batch): Promise<Batch[]> {
  try {
    return await proc.processBatch(batch);
  } catch (err) {
    const reason = errorMessage(err);
    for (const m of batch) m.error = reason;
    return [batch];
  }
}

/** Each message as a batch of its own (for_each, catch, try). */
export function singles(batch: Batch): Batch[] {
  return batch.map((m) => [m]);
}

/** All messages of many batches as one batch, in order. */
export function flatten(batches: Batch[]): Batch[] {
  const out = batches.flat();
  return out.length === 0 ? [] : [out];
}

/** Closes children; `close()` of a composite is idempotent, this is its body. */
export async function closeAll(procs: readonly Processor[]): Promise<void> {
  await Promise.allSettled(procs.map((p) => p.close()));
}

/** Wraps a close body so every call returns the first call's promise. */
export function onceClose(body: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= body());
}
