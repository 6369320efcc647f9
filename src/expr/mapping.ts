import type { Batch, Message } from '../core/message.js';
import type { Value } from '../core/value.js';
import type { Statement } from './ast.js';
import { assignPath, deletePath } from './assign.js';
import { Compiler } from './compile.js';
import { ExprRuntimeError, guardCompile } from './errors.js';
import { MappingParser } from './parse-mapping.js';
import { asRuntimeError } from './query.js';
import { type CompileBody, type Exec, ifStatement, matchStatement } from './statement-blocks.js';
import { Ctx, DELETED, type Eval, NOTHING, type Output, type Result, isObject, kindOf } from './runtime.js';

/** A compiled mapping: statements that build a new message from an input message. */
export interface Mapping {
  /**
   * A new message: a copy of batch[index] (same origin, error flag and
   * metadata) with the mapping's root and meta assignments applied. The input
   * is left untouched. A mapping that never assigns root keeps the payload.
   * Returns null when the mapping assigns `root = deleted()`. Throws
   * ExprRuntimeError when a statement fails.
   */
  apply(batch: Batch, index: number): Message | null;
}

/** Compiles mapping statements (the `mapping` processor, `generate.mapping`). Throws ExprSyntaxError. */
export function compileMapping(src: string): Mapping {
  const execs = guardCompile(src, () => compileStatements(src, new MappingParser(src).parseMapping(), new Set()));
  return {
    apply(batch, index) {
      const msg = batch[index];
      if (msg === undefined) throw new ExprRuntimeError(`message index ${index} is outside the batch (size ${batch.length})`);
      // The copy's own metadata map is what `meta k = ...` changes.
      const m = msg.copy();
      const out: Output = { root: NOTHING, meta: m.metadata, owned: undefined };
      const c = new Ctx(batch, index);
      c.out = out;
      for (const e of execs) e(c, out);
      if (out.root === DELETED) return null;
      const root = out.root;
      if (root !== NOTHING) setPayload(m, root as Value);
      return m;
    },
  };
}

/** Compiles statements in order; `declared` collects `let` names for the statements after them. */
function compileStatements(src: string, statements: Statement[], declared: Set<string>): Exec[] {
  const execs: Exec[] = [];
  for (const s of statements) {
    if (s.k === 'if' || s.k === 'match') {
      const body: CompileBody = (stmts, d) => compileStatements(src, stmts, d);
      execs.push(s.k === 'if' ? ifStatement(src, s, declared, body) : matchStatement(src, s, declared, body));
      continue;
    }
    const ev = new Compiler(src, { mapping: true, vars: new Set(declared) }).expr(s.value);
    execs.push(withLine(s, statement(s, ev)));
    if (s.k === 'let') declared.add(s.name);
  }
  return execs;
}

function setPayload(m: Message, v: Value): void {
  if (v instanceof Uint8Array || typeof v === 'string') m.setBytes(v);
  else m.setStructured(v);
}

function withLine(s: Statement, exec: Exec): Exec {
  const prefix = s.k === 'let' ? `failed to set variable '${s.name}' (line ${s.line})` : `failed assignment (line ${s.line})`;
  return (c, out) => {
    try {
      exec(c, out);
    } catch (err) {
      throw new ExprRuntimeError(`${prefix}: ${asRuntimeError(err).message}`);
    }
  };
}

function statement(s: Statement & { k: 'let' | 'assign' }, ev: Eval): Exec {
  if (s.k === 'let') {
    const name = s.name;
    return (c) => {
      const v = ev(c);
      if (v === NOTHING) return;
      c.vars ??= new Map<string, Result>();
      if (v === DELETED) c.vars.delete(name);
      else c.vars.set(name, v);
    };
  }
  const target = s.target;
  if (target.k === 'meta') {
    const name = target.name;
    if (name !== undefined) {
      return (c, out) => {
        const v = ev(c);
        if (v === NOTHING) return;
        if (v === DELETED) out.meta.delete(name);
        else out.meta.set(name, v as Value);
      };
    }
    return (c, out) => {
      const v = ev(c);
      if (v === NOTHING) return;
      if (v === DELETED) {
        out.meta.clear();
        return;
      }
      if (!isObject(v)) throw new ExprRuntimeError(`meta = ...: expected object value, got ${kindOf(v)}`);
      out.meta.clear();
      for (const k of Object.keys(v)) out.meta.set(k, v[k] as Value);
    };
  }
  const path = target.path;
  if (path.length === 0) {
    return (c, out) => {
      const v = ev(c);
      if (v === NOTHING) return;
      out.root = v;
      // A value assigned whole may be the input's or a variable's: copy before changing it.
      out.owned = undefined;
    };
  }
  return (c, out) => {
    const v = ev(c);
    if (v === NOTHING) return;
    if (v === DELETED) deletePath(out, path);
    else assignPath(out, path, v as Value);
  };
}
