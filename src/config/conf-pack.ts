import { deserialize, serialize } from 'node:v8';
import type { SourceLocation } from '../core/errors.js';
import type { ComponentConf, ComponentSpec, FieldSpec, StreamConf } from '../core/spec.js';
import { Double } from '../core/value.js';
import type { ExprKind } from './expressions.js';
import { createLocator } from './locate.js';

/**
 * How a value that cannot cross a thread boundary is made again on the
 * receiving side: a compiled expression from its source, a `FieldSpec.parse`
 * result (by the index of its parser in `parsersOf(builtins)`) from its text,
 * a whole-valued double, a component (by the index of its chunk), or a list of
 * components (`processors`: one typed array of chunk indices, which a big
 * pipeline's frame deserializes in microseconds where one patch per component
 * took tens of ms on the serving thread).
 */
export type Recipe = { expr: ExprKind; source: string } | { parser: number; text: string } | { double: number } | { chunk: number } | { chunks: Int32Array };

/**
 * Every field spec with its own reader (`parse`), in a fixed order: two
 * threads that load the same built-ins agree on the numbers.
 */
export function parserFields(specs: readonly ComponentSpec[]): FieldSpec[] {
  const out: FieldSpec[] = [];
  const visit = (f: FieldSpec): void => {
    if (f.parse) out.push(f);
    f.fields?.forEach(visit);
  };
  for (const s of specs) {
    if (s.value) visit(s.value);
    s.fields?.forEach(visit);
  }
  return out;
}

type Segment = string | number;
/** One serialized piece: a component without its nested components (those are recipes), or the stream's frame. */
interface Chunk {
  value: unknown;
  patches: Array<[Segment[], Recipe]>;
}

/**
 * Checked streams (and other values: plugin manifests) in a form a worker thread can
 * transfer: each component is its own v8-serialized chunk (nested components
 * come first), so the receiver can rebuild them a few at a time between
 * other work. The text each file had when it was checked rides along, for `locate()`.
 */
export interface PackedLoad {
  buffer: ArrayBuffer;
  /** The chunk of anything else sent along (plugin manifests). */
  rest: number;
  chunks: Array<[number, number]>;
  streams: Array<{ file: string; text: string; frame: number }>;
}

/** Raised when a value has no recipe (a class instance from a spec the packer does not know). */
export class UnpackableValue extends Error {}

/**
 * Worker side. `recipes` tells how compiled expressions and parsed values
 * were made (the worker's compilers record it); `texts` holds each stream
 * file's checked text.
 */
export function packLoad(streams: readonly StreamConf[], rest: unknown, texts: ReadonlyMap<string, string>, recipes: WeakMap<object, Recipe>): PackedLoad {
  const parts: Buffer[] = [];
  const chunks: PackedLoad['chunks'] = [];
  let size = 0;
  const done = new Map<ComponentConf, number>();
  const put = (chunk: Chunk): number => {
    const buf = serialize(chunk);
    parts.push(buf);
    chunks.push([size, buf.length]);
    size += buf.length;
    return chunks.length - 1;
  };
  const component = (c: ComponentConf): number => {
    let index = done.get(c);
    if (index === undefined) {
      const { locate: _locate, ...plain } = c;
      index = put(pack(plain, c.location.file));
      done.set(c, index);
    }
    return index;
  };
  const pack = (value: unknown, file: string): Chunk => {
    const patches: Chunk['patches'] = [];
    const path: Segment[] = [];
    const walk = (x: unknown): unknown => {
      if (x === null || (typeof x !== 'object' && typeof x !== 'function')) return x;
      const made = recipes.get(x) ?? (x instanceof Double ? { double: x.value } : isComponent(x) ? { chunk: component(x) } : undefined);
      if (made) {
        patches.push([[...path], made]);
        return null;
      }
      if (Array.isArray(x) && x.length > 1 && x.every(isComponent)) {
        patches.push([[...path], { chunks: Int32Array.from(x, component) }]);
        return null;
      }
      const inner = (k: Segment, y: unknown): unknown => {
        path.push(k);
        const v = walk(y);
        path.pop();
        return v;
      };
      if (Array.isArray(x)) return x.map((y, i) => inner(i, y));
      if (x instanceof Map) return new Map([...x].map(([k, y]: [Segment, unknown]) => [k, inner(k, y)]));
      if (x instanceof Date || (x instanceof Uint8Array && !Buffer.isBuffer(x))) return x;
      const proto = Object.getPrototypeOf(x) as unknown;
      if (typeof x === 'object' && (proto === Object.prototype || proto === null)) {
        const o: Record<string, unknown> = {};
        for (const [k, y] of Object.entries(x)) o[k] = inner(k, y);
        return o;
      }
      throw new UnpackableValue(`${file}: the value at ${path.join('.')} cannot be sent between threads`);
    };
    return { value: walk(value), patches };
  };
  const packedRest = put(pack(rest, 'plugin.yaml'));
  const packedStreams = streams.map((s) => ({ file: s.file, text: texts.get(s.file) ?? '', frame: put(pack(s, s.file)) }));
  const all = Buffer.concat(parts, size);
  // Its own ArrayBuffer of exactly this size, to transfer (a small concat may sit in Buffer's shared pool).
  const buffer = all.byteOffset === 0 && all.buffer.byteLength === size ? (all.buffer as ArrayBuffer) : new Uint8Array(all).buffer;
  return { buffer, rest: packedRest, chunks, streams: packedStreams };
}

