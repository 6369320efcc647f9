import { isDeepStrictEqual } from 'node:util';
import type { Message, Value } from '../core/index.js';
import { errorMessage, toJSON } from '../core/index.js';
import { compileQuery, type Query } from '../expr/index.js';

/**
 * What a test expects of one output message. Names follow Redpanda Connect's
 * config unit tests where they exist (bloblang, content_equals,
 * content_matches, metadata_equals, json_equals, json_contains);
 * content_contains and error checks are hotplug's.
 */
export interface MessageExpectation {
  content_equals?: string;
  content_contains?: string;
  content_matches?: string;
  json_equals?: Value;
  json_contains?: Value;
  metadata_equals?: Record<string, Value>;
  /** A query that must return true for the message, e.g. `this.count > 2 && meta("kind") == "a"`. */
  bloblang?: string;
  /** true: the message must carry an error; false: it must not; a string: the error must contain it. */
  error?: boolean | string;
}

export const EXPECTATION_KEYS = ['content_equals', 'content_contains', 'content_matches', 'json_equals', 'json_contains', 'metadata_equals', 'bloblang', 'error'] as const;

const queries = new Map<string, Query>();

/** Compiles a `bloblang` condition once per source; throws ExprSyntaxError (the test file loader reports it at load). */
export function conditionQuery(src: string): Query {
  let q = queries.get(src);
  if (!q) queries.set(src, (q = compileQuery(src)));
  return q;
}

/** One failed condition, with both sides for the diff. */
export interface Mismatch {
  condition: string;
  expected: string;
  actual: string;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : toJSON(v as Value));

/** True when `actual` holds everything `expected` has (objects: subset of keys, recursively; arrays: equal). */
export function jsonContains(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && jsonContains((actual as Record<string, unknown>)[k], v));
  }
  return isDeepStrictEqual(actual, expected);
}

export function checkMessage(msg: Message, exp: MessageExpectation): Mismatch[] {
  const out: Mismatch[] = [];
  const text = msg.text();
  if (exp.content_equals !== undefined && text !== exp.content_equals) {
    out.push({ condition: 'content_equals', expected: show(exp.content_equals), actual: show(text) });
  }
  if (exp.content_contains !== undefined && !text.includes(exp.content_contains)) {
    out.push({ condition: 'content_contains', expected: show(exp.content_contains), actual: show(text) });
  }
  if (exp.content_matches !== undefined && !new RegExp(exp.content_matches).test(text)) {
    out.push({ condition: 'content_matches', expected: `/${exp.content_matches}/`, actual: show(text) });
  }
  if (exp.json_equals !== undefined || exp.json_contains !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      const cond = exp.json_equals !== undefined ? 'json_equals' : 'json_contains';
      out.push({ condition: cond, expected: show(exp.json_equals ?? exp.json_contains), actual: `${show(text)} (not JSON)` });
    } else {
      if (exp.json_equals !== undefined && !isDeepStrictEqual(parsed, exp.json_equals)) {
        out.push({ condition: 'json_equals', expected: show(exp.json_equals), actual: show(parsed) });
      }
      if (exp.json_contains !== undefined && !jsonContains(parsed, exp.json_contains)) {
        out.push({ condition: 'json_contains', expected: show(exp.json_contains), actual: show(parsed) });
      }
    }
  }
  if (exp.metadata_equals !== undefined) {
    for (const [k, v] of Object.entries(exp.metadata_equals)) {
      const got = msg.metadata.get(k);
      if (!isDeepStrictEqual(got, v)) out.push({ condition: `metadata_equals.${k}`, expected: show(v), actual: got === undefined ? '(not set)' : show(got) });
    }
  }
  if (exp.bloblang !== undefined) {
    let got: string;
    try {
      const v = conditionQuery(exp.bloblang).evaluate([msg], 0);
      got = v === true ? '' : `${show(v)} for ${show(text)}`;
    } catch (err) {
      got = `an error: ${errorMessage(err)}`;
    }
    if (got) out.push({ condition: 'bloblang', expected: `${exp.bloblang} to be true`, actual: got });
  }
  if (exp.error !== undefined) {
    const err = msg.error;
    if (exp.error === true && err === undefined) out.push({ condition: 'error', expected: 'an error', actual: 'no error' });
    if (exp.error === false && err !== undefined) out.push({ condition: 'error', expected: 'no error', actual: show(err) });
    if (typeof exp.error === 'string' && !(err ?? '').includes(exp.error)) {
      out.push({ condition: 'error', expected: `an error containing ${show(exp.error)}`, actual: err === undefined ? 'no error' : show(err) });
    }
  }
  return out;
}
