import type { Node } from './ast.js';
import { ExprRuntimeError, syntaxError } from './errors.js';
import { FUNCTIONS } from './functions.js';
import { METHODS } from './methods.js';
import { binaryEval } from './operators.js';
import type { CompileApi, ContextFn } from './registry.js';
import { type Eval, NOTHING, type Result, type Scope, getField, setField, typeError } from './runtime.js';
import { arrayEval, ifEval, matchEval, objectEval } from './structures.js';
import { didYouMean } from './suggest.js';
import { Double, type Value } from '../core/value.js';

export interface CompileOptions {
  /** Mappings may read `root` and `$variables`; plain queries may not. */
  mapping: boolean;
  /** Variables declared by earlier `let` statements. */
  vars?: Set<string>;
}

/**
 * Turns the AST into closures, once. Each node becomes a function of the
 * context; nothing on the hot path looks at node kinds again.
 */
export class Compiler implements CompileApi {
  private readonly src: string;
  private readonly opts: CompileOptions;
  private readonly params: string[] = [];

  constructor(src: string, opts: CompileOptions) {
    this.src = src;
    this.opts = opts;
  }

  error(node: Node, message: string): Error {
    return syntaxError(this.src, node.pos, message);
  }

  expr(n: Node): Eval {
    switch (n.k) {
      case 'lit': {
        const v = n.value;
        return () => v;
      }
      case 'this':
        return (c) => c.current();
      case 'root':
        if (!this.opts.mapping) throw this.error(n, "'root' is only available in a mapping: use 'this' to read the input");
        return (c) => {
          const out = c.out;
          if (out === undefined || out.root === NOTHING) return null;
          // The value escapes: later assignments must copy rather than change it under the reader.
          out.owned = undefined;
          return out.root;
        };
      case 'ident':
        return this.ident(n.name);
      case 'field':
        return this.field(n);
      case 'scope': {
        // this.user.(name + "!") rebinds this; this.user.(u -> u.name) names it.
        const target = this.expr(n.target);
        const body = this.contextFn(n.body);
        return (c) => body(c, target(c));
      }
      case 'var':
        return this.variable(n);
      case 'meta':
        return metaRead(n.name);
      case 'call':
        return this.call(n);
      case 'method':
        return this.method(n);
      case 'named':
        throw this.error(n, `a named argument (${n.name}: ...) is only allowed in a function or method call`);
      case 'lambda':
        throw this.error(n, `a lambda (${n.param} -> ...) is only allowed as a method argument, e.g. map_each(${n.param} -> ...)`);
      case 'binary':
        return binaryEval(n.op, this.expr(n.left), this.expr(n.right));
      case 'not': {
        const operand = this.expr(n.operand);
        return (c) => {
          const v = operand(c);
          if (typeof v !== 'boolean') throw typeError('bool', v, "operator '!'");
          return !v;
        };
      }
      case 'neg': {
        const operand = this.expr(n.operand);
        return (c) => {
          const v = operand(c);
          if (typeof v === 'number') return -v;
          if (typeof v === 'bigint') return -v;
          if (v instanceof Double) return new Double(-v.value);
          throw typeError('number', v, "unary '-'");
        };
      }
      case 'array':
        return arrayEval(n.items.map((i) => this.expr(i)));
      case 'object':
        return objectEval(n.entries.map((e) => ({ key: this.expr(e.key), value: this.expr(e.value) })));
      case 'if':
        return ifEval(
          n.branches.map((b) => ({ cond: this.expr(b.cond), body: this.expr(b.body) })),
          n.otherwise === undefined ? undefined : this.expr(n.otherwise),
        );
      case 'match':
        return matchEval(
          n.subject === undefined ? undefined : this.expr(n.subject),
          n.cases.map((m) => ({
            literal: m.pattern !== undefined && m.pattern.k === 'lit' ? { value: m.pattern.value } : undefined,
            pattern: m.pattern === undefined ? undefined : this.expr(m.pattern),
            body: this.expr(m.body),
          })),
        );
    }
  }

  contextFn(n: Node): ContextFn {
    if (n.k === 'lambda') {
      const name = n.param;
      this.params.push(name);
      try {
        const body = this.expr(n.body);
        return (c, v) => body(c.withParam(name, v));
      } finally {
        this.params.pop();
      }
    }
    const body = this.expr(n);
    return (c, v) => body(c.withThis(v));
  }

