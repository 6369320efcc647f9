import { errorMessage, type Batch, type Message } from '../../core/index.js';
import type { Interpolation, Mapping, Query } from '../../expr/index.js';

/**
 * What the processors use of src/expr's compiled objects. The config loader
 * compiles `interpolated` and `expression` fields once at load; processors
 * only evaluate, per message, in the context of its batch. Evaluation throws
 * ExprRuntimeError, which processors turn into the message's error flag.
 * A plain string stands for a constant interpolation (handy for defaults).
 */
export type QueryLike = Pick<Query, 'evaluate'>;
export type InterpolationLike = Pick<Interpolation, 'str'>;
export type MappingLike = Pick<Mapping, 'apply'>;

export type InterpolatedField = InterpolationLike | string;

/** The text of an interpolated field for message `index` of `batch`. Throws when evaluation fails. */
export function render(field: InterpolatedField, batch: Batch, index: number): string {
  return typeof field === 'string' ? field : field.str(batch, index);
}

/** Evaluates a boolean query. Throws when evaluation fails or the result is not a bool, as Connect does. */
export function checkBool(query: QueryLike, batch: Batch, index: number): boolean {
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
