import type { BinaryOp, Node } from './ast.js';
import { ExprRuntimeError, syntaxError } from './errors.js';
import { FUNCTIONS } from './functions.js';
import { METHODS } from './methods.js';
import { arithmetic, compare, equals } from './ops.js';
import type { CompileApi, ContextFn } from './registry.js';
import { type Eval, NOTHING, type Result, type Scope, Sentinel, getField, setField, typeError } from './runtime.js';
import { didYouMean } from './suggest.js';
import type { Value } from '../core/value.js';

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
        const target = this.expr(n.target);
        const body = this.expr(n.body);
        return (c) => body(c.withThis(target(c)));
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
        return this.binary(n.op, this.expr(n.left), this.expr(n.right));
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
          throw typeError('number', v, "unary '-'");
        };
      }
      case 'array':
        return this.array(n.items);
      case 'object':
        return this.object(n.entries);
      case 'if':
        return this.ifExpr(n.branches, n.otherwise);
      case 'match':
        return this.match(n);
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

  private binary(op: BinaryOp, l: Eval, r: Eval): Eval {
    switch (op) {
      case '&&':
        return (c) => {
          const a = l(c);
          if (a === false) return false;
          if (a !== true) throw typeError('bool', a, "left side of '&&'");
          const b = r(c);
          if (typeof b !== 'boolean') throw typeError('bool', b, "right side of '&&'");
          return b;
        };
      case '||':
        return (c) => {
          const a = l(c);
          if (a === true) return true;
          if (a !== false) throw typeError('bool', a, "left side of '||'");
          const b = r(c);
          if (typeof b !== 'boolean') throw typeError('bool', b, "right side of '||'");
          return b;
        };
      case '|':
        return (c) => {
          let a: Result;
          try {
            a = l(c);
          } catch {
            return r(c);
          }
          return a === null || a === NOTHING ? r(c) : a;
        };
      case '==':
        return (c) => equals(l(c), r(c));
      case '!=':
        return (c) => !equals(l(c), r(c));
      case '<':
      case '<=':
      case '>':
      case '>=':
        return (c) => {
          const a = l(c);
          const b = r(c);
          if (typeof a === 'number' && typeof b === 'number') {
            return op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b;
          }
          return compare(op, a, b);
        };
      default:
        return (c) => arithmetic(op, l(c), r(c));
    }
  }

  private array(items: Node[]): Eval {
    const evals = items.map((i) => this.expr(i));
    return (c) => {
      const out: Value[] = [];
      for (const e of evals) {
        const v = e(c);
        if (!(v instanceof Sentinel)) out.push(v);
      }
      return out;
    };
  }

  private object(entries: Array<{ key: Node; value: Node }>): Eval {
    const compiled = entries.map((e) => ({ key: this.expr(e.key), value: this.expr(e.value), node: e.key }));
    return (c) => {
      const out: { [key: string]: Value } = {};
      for (const e of compiled) {
        const k = e.key(c);
        if (typeof k !== 'string') throw typeError('string', k, 'object key');
        const v = e.value(c);
        if (!(v instanceof Sentinel)) setField(out, k, v);
      }
      return out;
    };
  }

  private ifExpr(branches: Array<{ cond: Node; body: Node }>, otherwise: Node | undefined): Eval {
    const compiled = branches.map((b) => ({ cond: this.expr(b.cond), body: this.expr(b.body) }));
    const other = otherwise === undefined ? undefined : this.expr(otherwise);
    return (c) => {
      for (const b of compiled) {
        const v = b.cond(c);
        if (v === true) return b.body(c);
        if (v !== false) throw typeError('bool', v, 'if condition');
      }
      return other === undefined ? NOTHING : other(c);
    };
  }

  private match(n: Node & { k: 'match' }): Eval {
    const subject = n.subject === undefined ? undefined : this.expr(n.subject);
    const cases = n.cases.map((m) => ({
      literal: m.pattern !== undefined && m.pattern.k === 'lit',
      value: m.pattern !== undefined && m.pattern.k === 'lit' ? m.pattern.value : null,
      pattern: m.pattern === undefined ? undefined : this.expr(m.pattern),
      body: this.expr(m.body),
    }));
    return (c) => {
      let inner = c;
      let s: Result = null;
      if (subject !== undefined) {
        s = subject(c);
        inner = c.withThis(s);
      }
      for (const m of cases) {
        if (m.pattern === undefined) return m.body(inner);
        if (m.literal && subject !== undefined) {
          if (equals(s, m.value)) return m.body(inner);
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
