import type { Scalar } from 'yaml';
import { ErrorCode } from '../core/errors.js';
import type { Diagnostics } from './diagnostics.js';
import { indexOfLineCol, scalarOffsets } from './scalar-offsets.js';
import { at, type YamlSource } from './source.js';

/**
 * The expression compilers the loader uses for fields marked `interpolated`
 * or `expression`. Each throws on a syntax error; an error carrying 1-based
 * `line` and `col` (or a 0-based `offset`) inside the source is reported at
 * that character of the file.
 */
export interface ExprCompilers {
  interpolation(source: string): unknown;
  query(source: string): unknown;
  mapping(source: string): unknown;
}

export type ExprKind = keyof ExprCompilers;

/**
 * Compiles one field's string. Returns undefined after reporting when it does
 * not compile. `node` is the scalar the string came from (absent for defaults,
 * whose errors are a component author's bug and are reported at `fallback`).
 */
export function compileField(
  compilers: ExprCompilers,
  kind: ExprKind,
  source: string,
  ctx: { src: YamlSource; diags: Diagnostics; node: Scalar | undefined; exact: boolean; path: string; fallback: number | undefined },
): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: compilers[kind](source) };
  } catch (err) {
    const { src, node } = ctx;
    let offset = node?.range?.[0] ?? ctx.fallback;
    const index = errorIndex(err, source);
    if (node && ctx.exact && index !== undefined) offset = scalarOffsets(src.text, node)(index);
    const what = kind === 'interpolation' ? 'interpolation' : kind === 'query' ? 'expression' : 'mapping';
    // The compiler's own suggestion (`(did you mean 'count'?)`) is the best hint there is.
    const message = firstLine(err);
    const suggestion = /\s*\((did you mean [^)]*)\)\s*$/.exec(message);
    const text = suggestion ? message.slice(0, suggestion.index) : message;
    ctx.diags.error(ErrorCode.Expression, `invalid ${what}: ${text}`, at(src, offset, ctx.path), suggestion?.[1] ?? exprHint(kind));
    return { ok: false };
  }
}

function errorIndex(err: unknown, source: string): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { line?: unknown; col?: unknown; column?: unknown; offset?: unknown };
  const col = typeof e.col === 'number' ? e.col : typeof e.column === 'number' ? e.column : undefined;
  if (typeof e.line === 'number' && col !== undefined) return indexOfLineCol(source, e.line, col);
  if (typeof e.offset === 'number') return e.offset;
  return undefined;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

function exprHint(kind: ExprKind): string {
  switch (kind) {
    case 'interpolation':
      return 'interpolations are written ${! expression }, e.g. ${! meta("kafka_key") }';
    case 'query':
      return 'write a Bloblang query, e.g. this.count > 10';
    case 'mapping':
      return 'write a Bloblang mapping, e.g. root = this.name.uppercase()';
  }
}
