import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Value } from '../core/value.js';
import { ExprRuntimeError } from './errors.js';
import type { Node } from './ast.js';
import { type CompileApi, type FunctionSpec, withParams } from './registry.js';
import { DELETED, type Eval, NOTHING, type Result, asInt, asString, getField, setField, structuredOf, toText } from './runtime.js';

/** `count(name)` counters: process-wide, as in Redpanda Connect. */
const counters = new Map<string, number>();

let cachedHostname: string | undefined;

/** A function whose arguments are all evaluated first. */
function fn(arity: [number, number], body: (args: Result[], c: Parameters<Eval>[0]) => Result): FunctionSpec {
  return {
    arity,
    compile(argNodes, cx) {
      const args = argNodes.map((a) => cx.expr(a));
      if (args.length === 0) return (c) => body([], c);
      return (c) => body(args.map((a) => a(c)), c);
    },
  };
}

/** The argument as a string known at compile time, when it is a literal. */
function staticString(n: Node | undefined): string | undefined {
  return n !== undefined && n.k === 'lit' && typeof n.value === 'string' ? n.value : undefined;
}

function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

function walk(v: Value, path: string[]): Value {
  let cur: Value = v;
  for (const p of path) cur = getField(cur, p);
  return cur;
}

const metaString: FunctionSpec = {
  arity: [0, 1],
  compile(args, cx) {
    if (args.length === 0) {
      return (c) => {
        const out: { [key: string]: Value } = {};
        for (const [k, v] of c.msg.metadata) setField(out, k, toText(v));
        return out;
      };
    }
    const key = staticString(args[0]);
    if (key !== undefined) {
      return (c) => {
        const v = c.msg.metadata.get(key);
        return v === undefined ? null : typeof v === 'string' ? v : toText(v);
      };
    }
    const k = cx.expr(args[0] as Node);
    return (c) => {
      const v = c.msg.metadata.get(asString(k(c), 'meta()'));
      return v === undefined ? null : toText(v);
    };
  },
};

const metadataTyped: FunctionSpec = {
  arity: [0, 1],
  compile(args, cx: CompileApi) {
    if (args.length === 0) {
      return (c) => {
        const out: { [key: string]: Value } = {};
        for (const [k, v] of c.msg.metadata) setField(out, k, v);
        return out;
      };
    }
    const k = cx.expr(args[0] as Node);
    return (c) => c.msg.metadata.get(asString(k(c), 'metadata()')) ?? null;
  },
};

const json: FunctionSpec = {
  arity: [0, 1],
  compile(args, cx) {
    const key = args.length === 0 ? '' : staticString(args[0]);
    if (key !== undefined) {
      const path = splitPath(key);
      return (c) => walk(structuredOf(c.msg), path);
    }
    const k = cx.expr(args[0] as Node);
    return (c) => walk(structuredOf(c.msg), splitPath(asString(k(c), 'json()')));
  },
};

function nowNanos(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

/** The function table: the only names a query can call. */
export const FUNCTIONS: Record<string, FunctionSpec> = withParams(Object.assign(Object.create(null) as Record<string, FunctionSpec>, {
  meta: metaString,
  metadata: metadataTyped,
  json,
  content: fn([0, 0], (_a, c) => c.msg.bytes()),
  error: fn([0, 0], (_a, c) => c.msg.error ?? null),
  errored: fn([0, 0], (_a, c) => c.msg.error !== undefined),
  batch_index: fn([0, 0], (_a, c) => c.index),
  batch_size: fn([0, 0], (_a, c) => c.batch.length),
  count: fn([1, 1], ([name]) => {
    const k = asString(name as Result, 'count()');
    const n = (counters.get(k) ?? 0) + 1;
    counters.set(k, n);
    return n;
  }),
  timestamp_unix: fn([0, 0], () => Math.floor(Date.now() / 1000)),
  timestamp_unix_milli: fn([0, 0], () => Date.now()),
  timestamp_unix_nano: fn([0, 0], () => {
    const n = nowNanos();
    return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }),
  now: fn([0, 0], () => new Date().toISOString()),
  uuid_v4: fn([0, 0], () => randomUUID()),
  hostname: fn([0, 0], () => (cachedHostname ??= hostname())),
  env: fn([1, 1], ([name]) => process.env[asString(name as Result, 'env()')] ?? null),
  deleted: fn([0, 0], () => DELETED),
  nothing: fn([0, 0], () => NOTHING),
  throw: fn([1, 1], ([why]) => {
    throw new ExprRuntimeError(asString(why as Result, 'throw()'));
  }),
  range: fn([2, 3], ([start, stop, step]) => {
    const a = asInt(start as Result, 'range() start');
    const b = asInt(stop as Result, 'range() stop');
    const s = step === undefined ? (a <= b ? 1 : -1) : asInt(step, 'range() step');
    if (s === 0) throw new ExprRuntimeError('range(): step must not be 0');
    const out: number[] = [];
    for (let i = a; s > 0 ? i < b : i > b; i += s) {
      out.push(i);
      if (out.length > 1_000_000) throw new ExprRuntimeError('range(): more than 1000000 elements');
    }
    return out;
  }),
}), {
  meta: ['key'],
  metadata: ['key'],
  json: ['path'],
  count: ['name'],
  env: ['name'],
  throw: ['why'],
  range: ['start', 'stop', 'step'],
});
