import type { Batch } from '../core/message.js';
import { textEncoder } from '../core/value.js';
import { Compiler } from './compile.js';
import { guardCompile } from './errors.js';
import { Parser } from './parser.js';
import { asRuntimeError } from './query.js';
import { Ctx, type Eval, toText } from './runtime.js';

/**
 * A string field that may hold `${! expr }` parts. Write `${{!` for a
 * literal `${!`. Each part is rendered as text: strings and bytes raw,
 * numbers plainly, null as `null`, objects and arrays as JSON.
 */
export interface Interpolation {
  /** True when the string has no expressions: `str()` ignores its arguments. */
  readonly isStatic: boolean;
  /** Throws ExprRuntimeError when an expression fails. */
  str(batch: Batch, index: number): string;
  /** Like str(), but an interpolation that is a single bytes-valued expression yields those bytes unchanged. */
  bytes(batch: Batch, index: number): Uint8Array;
}

type Part = string | Eval;

/** Compiles an interpolated string. Throws ExprSyntaxError pointing into `src`. */
export function compileInterpolation(src: string): Interpolation {
  return guardCompile(src, () => compileParts(src));
}

function compileParts(src: string): Interpolation {
  const parts: Part[] = [];
  let lit = '';
  let i = 0;
  for (;;) {
    const j = src.indexOf('${', i);
    if (j < 0) {
      lit += src.slice(i);
      break;
    }
    if (src.startsWith('${{!', j)) {
      lit += `${src.slice(i, j)}\${!`;
      i = j + 4;
      continue;
    }
    if (!src.startsWith('${!', j)) {
      lit += src.slice(i, j + 2);
      i = j + 2;
      continue;
    }
    lit += src.slice(i, j);
    if (lit !== '') parts.push(lit);
    lit = '';
    const { node, end } = new Parser(src, j + 3).parseInterpolated();
    parts.push(new Compiler(src, { mapping: false }).expr(node));
    i = end;
  }
  if (lit !== '') parts.push(lit);

  if (parts.every((p) => typeof p === 'string')) return staticInterpolation(parts.join(''));
  if (parts.length === 1) return single(parts[0] as Eval);
  return dynamic(parts);
}

function staticInterpolation(text: string): Interpolation {
  const bytes = textEncoder.encode(text);
  return { isStatic: true, str: () => text, bytes: () => bytes };
}

function single(ev: Eval): Interpolation {
  const evaluate = (batch: Batch, index: number) => {
    try {
      return ev(new Ctx(batch, index));
    } catch (err) {
      throw asRuntimeError(err);
    }
  };
  return {
    isStatic: false,
    str: (batch, index) => toText(evaluate(batch, index)),
    bytes: (batch, index) => {
      const v = evaluate(batch, index);
      return v instanceof Uint8Array ? v : textEncoder.encode(toText(v));
    },
  };
}

function dynamic(parts: Part[]): Interpolation {
  const str = (batch: Batch, index: number): string => {
    const c = new Ctx(batch, index);
    let s = '';
    try {
      for (const p of parts) s += typeof p === 'string' ? p : toText(p(c));
    } catch (err) {
      throw asRuntimeError(err);
    }
    return s;
  };
  return { isStatic: false, str, bytes: (batch, index) => textEncoder.encode(str(batch, index)) };
}
