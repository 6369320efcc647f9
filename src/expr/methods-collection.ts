import { Double, type Value } from '../core/value.js';
import { ExprRuntimeError } from './errors.js';
import { compare, equals, arithmetic } from './ops.js';
import { type MethodSpec, simpleMethod } from './registry.js';
import { type Eval, NOTHING, type Result, Sentinel, DELETED, asNumber, asString, copyObject, getField, isObject, setField, typeError } from './runtime.js';
import type { Node } from './ast.js';

/** Methods that run a body per element: `map_each(x -> ...)` or `map_each(this.y)` with `this` bound to the element. */
function perElement(each: (target: Result, f: (c: Parameters<Eval>[0], v: Result) => Result, c: Parameters<Eval>[0]) => Result): MethodSpec {
  return {
    arity: [1, 1],
    compile(target, args, cx) {
      const f = cx.contextFn(args[0] as Node);
      return (c) => each(target(c), f, c);
    },
  };
}

function keyValue(key: string, value: Value): Value {
  return { key, value };
}

function sortedKeys(o: { [key: string]: Value }): string[] {
  return Object.keys(o).sort();
}

function numbers(v: Result, name: string): Array<number | bigint> {
  if (!Array.isArray(v)) throw typeError('array', v, name);
  return v.map((x, i) => {
    if (x instanceof Double) return x.value;
    if (typeof x !== 'number' && typeof x !== 'bigint') throw typeError('number', x, `${name}: element ${i}`);
    return x;
  });
}

function sortValues(a: Value, b: Value): number {
  return compare('<', a, b) ? -1 : compare('>', a, b) ? 1 : 0;
}

