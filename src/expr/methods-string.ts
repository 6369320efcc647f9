import { Double, textDecoder } from '../core/value.js';
import { ExprRuntimeError } from './errors.js';
import { equals } from './ops.js';
import { type MethodSpec, simpleMethod } from './registry.js';
import { type Result, asInt, asString, isObject, toText, typeError } from './runtime.js';

function str(v: Result, name: string): string {
  return asString(v, name);
}

/** Negative indexes count from the end, as in Bloblang's slice. */
function bound(i: number, len: number): number {
  if (i < 0) i += len;
  return Math.min(Math.max(i, 0), len);
}

function trimSet(s: string, cut: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && cut.includes(s[a] as string)) a++;
  while (b > a && cut.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

/** Go-style `format` verbs: %v %s %d %f (with precision, e.g. %.2f) %q %x %%. */
function format(template: string, args: Result[], n: string): string {
  let next = 0;
  return template.replace(/%(\.\d+)?([vsdfqx%])/g, (_m, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) throw new ExprRuntimeError(`${n}: not enough arguments for the verbs in ${JSON.stringify(template)}`);
    const v = args[next++] as Result;
    switch (verb) {
      case 'd':
        if (typeof v === 'bigint') return v.toString();
        return String(Math.trunc(asNumberLike(v, n)));
      case 'f':
        return asNumberLike(v, n).toFixed(prec === undefined ? 6 : Number(prec.slice(1)));
      case 'q':
        return JSON.stringify(toText(v));
      case 'x':
        return Buffer.from(toText(v)).toString('hex');
      default:
        return toText(v);
    }
  });
}

function asNumberLike(v: Result, n: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Double) return v.value;
  throw typeError('number', v, n);
}

export const STRING_METHODS: Record<string, MethodSpec> = {
  format: simpleMethod([0, Infinity], (v, args, n) => format(str(v, n), args, n), 'format()'),
  uppercase: simpleMethod([0, 0], (v, _a, n) => str(v, n).toUpperCase(), 'uppercase()'),
  lowercase: simpleMethod([0, 0], (v, _a, n) => str(v, n).toLowerCase(), 'lowercase()'),
  capitalize: simpleMethod([0, 0], (v, _a, n) => str(v, n).replace(/(^|\s)(\S)/g, (_m, sp: string, ch: string) => sp + ch.toUpperCase()), 'capitalize()'),
  trim: simpleMethod([0, 1], (v, [cut], n) => (cut === undefined ? str(v, n).trim() : trimSet(str(v, n), str(cut, n))), 'trim()'),
  has_prefix: simpleMethod([1, 1], (v, [p], n) => str(v, n).startsWith(str(p as Result, n)), 'has_prefix()'),
  has_suffix: simpleMethod([1, 1], (v, [p], n) => str(v, n).endsWith(str(p as Result, n)), 'has_suffix()'),
  replace_all: simpleMethod([2, 2], (v, [a, b], n) => str(v, n).split(str(a as Result, n)).join(str(b as Result, n)), 'replace_all()'),
  split: simpleMethod([1, 1], (v, [d], n) => {
    const delim = str(d as Result, n);
    const s = str(v, n);
    return delim === '' ? Array.from(s) : s.split(delim);
  }, 'split()'),
  join: simpleMethod([0, 1], (v, [d], n) => {
    if (!Array.isArray(v)) throw typeError('array', v, n);
    const delim = d === undefined ? '' : str(d, n);
    return v.map((x, i) => (typeof x === 'string' ? x : x instanceof Uint8Array ? textDecoder.decode(x) : failJoin(x, i))).join(delim);
  }, 'join()'),
  contains: simpleMethod([1, 1], (v, [x], n) => {
    if (typeof v === 'string' || v instanceof Uint8Array) return str(v, n).includes(str(x as Result, n));
    if (Array.isArray(v)) return v.some((e) => equals(e, x as Result));
    if (isObject(v)) return Object.values(v).some((e) => equals(e, x as Result));
    throw typeError('string, array or object', v, n);
  }, 'contains()'),
  index_of: simpleMethod([1, 1], (v, [x], n) => {
    if (Array.isArray(v)) return v.findIndex((e) => equals(e, x as Result));
    return str(v, n).indexOf(str(x as Result, n));
  }, 'index_of()'),
  slice: simpleMethod([1, 2], (v, [a, b], n) => {
    if (typeof v === 'string' || Array.isArray(v)) {
      const len = v.length;
      const start = bound(asInt(a as Result, n), len);
      const end = b === undefined ? len : bound(asInt(b, n), len);
      if (end < start) throw new ExprRuntimeError(`${n}: lower slice bound ${start} must not exceed upper bound ${end}`);
      return v.slice(start, end);
    }
    if (v instanceof Uint8Array) {
      const start = bound(asInt(a as Result, n), v.length);
      const end = b === undefined ? v.length : bound(asInt(b, n), v.length);
      return v.slice(start, Math.max(start, end));
    }
    throw typeError('string or array', v, n);
  }, 'slice()'),
};

function failJoin(x: unknown, i: number): never {
  throw typeError('string', x as Result, `join(): element ${i}`);
}
