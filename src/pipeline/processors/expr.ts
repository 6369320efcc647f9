import { errorMessage, type Batch, type Message } from '../../core/index.js';
import type { Query } from '../../expr/index.js';

/**
 * How the processors react to expressions (compiled once at load by the
 * config loader; `interpolate` in ../expr.ts renders interpolated fields).
 * Where the pipeline's own components treat a failing check as false, a
 * processor's check that fails flags the message, so `catch` can see why.
 */

/** Evaluates a boolean query. Throws when evaluation fails or the result is not a bool, as Connect does. */
export function checkBool(query: Query, batch: Batch, index: number): boolean {
  const v = query.evaluate(batch, index);
  if (typeof v !== 'boolean') throw new Error(`check must return a bool, got ${describe(v)}`);
  return v;
}

/** Marks a message as failed; `catch`, `try` and `errored()` react to it. */
export function flag(msg: Message, err: unknown): void {
  msg.error = errorMessage(err);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'bytes';
  return typeof v === 'object' ? 'object' : `${typeof v} ${JSON.stringify(v)}`;
}