export const COLLECTION_METHODS: Record<string, MethodSpec> = {
  length: simpleMethod([0, 0], (v, _a, n) => {
    if (typeof v === 'string') return Buffer.byteLength(v);
    if (v instanceof Uint8Array || Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    throw typeError('string, bytes, array or object', v, n);
  }, 'length()'),
  keys: simpleMethod([0, 0], (v, _a, n) => {
    if (!isObject(v)) throw typeError('object', v, n);
    return sortedKeys(v);
  }, 'keys()'),
  values: simpleMethod([0, 0], (v, _a, n) => {
    if (!isObject(v)) throw typeError('object', v, n);
    return sortedKeys(v).map((k) => v[k] as Value);
  }, 'values()'),
  sum: simpleMethod([0, 0], (v, _a, n) => numbers(v, n).reduce<Result>((acc, x) => arithmetic('+', acc, x), 0), 'sum()'),
  min: simpleMethod([0, 0], (v, _a, n) => {
    const xs = numbers(v, n);
    if (xs.length === 0) throw new ExprRuntimeError(`${n}: the array is empty`);
    return xs.reduce((a, b) => (compare('<', b, a) ? b : a));
  }, 'min()'),
  max: simpleMethod([0, 0], (v, _a, n) => {
    const xs = numbers(v, n);
    if (xs.length === 0) throw new ExprRuntimeError(`${n}: the array is empty`);
    return xs.reduce((a, b) => (compare('>', b, a) ? b : a));
  }, 'max()'),
  sort: simpleMethod([0, 0], (v, _a, n) => {
    if (!Array.isArray(v)) throw typeError('array', v, n);
    return [...v].sort(sortValues);
  }, 'sort()'),
  reverse: simpleMethod([0, 0], (v, _a, n) => {
    if (typeof v === 'string') return Array.from(v).reverse().join('');
    if (!Array.isArray(v)) throw typeError('array or string', v, n);
    return [...v].reverse();
  }, 'reverse()'),
  unique: simpleMethod([0, 0], (v, _a, n) => {
    if (!Array.isArray(v)) throw typeError('array', v, n);
    const out: Value[] = [];
    for (const x of v) if (!out.some((y) => equals(x, y))) out.push(x);
    return out;
  }, 'unique()'),
  flatten: simpleMethod([0, 0], (v, _a, n) => {
    if (!Array.isArray(v)) throw typeError('array', v, n);
    return v.flatMap((x) => (Array.isArray(x) ? x : [x]));
  }, 'flatten()'),
  append: simpleMethod([0, Infinity], (v, args, n) => {
    if (!Array.isArray(v)) throw typeError('array', v, n);
    return [...v, ...args.filter((a): a is Value => !(a instanceof Sentinel))];
  }, 'append()'),
  index: simpleMethod([1, 1], (v, [i], n) => {
    if (!Array.isArray(v)) throw typeError('array', v, n);
    let k = asNumber(i as Result, n);
    if (k < 0) k += v.length;
    if (!Number.isInteger(k) || k < 0 || k >= v.length) throw new ExprRuntimeError(`${n}: index ${String(i)} is out of bounds for an array of length ${v.length}`);
    return v[k] as Value;
  }, 'index()'),
  merge: simpleMethod([1, 1], (v, [o], n) => {
    if (Array.isArray(v)) return [...v, ...(Array.isArray(o) ? o : [o as Value])];
    if (!isObject(v) || !isObject(o)) throw typeError('object', isObject(v) ? (o as Result) : v, n);
    const out: { [key: string]: Value } = {};
    for (const k of Object.keys(v)) setField(out, k, v[k] as Value);
    for (const k of Object.keys(o)) setField(out, k, o[k] as Value);
    return out;
  }, 'merge()'),
  exists: simpleMethod([1, 1], (v, [p], n) => {
    let cur: Result = v;
    for (const seg of asString(p as Result, n).split('.')) {
      if (isObject(cur)) {
        if (!Object.hasOwn(cur, seg)) return false;
        cur = cur[seg] as Value;
      } else if (Array.isArray(cur)) {
        const i = Number(seg);
        if (!Number.isInteger(i) || i < 0 || i >= cur.length) return false;
        cur = cur[i] as Value;
      } else return false;
    }
    return true;
  }, 'exists()'),
  get: simpleMethod([1, 1], (v, [p], n) => {
    let cur: Result = v;
    for (const seg of asString(p as Result, n).split('.')) cur = getField(cur, seg);
    return cur;
  }, 'get()'),
  without: simpleMethod([1, Infinity], (v, paths, n) => {
    if (!isObject(v)) throw typeError('object', v, n);
    let out: { [key: string]: Value } = v;
    for (const p of paths) out = withoutPath(out, asString(p, n).split('.'));
    return out;
  }, 'without()'),
  key_values: simpleMethod([0, 0], (v, _a, n) => {
    if (!isObject(v)) throw typeError('object', v, n);
    return sortedKeys(v).map((k) => keyValue(k, v[k] as Value));
  }, 'key_values()'),
  enumerated: simpleMethod([0, 0], (v, _a, n) => {
    if (!Array.isArray(v)) throw typeError('array', v, n);
    return v.map((value, index) => ({ index, value }));
  }, 'enumerated()'),
  map_each: perElement((v, f, c) => {
    if (Array.isArray(v)) {
      const out: Value[] = [];
      for (const x of v) {
        const r = f(c, x);
        if (r === DELETED) continue;
        out.push(r === NOTHING ? x : (r as Value));
      }
      return out;
    }
    if (isObject(v)) {
      const out: { [key: string]: Value } = {};
      for (const k of Object.keys(v)) {
        const r = f(c, keyValue(k, v[k] as Value));
        if (r === DELETED) continue;
        setField(out, k, r === NOTHING ? (v[k] as Value) : (r as Value));
      }
      return out;
    }
    throw typeError('array or object', v, 'map_each()');
  }),
  filter: perElement((v, f, c) => {
    const keep = (r: Result, i: number | string): boolean => {
      if (typeof r !== 'boolean') throw typeError('bool', r, `filter(): element ${i}`);
      return r;
    };
    if (Array.isArray(v)) return v.filter((x, i) => keep(f(c, x), i));
    if (isObject(v)) {
      const out: { [key: string]: Value } = {};
      for (const k of Object.keys(v)) if (keep(f(c, keyValue(k, v[k] as Value)), k)) setField(out, k, v[k] as Value);
      return out;
    }
    throw typeError('array or object', v, 'filter()');
  }),
  any: perElement((v, f, c) => {
    if (!Array.isArray(v)) throw typeError('array', v, 'any()');
    return v.some((x, i) => truth(f(c, x), 'any()', i));
  }),
  all: perElement((v, f, c) => {
    if (!Array.isArray(v)) throw typeError('array', v, 'all()');
    return v.every((x, i) => truth(f(c, x), 'all()', i));
  }),
};

/** A copy without the field at `path`; containers along the way are copied, never changed. */
function withoutPath(o: { [key: string]: Value }, path: string[]): { [key: string]: Value } {
  const [head, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(o, head)) return o;
  const out = copyObject(o);
  if (rest.length === 0) delete out[head];
  else {
    const child = o[head];
    if (isObject(child)) setField(out, head, withoutPath(child, rest));
  }
  return out;
}

function truth(r: Result, name: string, i: number): boolean {
  if (typeof r !== 'boolean') throw typeError('bool', r, `${name}: element ${i}`);
  return r;
}
