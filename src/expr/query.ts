import type { Batch } from '../core/message.js';
import type { Value } from '../core/value.js';
import { Compiler } from './compile.js';
import { ExprRuntimeError, guardCompile } from './errors.js';
import { Parser } from './parser.js';
import { Ctx, type Eval, type Result, Sentinel } from './runtime.js';

/** A compiled expression, evaluated against one message of a batch. */
export interface Query {
  /**
   * The expression's value for batch[index]. `deleted()` and `nothing()`
   * read as null here. Throws ExprRuntimeError when evaluation fails (the
   * caller marks the message errored); never anything else.
   */
  evaluate(batch: Batch, index: number): Value;
}

/** Compiles a single expression (a batch `check`, a `switch` case, `while.check`). Throws ExprSyntaxError. */
export function compileQuery(src: string): Query {
  const ev = guardCompile(src, () => new Compiler(src, { mapping: false }).expr(new Parser(src).parseQuery()));
  return { evaluate: (batch, index) => run(ev, new Ctx(batch, index)) };
}

/** Runs a compiled expression; anything thrown becomes an ExprRuntimeError. */
export function run(ev: Eval, c: Ctx): Value {
  let v: Result;
  try {
    v = ev(c);
  } catch (err) {
    throw asRuntimeError(err);
  }
  return v instanceof Sentinel ? null : v;
}

export function asRuntimeError(err: unknown): ExprRuntimeError {
  if (err instanceof ExprRuntimeError) return err;
  // A host-level failure (a stack overflow on deep data, say) still fails only this message.
  return new ExprRuntimeError(err instanceof Error ? err.message : String(err));
}
