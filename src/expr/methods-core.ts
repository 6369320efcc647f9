import { createHash } from 'node:crypto';
import { parseJSON, toJSON } from '../core/json.js';
import { Double, textDecoder, textEncoder, type Value } from '../core/value.js';
import { ExprRuntimeError } from './errors.js';
import type { Node } from './ast.js';
import { type MethodSpec, simpleMethod } from './registry.js';
import { type Ctx, NOTHING, type Result, asInt, asNumber, asString, kindOf, toText, typeError } from './runtime.js';

function parseNumber(v: Result): number | bigint | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof Double) return v.value;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || v instanceof Uint8Array) {
    const s = (typeof v === 'string' ? v : textDecoder.decode(v)).trim();
    if (s === '') return undefined;
    const n = Number(s);
    if (Number.isNaN(n)) return undefined;
    // Integers beyond 2^53 stay exact, as Bloblang's int64 would keep them.
    return Number.isSafeInteger(n) || !/^-?\d+$/.test(s) ? n : BigInt(s);
  }
  return undefined;
}

const HASHES = new Set(['md5', 'sha1', 'sha256', 'sha512']);
const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

function parseBool(v: Result): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Double) return Number(v) !== 0;
  if (typeof v === 'string' || v instanceof Uint8Array) {
    const s = typeof v === 'string' ? v : textDecoder.decode(v);
    return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
  }
  return undefined;
}

/** A method whose target is evaluated under a try: what it does with an error is the point. */
function guarded(arity: [number, number], body: (target: (c: Ctx) => Result, args: Array<(c: Ctx) => Result>) => (c: Ctx) => Result): MethodSpec {
  return {
    arity,
    compile(target, args, cx) {
      return body(target, args.map((a) => cx.expr(a)));
    },
  };
}

export const CORE_METHODS: Record<string, MethodSpec> = {
  string: simpleMethod([0, 0], (v) => toText(v)),
  bytes: simpleMethod([0, 0], (v) => (v instanceof Uint8Array ? v : textEncoder.encode(toText(v)))),
  number: simpleMethod([0, 1], (v, [d], n) => {
    const x = parseNumber(v);
    if (x !== undefined) return x;
    if (d !== undefined) return d;
    throw typeError('number', v, n);
  }, 'number()'),
  bool: simpleMethod([0, 1], (v, [d], n) => {
    const x = parseBool(v);
    if (x !== undefined) return x;
    if (d !== undefined) return d;
    throw typeError('bool', v, n);
  }, 'bool()'),
  type: simpleMethod([0, 0], (v) => kindOf(v)),
  not_null: simpleMethod([0, 1], (v, [msg], n) => {
    if (v !== null && v !== NOTHING) return v;
    throw new ExprRuntimeError(msg === undefined ? `${n}: value is null` : asString(msg, n));
  }, 'not_null()'),
  parse_json: simpleMethod([0, 0], (v, _a, n) => {
    const s = asString(v, n);
    try {
      return parseJSON(s);
    } catch (err) {
      throw new ExprRuntimeError(`${n}: failed to parse value as JSON: ${(err as Error).message}`);
    }
  }, 'parse_json()'),
  format_json: simpleMethod([0, 2], (v, [indent, noIndent], n) => {
    const ind = indent === undefined ? '    ' : asString(indent, n);
    const flat = noIndent === true;
    if (v instanceof Uint8Array) return JSON.stringify(textDecoder.decode(v));
    return toJSON(v as Value, flat ? '' : ind);
  }, 'format_json()'),
  abs: simpleMethod([0, 0], (v, _a, n) => (typeof v === 'bigint' ? (v < 0n ? -v : v) : Math.abs(asNumber(v, n))), 'abs()'),
  floor: simpleMethod([0, 0], (v, _a, n) => (typeof v === 'bigint' ? v : Math.floor(asNumber(v, n))), 'floor()'),
  ceil: simpleMethod([0, 0], (v, _a, n) => (typeof v === 'bigint' ? v : Math.ceil(asNumber(v, n))), 'ceil()'),
  round: simpleMethod([0, 0], (v, _a, n) => (typeof v === 'bigint' ? v : roundHalfAway(asNumber(v, n))), 'round()'),
  encode: simpleMethod([1, 1], (v, [scheme], n) => {
    const s = asString(scheme as Result, n);
    const buf = Buffer.from(v instanceof Uint8Array ? v : textEncoder.encode(asString(v, n)));
    if (s === 'base64' || s === 'hex' || s === 'base64url') return buf.toString(s);
    throw new ExprRuntimeError(`${n}: unknown scheme ${JSON.stringify(s)}: expected base64, base64url or hex`);
  }, 'encode()'),
  decode: simpleMethod([1, 1], (v, [scheme], n) => {
    const s = asString(scheme as Result, n);
    if (s !== 'base64' && s !== 'hex' && s !== 'base64url') throw new ExprRuntimeError(`${n}: unknown scheme ${JSON.stringify(s)}: expected base64, base64url or hex`);
    return new Uint8Array(Buffer.from(asString(v, n), s));
  }, 'decode()'),
  hash: simpleMethod([1, 1], (v, [algo], n) => {
    const a = asString(algo as Result, n);
    if (!HASHES.has(a)) throw new ExprRuntimeError(`${n}: unknown algorithm ${JSON.stringify(a)}: expected one of ${[...HASHES].join(', ')}`);
    const data = v instanceof Uint8Array ? v : textEncoder.encode(asString(v, n));
    return new Uint8Array(createHash(a).update(data).digest());
  }, 'hash()'),
  /**
   * `catch(fallback)`: the fallback when the target fails. A lambda fallback
   * receives the error message: `.catch(err -> {"error": err})`.
   */
  catch: {
    arity: [1, 1],
    compile(target, args, cx) {
      const arg = args[0] as Node;
      if (arg.k === 'lambda') {
        const handler = cx.contextFn(arg);
        return (c) => {
          try {
            return target(c);
          } catch (err) {
            return handler(c, err instanceof Error ? err.message : String(err));
          }
        };
      }
      const fallback = cx.expr(arg);
      return (c) => {
        try {
          return target(c);
        } catch {
          return fallback(c);
        }
      };
    },
  },
  /** `or(fallback)`: the fallback when the target fails or is null. */
  or: guarded([1, 1], (target, [fb]) => {
    const fallback = fb as (c: Ctx) => Result;
    return (c) => {
      let v: Result;
      try {
        v = target(c);
      } catch {
        return fallback(c);
      }
      return v === null || v === NOTHING ? fallback(c) : v;
    };
  }),
  /** `from(i)`: the target evaluated as if message i of the batch were the current one. */
  from: {
    arity: [1, 1],
    compile(target, args, cx) {
      const idx = cx.expr(args[0] as Node);
      return (c) => {
        const i = asInt(idx(c), 'from()');
        if (i < 0 || i >= c.batch.length) throw new ExprRuntimeError(`from(): index ${i} is outside the batch (size ${c.batch.length})`);
        return target(c.atIndex(i));
      };
    },
  },
  /** `from_all()`: the target evaluated for every message of the batch, as an array. */
  from_all: {
    arity: [0, 0],
    compile(target) {
      return (c) => c.batch.map((_m, i) => {
        const v = target(c.atIndex(i));
        return v === NOTHING ? null : (v as Value);
      });
    },
  },
};

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

