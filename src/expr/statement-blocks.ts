import type { Node, Statement } from './ast.js';
import { Compiler } from './compile.js';
import { ExprRuntimeError } from './errors.js';
import { equals } from './ops.js';
import { asRuntimeError } from './query.js';
import { type Ctx, type Eval, type Output, type Result, kindOf } from './runtime.js';
import type { Value } from '../core/value.js';

export type Exec = (c: Ctx, out: Output) => void;

/** Compiles a block's statements; `declared` is shared so a `let` inside a block is visible after it, as in `if`. */
export type CompileBody = (statements: Statement[], declared: Set<string>) => Exec[];

function condition(src: string, n: Node, declared: Set<string>): Eval {
  return new Compiler(src, { mapping: true, vars: new Set(declared) }).expr(n);
}

/** Runs a condition; a failure names the statement and line. */
function guarded(prefix: string, ev: Eval, c: Ctx): Result {
  try {
    return ev(c);
  } catch (err) {
    throw new ExprRuntimeError(`${prefix}: ${asRuntimeError(err).message}`);
  }
}

export function ifStatement(src: string, s: Statement & { k: 'if' }, declared: Set<string>, body: CompileBody): Exec {
  const branches = s.branches.map((b) => ({ cond: condition(src, b.cond, declared), body: body(b.body, declared) }));
  const otherwise = s.otherwise === undefined ? [] : body(s.otherwise, declared);
  const prefix = `failed if condition (line ${s.line})`;
  return (c, out) => {
    for (const b of branches) {
      const v = guarded(prefix, b.cond, c);
      if (v === true) {
        for (const e of b.body) e(c, out);
        return;
      }
      if (v !== false) throw new ExprRuntimeError(`${prefix}: expected bool value, got ${kindOf(v)}`);
    }
    for (const e of otherwise) e(c, out);
  };
}

/**
 * `match subject { pattern => { statements } }`: the same case rules as the
 * match expression (a literal is compared with the subject, a bool pattern is
 * a condition, `_` always matches), and `this` is the subject inside patterns
 * and blocks. No matching case runs nothing.
 */
export function matchStatement(src: string, s: Statement & { k: 'match' }, declared: Set<string>, body: CompileBody): Exec {
  const subject = s.subject === undefined ? undefined : condition(src, s.subject, declared);
  const cases = s.cases.map((m) => ({
    literal: m.pattern !== undefined && m.pattern.k === 'lit' ? { value: m.pattern.value as Value } : undefined,
    pattern: m.pattern === undefined ? undefined : condition(src, m.pattern, declared),
    body: body(m.body, declared),
  }));
  const prefix = `failed match (line ${s.line})`;
  return (c, out) => {
    // Blocks run in a context with `this` rebound; variables they set must outlive it.
    c.vars ??= new Map<string, Result>();
    let inner = c;
    let subj: Result = null;
    if (subject !== undefined) {
      subj = guarded(prefix, subject, c);
      inner = c.withThis(subj);
    }
    for (const m of cases) {
      let hit: boolean;
      if (m.pattern === undefined) hit = true;
      else if (m.literal !== undefined && subject !== undefined) hit = equals(subj, m.literal.value);
      else {
        const p = guarded(prefix, m.pattern, inner);
        if (typeof p === 'boolean') hit = p;
        else if (subject === undefined) throw new ExprRuntimeError(`${prefix}: match case: expected bool value, got ${kindOf(p)}`);
        else hit = equals(subj, p);
      }
      if (hit) {
        for (const e of m.body) e(inner, out);
        return;
      }
    }
  };
}
