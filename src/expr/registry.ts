import type { Node } from './ast.js';
import type { Ctx, Eval, Result } from './runtime.js';

/** A body evaluated per element: with `this` rebound, or with a named lambda parameter bound. */
export type ContextFn = (c: Ctx, v: Result) => Result;

/** What a function or method sees of the compiler. */
export interface CompileApi {
  expr(node: Node): Eval;
  contextFn(node: Node): ContextFn;
  /** A compile error pointing at the node. */
  error(node: Node, message: string): Error;
}

export interface FunctionSpec {
  /** Minimum and maximum number of arguments. */
  arity: [number, number];
  /** Parameter names, for named arguments (`range(start: 0, stop: 5)`). */
  params?: string[];
  compile(args: Node[], cx: CompileApi, call: Node): Eval;
}

export interface MethodSpec {
  arity: [number, number];
  params?: string[];
  compile(target: Eval, args: Node[], cx: CompileApi, call: Node): Eval;
}

/**
 * A method that evaluates its target and arguments first and then works on
 * plain values: most of them. The arguments are evaluated in the caller's
 * context, so `this.a.contains(this.b)` reads both from the same document.
 */
export function simpleMethod(arity: [number, number], fn: (v: Result, args: Result[], name: string) => Result, name = ''): MethodSpec {
  return {
    arity,
    compile(target, argNodes, cx) {
      const args = argNodes.map((a) => cx.expr(a));
      switch (args.length) {
        case 0:
          return (c) => fn(target(c), [], name);
        case 1: {
          const a0 = args[0] as Eval;
          return (c) => fn(target(c), [a0(c)], name);
        }
        default:
          return (c) => fn(target(c), args.map((a) => a(c)), name);
      }
    },
  };
}

/** Attaches parameter names to specs of a table. */
export function withParams<T extends { params?: string[] }>(table: Record<string, T>, names: Record<string, string[]>): Record<string, T> {
  for (const [name, params] of Object.entries(names)) {
    const spec = table[name];
    if (spec !== undefined) spec.params = params;
  }
  return table;
}
