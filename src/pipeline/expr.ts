import type { Batch, Message } from '../core/index.js';
import type { Interpolation, Mapping, Query } from '../expr/index.js';

/**
 * The one place the pipeline's own components evaluate compiled expressions
 * (src/expr). Config compiles `interpolated` / `expression` fields at load
 * and hands the compiled objects over; components evaluate them here, per
 * message, in the context of the batch the message is in.
 *
 * A plain string is accepted wherever an interpolation is expected, so
 * components built in code (tests, defaults) need not compile constants.
 */
export type Interpolated = string | Interpolation;

/** The text of an interpolated field for message `index` of `batch`. Throws when an expression fails. */
export function interpolate(field: Interpolated, batch: Batch, index: number): string {
  return typeof field === 'string' ? field : field.str(batch, index);
}

/** True when the interpolation has no `${! }` parts (it can be rendered once). */
export function isStatic(field: Interpolated): boolean {
  return typeof field === 'string' || field.isStatic;
}

/** Evaluates a boolean query for message `index`; non-boolean results and errors count as false. */
export function checkQuery(query: unknown, batch: Batch, index: number): boolean {
  try {
    return (query as Query).evaluate(batch, index) === true;
  } catch {
    return false;
  }
}

/**
 * Runs a mapping on message `index`: the new message (origin kept), or
 * undefined when the mapping deleted it. Throws when the mapping fails.
 */
export function runMapping(mapping: unknown, batch: Batch, index: number): Message | undefined {
  return (mapping as Mapping).apply(batch, index) ?? undefined;
}