/** What the receiving side needs to make the recipes' values again. */
export interface Unpacker {
  compile(kind: ExprKind, source: string): unknown;
  parsers: ReadonlyArray<(text: string) => unknown>;
  /** Called between chunks: resolves at once, or after letting other work run (a time slice is used up). */
  pause(): Promise<void> | undefined;
}

/**
 * Main side: rebuilds the manifests and streams, a chunk at a time, calling
 * `pause()` in between. Chunks come in the order they were packed, so every
 * nested component is built before what holds it.
 */
export async function unpackLoad(packed: PackedLoad, u: Unpacker): Promise<{ rest: unknown; streams: StreamConf[] }> {
  const built: unknown[] = [];
  const locators = new Map<string, (typePath: string, rel: string) => SourceLocation>();
  for (const s of packed.streams) locators.set(s.file, createLocator(s.file, s.text));
  for (const [offset, length] of packed.chunks) {
    const p = u.pause();
    if (p) await p;
    const chunk = deserialize(new Uint8Array(packed.buffer, offset, length)) as Chunk;
    for (const [path, recipe] of chunk.patches) setAt(chunk.value, path, make(recipe, built, u));
    const c = chunk.value as Partial<ComponentConf>;
    const locator = c.location && locators.get(c.location.file);
    if (locator && c.location) {
      const typePath = c.location.path ?? '';
      c.locate = (rel) => locator(typePath, rel);
    }
    built.push(chunk.value);
  }
  return { rest: built[packed.rest], streams: packed.streams.map((s) => built[s.frame] as StreamConf) };
}

function make(r: Recipe, built: unknown[], u: Unpacker): unknown {
  if ('expr' in r) return u.compile(r.expr, r.source);
  if ('parser' in r) {
    const parse = u.parsers[r.parser];
    if (!parse) throw new UnpackableValue(`no parser number ${r.parser} here`);
    return parse(r.text);
  }
  if ('double' in r) return new Double(r.double);
  if ('chunks' in r) return Array.from(r.chunks, (i) => built[i]);
  return built[r.chunk];
}

function setAt(root: unknown, path: Segment[], value: unknown): void {
  let holder = root;
  for (let i = 0; i < path.length - 1; i++) holder = child(holder, path[i] as Segment);
  const last = path[path.length - 1] as Segment;
  if (holder instanceof Map) holder.set(last, value);
  else (holder as Record<Segment, unknown>)[last] = value;
}

function child(x: unknown, k: Segment): unknown {
  return x instanceof Map ? x.get(k) : (x as Record<Segment, unknown>)[k];
}

function isComponent(x: unknown): x is ComponentConf {
  const c = x as Partial<ComponentConf>;
  return typeof c.locate === 'function' && typeof c.kind === 'string' && typeof c.type === 'string';
}
