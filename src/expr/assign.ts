import type { Value } from '../core/value.js';
import { ExprRuntimeError } from './errors.js';
import { type Output, copyObject, isObject, setField } from './runtime.js';

type Container = { [key: string]: Value } | Value[];

/** An existing element's index; negative indexes count from the end. */
function indexOf(key: string, arr: Value[]): number | undefined {
  if (!/^-?\d+$/.test(key)) return undefined;
  let i = Number(key);
  if (i < 0) i += arr.length;
  return i >= 0 && i < arr.length ? i : undefined;
}

/** Arrays are changed only at existing indexes: growing one through a path is almost always a mistake. */
function checkIndex(key: string, arr: Value[]): void {
  if (indexOf(key, arr) === undefined) {
    throw new ExprRuntimeError(`cannot assign to index ${JSON.stringify(key)} of an array of length ${arr.length}: expected an existing index`);
  }
}

/** The container as one this run may change: copied once unless the run made it. */
function own(out: Output, v: Container): Container {
  out.owned ??= new Set();
  if (out.owned.has(v)) return v;
  const copy: Container = Array.isArray(v) ? [...v] : copyObject(v);
  out.owned.add(copy);
  return copy;
}

function fresh(out: Output): { [key: string]: Value } {
  const o = {};
  out.owned ??= new Set();
  out.owned.add(o);
  return o;
}

function child(c: Container, key: string): Value | undefined {
  if (Array.isArray(c)) {
    const i = indexOf(key, c);
    return i === undefined ? undefined : c[i];
  }
  return Object.hasOwn(c, key) ? c[key] : undefined;
}

function put(c: Container, key: string, v: Value): void {
  if (Array.isArray(c)) {
    const i = indexOf(key, c);
    if (i !== undefined) {
      c[i] = v;
      return;
    }
  }
  setField(c as { [key: string]: Value }, key, v);
}

function isContainer(v: unknown): v is Container {
  return Array.isArray(v) || isObject(v as Value);
}

/**
 * `root.a.b = v`: creates objects along the way and replaces non-containers,
 * copying on write so the input document and values handed out are never changed.
 */
export function assignPath(out: Output, path: string[], v: Value): void {
  const r = out.root;
  if (Array.isArray(r)) checkIndex(path[0] as string, r);
  let cur: Container = isContainer(r) ? own(out, r) : fresh(out);
  out.root = cur;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const next = child(cur, key);
    if (Array.isArray(next)) checkIndex(path[i + 1] as string, next);
    const owned = isContainer(next) ? own(out, next) : fresh(out);
    put(cur, key, owned);
    cur = owned;
  }
  put(cur, path[path.length - 1] as string, v);
}

/** `root.a.b = deleted()`: removes the field if it is there. */
export function deletePath(out: Output, path: string[]): void {
  let cur: Value | undefined = out.root as Value;
  const chain: Container[] = [];
  for (const key of path) {
    if (!isContainer(cur)) return;
    chain.push(cur);
    cur = child(cur, key);
    if (cur === undefined) return;
  }
  // Copy the chain from the top so nothing shared is changed.
  let parent = own(out, chain[0] as Container);
  out.root = parent;
  for (let i = 1; i < chain.length; i++) {
    const c = own(out, chain[i] as Container);
    put(parent, path[i - 1] as string, c);
    parent = c;
  }
  const last = path[path.length - 1] as string;
  if (Array.isArray(parent)) {
    const i = indexOf(last, parent);
    if (i !== undefined) parent.splice(i, 1);
  } else delete parent[last];
}
