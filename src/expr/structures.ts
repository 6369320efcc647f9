import type { Value } from '../core/value.js';
import { equals } from './ops.js';
import { type Eval, NOTHING, type Result, Sentinel, setField, typeError } from './runtime.js';

/** An array literal; `deleted()` and `nothing()` elements are left out. */
export function arrayEval(items: Eval[]): Eval {
  return (c) => {
    const out: Value[] = [];
    for (const e of items) {
      const v = e(c);
      if (!(v instanceof Sentinel)) out.push(v);
    }
    return out;
  };
}

/** An object literal with keys that evaluate to strings; `deleted()` values leave their key out. */
export function objectEval(entries: Array<{ key: Eval; value: Eval }>): Eval {
  return (c) => {
    const out: { [key: string]: Value } = {};
    for (const e of entries) {
      const k = e.key(c);
      if (typeof k !== 'string') throw typeError('string', k, 'object key');
      const v = e.value(c);
      if (!(v instanceof Sentinel)) setField(out, k, v);
    }
    return out;
  };
}

/** `if ... else if ... else`; without a taken branch, nothing. */
export function ifEval(branches: Array<{ cond: Eval; body: Eval }>, otherwise: Eval | undefined): Eval {
  return (c) => {
    for (const b of branches) {
      const v = b.cond(c);
      if (v === true) return b.body(c);
      if (v !== false) throw typeError('bool', v, 'if condition');
    }
    return otherwise === undefined ? NOTHING : otherwise(c);
  };
}

export interface CompiledCase {
  /** A literal pattern, compared for equality with the subject without evaluating anything. */
  literal: { value: Value } | undefined;
  /** undefined for `_`. */
  pattern: Eval | undefined;
  body: Eval;
}

/**
 * `match subject { pattern => body }`: `this` is the subject inside patterns
 * and bodies. A pattern that yields a bool is a condition; any other value is
 * compared with the subject. Without a subject every pattern is a condition.
 */
export function matchEval(subject: Eval | undefined, cases: CompiledCase[]): Eval {
  return (c) => {
    let inner = c;
    let s: Result = null;
    if (subject !== undefined) {
      s = subject(c);
      inner = c.withThis(s);
    }
    for (const m of cases) {
      if (m.pattern === undefined) return m.body(inner);
      if (m.literal !== undefined && subject !== undefined) {
        if (equals(s, m.literal.value)) return m.body(inner);
        continue;
      }
      const p = m.pattern(inner);
      if (p === true) return m.body(inner);
      if (p === false) continue;
      if (subject === undefined) throw typeError('bool', p, 'match case');
      if (equals(s, p)) return m.body(inner);
    }
    return NOTHING;
  };
}