  private ident(name: string): Eval {
    if (this.params.includes(name)) {
      return (c) => {
        for (let s: Scope | undefined = c.scope; s !== undefined; s = s.parent) if (s.name === name) return s.value;
        return null;
      };
    }
    return (c) => getField(c.current(), name);
  }

  private field(n: Node & { k: 'field' }): Eval {
    const path: string[] = [];
    let base: Node = n;
    while (base.k === 'field') {
      path.unshift(base.name);
      base = base.target;
    }
    const from = this.expr(base);
    if (path.length === 1) {
      const a = path[0] as string;
      return (c) => getField(from(c), a);
    }
    if (path.length === 2) {
      const a = path[0] as string;
      const b = path[1] as string;
      return (c) => getField(getField(from(c), a), b);
    }
    return (c) => {
      let v: Result = from(c);
      for (let i = 0; i < path.length; i++) v = getField(v, path[i] as string);
      return v;
    };
  }

  private variable(n: Node & { k: 'var' }): Eval {
    if (!this.opts.mapping) throw this.error(n, `variables ($${n.name}) are only available in a mapping, after 'let ${n.name} = ...'`);
    const declared = this.opts.vars;
    if (declared !== undefined && !declared.has(n.name)) {
      throw this.error(n, `variable $${n.name} is not declared: add 'let ${n.name} = ...' before using it${didYouMean(n.name, declared)}`);
    }
    const name = n.name;
    return (c) => {
      const v = c.vars?.get(name);
      if (v === undefined) throw new ExprRuntimeError(`variable $${name} is not set`);
      return v;
    };
  }

  private call(n: Node & { k: 'call' }): Eval {
    const spec = FUNCTIONS[n.name];
    if (spec === undefined || !Object.hasOwn(FUNCTIONS, n.name)) {
      throw this.error(n, `unknown function '${n.name}'${didYouMean(n.name, Object.keys(FUNCTIONS))}`);
    }
    const args = this.positional('function', n.name, spec, n);
    this.checkArity('function', n.name, spec.arity, n, args.length);
    return spec.compile(args, this, n);
  }

  private method(n: Node & { k: 'method' }): Eval {
    const spec = METHODS[n.name];
    if (spec === undefined || !Object.hasOwn(METHODS, n.name)) {
      throw this.error(n, `unknown method '${n.name}'${didYouMean(n.name, Object.keys(METHODS))}`);
    }
    const args = this.positional('method', n.name, spec, n);
    this.checkArity('method', n.name, spec.arity, n, args.length);
    return spec.compile(this.expr(n.target), args, this, n);
  }

  /** Named arguments put in parameter order; all named or all positional, as in Bloblang. */
  private positional(kind: string, name: string, spec: { params?: string[] }, n: Node & { args: Node[] }): Node[] {
    const named = n.args.filter((a) => a.k === 'named');
    if (named.length === 0) return n.args;
    if (named.length !== n.args.length) throw this.error(n.args.find((a) => a.k !== 'named') as Node, `${kind} '${name}': do not mix named and positional arguments`);
    const params = spec.params;
    if (params === undefined || params.length === 0) throw this.error(named[0] as Node, `${kind} '${name}' takes no named arguments`);
    const slots: Array<Node | undefined> = params.map(() => undefined);
    for (const a of named as Array<Node & { k: 'named' }>) {
      const i = params.indexOf(a.name);
      if (i < 0) throw this.error(a, `${kind} '${name}' has no parameter '${a.name}': expected one of ${params.join(', ')}${didYouMean(a.name, params)}`);
      if (slots[i] !== undefined) throw this.error(a, `${kind} '${name}': parameter '${a.name}' is given twice`);
      slots[i] = a.value;
    }
    let last = slots.length;
    while (last > 0 && slots[last - 1] === undefined) last--;
    const out: Node[] = [];
    for (let i = 0; i < last; i++) {
      const v = slots[i];
      if (v === undefined) throw this.error(n, `${kind} '${name}': parameter '${params[i] as string}' is required when later ones are given`);
      out.push(v);
    }
    return out;
  }

  private checkArity(kind: string, name: string, [min, max]: [number, number], n: Node, got: number): void {
    if (got >= min && got <= max) return;
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw this.error(n, `${kind} '${name}' takes ${want} argument${want === '1' ? '' : 's'}, got ${got}`);
  }
}

function metaRead(name: string): Eval {
  if (name === '') {
    return (c) => {
      const out: { [key: string]: Value } = {};
      for (const [k, v] of c.msg.metadata) setField(out, k, v);
      return out;
    };
  }
  return (c) => c.msg.metadata.get(name) ?? null;
}
