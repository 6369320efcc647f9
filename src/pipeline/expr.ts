import type { Batch, Message } from '../core/index.js';

/**
 * The one place the pipeline touches compiled expressions (src/expr). Config
 * compiles `interpolated` / `expression` fields at load and hands the
 * compiled objects over; components evaluate them here, per message, in the
 * context of the batch the message is in.
 *
 * A plain string is accepted wherever an interpolation is expected, so
 * components built in code (tests, defaults) need not compile constants.
 */
export type Interpolated = string | { readonly [key: string]: unknown };

interface InterpolationLike {
  str(batch: Batch, index: number): string;
}
interface QueryLike {
  evaluate(batch: Batch, index: number): unknown;
}
interface MappingLike {
  apply(batch: Batch, index: number): Message | null;
}

/** The text of an interpolated field for message `index` of `batch`. */
export function interpolate(field: Interpolated, batch: Batch, index: number): string {
  if (typeof field === 'string') return field;
  return (field as unknown as InterpolationLike).str(batch, index);
}

/** True when the interpolation has no `${! }` parts (it can be rendered once). */
export function isStatic(field: Interpolated): boolean {
  if (typeof field === 'string') return true;
  const s = (field as { isStatic?: unknown }).isStatic;
  return typeof s === 'function' ? Boolean((s as () => boolean).call(field)) : s === true;
}

/** Evaluates a boolean query for message `index`; non-boolean results and errors count as false. */
export function checkQuery(query: unknown, batch: Batch, index: number): boolean {
  try {
    return (query as QueryLike).evaluate(batch, index) === true;
  } catch {
    return false;
  }
}

/**
 * Runs a mapping on message `index`: the new message (origin kept), or
 * undefined when the mapping deleted it. Throws when the mapping fails.
 */
export function runMapping(mapping: unknown, batch: Batch, index: number): Message | undefined {
  return (mapping as MappingLike).apply(batch, index) ?? undefined;
}
