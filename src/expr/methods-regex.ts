import type { Node } from './ast.js';
import { type Value, textEncoder } from '../core/value.js';
import { type CompiledRegex, allMatches, cachedRegex, compileRegex, parseTemplate, regexTest, replaceAll } from './regex.js';
import type { CompileApi, MethodSpec } from './registry.js';
import { type Ctx, type Eval, type Result, asString, typeError } from './runtime.js';

type Getter<T> = (c: Ctx) => T;

/**
 * A pattern argument. A string literal is compiled here, once, and a bad one
 * is a compile error at its position; anything else is compiled per call
 * through the LRU cache.
 */
function patternArg(node: Node, cx: CompileApi, what: string): Getter<CompiledRegex> {
  if (node.k === 'lit') {
    if (typeof node.value !== 'string') throw cx.error(node, `${what}: the pattern must be a string`);
    let r: CompiledRegex;
    try {
      r = compileRegex(node.value);
    } catch (err) {
      throw cx.error(node, `${what}: ${(err as Error).message}`);
    }
    return () => r;
  }
  const ev = cx.expr(node);
  return (c) => cachedRegex(asString(ev(c), what), what);
}

function textOf(v: Result, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return asString(v, what);
  throw typeError('string', v, what);
}

/** A one-pattern method over the target's text. */
function regexMethod(what: string, fn: (r: CompiledRegex, s: string) => Result): MethodSpec {
  return {
    arity: [1, 1],
    params: ['pattern'],
    compile(target: Eval, args: Node[], cx: CompileApi) {
      const pattern = patternArg(args[0] as Node, cx, what);
      return (c) => fn(pattern(c), textOf(target(c), what));
    },
  };
}

/** `{"0": whole, "name" or index: group, ...}` as Bloblang's re_find_object builds it. */
function matchObject(r: CompiledRegex, m: RegExpExecArray): { [key: string]: Value } {
  const out: { [key: string]: Value } = {};
  for (let i = 0; i < m.length; i++) {
    const name = r.names[i];
    out[name === undefined || name === '' ? String(i) : name] = m[i] ?? '';
  }
  return out;
}

const submatches = (m: RegExpExecArray): Value[] => Array.from(m, (g) => g ?? '');

export const REGEX_METHODS: Record<string, MethodSpec> = {
  re_match: regexMethod('re_match()', (r, s) => regexTest(r, s)),
  re_find_all: regexMethod('re_find_all()', (r, s) => allMatches(r, s).map((m) => m[0])),
  re_find_all_submatch: regexMethod('re_find_all_submatch()', (r, s) => allMatches(r, s).map(submatches)),
  re_find_object: regexMethod('re_find_object()', (r, s) => {
    const m = allMatches(r, s, 1)[0];
    return m === undefined ? {} : matchObject(r, m);
  }),
  re_find_all_object: regexMethod('re_find_all_object()', (r, s) => allMatches(r, s).map((m) => matchObject(r, m))),
  re_replace_all: replaceMethod('re_replace_all()'),
  /** Bloblang's older, deprecated name; configs copied from old docs still use it. */
  re_replace: replaceMethod('re_replace()'),
};

function replaceMethod(what: string): MethodSpec {
  return {
    arity: [2, 2],
    params: ['pattern', 'value'],
    compile(target, args, cx) {
      const pattern = patternArg(args[0] as Node, cx, what);
      const tnode = args[1] as Node;
      let template: Getter<ReturnType<typeof parseTemplate>>;
      if (tnode.k === 'lit' && typeof tnode.value === 'string') {
        const parts = parseTemplate(tnode.value);
        template = () => parts;
      } else {
        const ev = cx.expr(tnode);
        template = (c) => parseTemplate(asString(ev(c), what));
      }
      return (c) => {
        const v = target(c);
        const out = replaceAll(pattern(c), textOf(v, what), template(c));
        // Bytes in, bytes out, as in Bloblang.
        return v instanceof Uint8Array ? textEncoder.encode(out) : out;
      };
    },
  };
}
