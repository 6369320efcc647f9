import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { parseDuration } from '../core/duration.js';
import { ErrorCode } from '../core/errors.js';
import type { ComponentConf, ComponentKind, FieldSpec } from '../core/spec.js';
import type { Diagnostics } from './diagnostics.js';
import { compileField, type ExprCompilers } from './expressions.js';
import { scalarOffsets } from './scalar-offsets.js';
import { at, childPath, type YamlSource } from './source.js';
import { describe, example, fieldsHint, isNull, lastKey, numberHint, typeWord } from './field-hints.js';
import { didYouMean } from './suggest.js';
import { yamlNumber, yamlValue } from './yaml-value.js';
import { double } from '../core/value.js';

/** Everything field checking needs; one per file being loaded. */
export interface CheckContext {
  src: YamlSource;
  diags: Diagnostics;
  expr: ExprCompilers;
  /** Scalars whose text `${VAR}` substitution changed: their characters no longer line up with the file. */
  envChanged: WeakSet<Scalar>;
  /** Parses a nested component, for fields of type input/processor/output. */
  component(node: Node | null, kind: ComponentKind, path: string, anchor: number | undefined): ComponentConf | undefined;
  /** Unknown keys are warned about (with a did-you-mean) and ignored instead of rejected: plugin.yaml, as Connect reads it. */
  unknownKeysWarn?: boolean;
}

/** Returned (after reporting) for a value that failed its check. */
export const INVALID: unique symbol = Symbol('invalid');
type Checked = unknown;

/**
 * Checks a mapping against field specs: unknown keys are rejected with a
 * did-you-mean hint, absent fields take their default or are reported
 * missing, and each value is checked and converted (durations to ms,
 * expressions compiled, nested components parsed). One function serves
 * plugin fields and built-in specs alike.
 *
 * `anchor` is where a missing field is reported: the key that owns the
 * mapping. A null node (`http_server:` with nothing after it) is an empty mapping.
 */
export function checkObject(
  ctx: CheckContext,
  node: Node | null | undefined,
  fields: readonly FieldSpec[],
  path: string,
  owner: string,
  anchor: number | undefined,
): Record<string, unknown> | typeof INVALID {
  const here = node?.range?.[0] ?? anchor;
  if (node && !isNull(node) && !isMap(node)) {
    report(ctx, ErrorCode.WrongType, `expected an object of fields for ${owner}, got ${describe(node)}`, here, path, fieldsHint(fields));
    return INVALID;
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  const present = new Map<string, number | undefined>();
  const written = new Set<string>();
  let ok = true;
  for (const pair of isMap(node) ? node.items : []) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    const keyAt = keyNode?.range?.[0] ?? here;
    if (key === undefined) {
      report(ctx, ErrorCode.InvalidValue, `keys in ${owner} must be plain names`, keyAt, path);
      ok = false;
      continue;
    }
    const spec = byName.get(key);
    const keyPath = childPath(path, key);
    if (!spec) {
      const hint = key === '<<' ? 'YAML merge keys are not supported: write the fields out' : (didYouMean(key, byName.keys()) ?? fieldsHint(fields));
      if (ctx.unknownKeysWarn && key !== '<<') {
        ctx.diags.warn(ErrorCode.UnknownField, `unknown field '${key}' in ${owner} is ignored`, at(ctx.src, keyAt, keyPath), hint);
        continue;
      }
      report(ctx, ErrorCode.UnknownField, `unknown field '${key}' in ${owner}`, keyAt, keyPath, hint);
      ok = false;
      continue;
    }
    const value = pair.value as Node | null;
    if (value === null || isNull(value)) {
      present.set(key, keyAt);
      continue;
    }
    written.add(key);
    const v = checkValue(ctx, value, spec, keyPath, keyAt);
    if (v === INVALID) ok = false;
    else out[key] = v;
  }
  for (const spec of fields) {
    if (written.has(spec.name)) continue;
    if (spec.default !== undefined && spec.type === 'unknown') {
      out[spec.name] = spec.default; // a manifest's default, already typed by yamlValue
    } else if (spec.default !== undefined) {
      const v = checkValue(ctx, ctx.src.doc.createNode(spec.default) as Node, spec, childPath(path, spec.name), present.get(spec.name) ?? anchor, true);
      if (v === INVALID) ok = false;
      else out[spec.name] = v;
    } else if (!spec.optional) {
      const where = present.has(spec.name) ? present.get(spec.name) : anchor;
      report(ctx, ErrorCode.MissingField, `missing required field '${spec.name}' in ${owner}`, where, childPath(path, spec.name), `add ${spec.name}: ${spec.kind === 'list' ? `[ ${example(spec)} ]` : spec.kind === 'map' ? `{ key: ${example(spec)} }` : example(spec)}`);
      ok = false;
    }
  }
  return ok ? out : INVALID;
}

/** Checks one value (of any kind: scalar, list or map) against its spec. */
export function checkValue(ctx: CheckContext, node: Node, spec: FieldSpec, path: string, anchor: number | undefined, fromDefault = false): Checked {
  const here = node.range?.[0] ?? anchor;
  const kind = spec.kind ?? 'scalar';
  if (kind === 'list') {
    if (!isSeq(node)) {
      const item = isScalar(node) && node.value !== null ? String(node.source ?? node.value) : example(spec);
      report(ctx, ErrorCode.WrongType, `expected a list of ${typeWord(spec)}, got ${describe(node)}`, here, path, `write a list: ${spec.name}: [ ${item} ]`);
      return INVALID;
    }
    let ok = true;
    const out = node.items.map((item, i) => {
      const v = checkOne(ctx, item as Node, spec, childPath(path, i), here, fromDefault);
      if (v === INVALID) ok = false;
      return v;
    });
    return ok ? out : INVALID;
  }
  if (kind === 'map') {
    if (!isMap(node)) {
      report(ctx, ErrorCode.WrongType, `expected a map of ${typeWord(spec)}, got ${describe(node)}`, here, path, `write ${spec.name}: { key: ${example(spec)} }`);
      return INVALID;
    }
    let ok = true;
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const v = checkOne(ctx, pair.value as Node, spec, childPath(path, key), here, fromDefault);
      if (v === INVALID) ok = false;
      else out[key] = v;
    }
    return ok ? out : INVALID;
  }
  return checkOne(ctx, node, spec, path, anchor, fromDefault);
}

function checkOne(ctx: CheckContext, node: Node | null, spec: FieldSpec, path: string, anchor: number | undefined, fromDefault: boolean): Checked {
  const here = node?.range?.[0] ?? anchor;
  const wrong = (expected: string, hint?: string): typeof INVALID => {
    report(ctx, ErrorCode.WrongType, `expected ${expected}, got ${describe(node)}`, here, path, hint);
    return INVALID;
  };
  let value: unknown;
  switch (spec.type) {
    case 'input':
    case 'processor':
    case 'output':
      return ctx.component(node, spec.type, path, here) ?? INVALID;
    case 'object':
      if (!spec.fields) {
        if (!isMap(node) && !isNull(node)) return wrong('an object');
        return node ? yamlValue(node) : {};
      }
      return checkObject(ctx, node, spec.fields, path, spec.name, here);
    case 'unknown':
      return yamlValue(node);
    case 'string':
      if (!isScalar(node) || typeof node.value !== 'string') {
        const quote = isScalar(node) && node.value !== null ? `put it in quotes: ${lastKey(path, spec.name)}: "${String(node.source ?? node.value)}"` : undefined;
        return wrong('a string', quote);
      }
      if (spec.parse) return parseText(ctx, spec.parse, node, path, anchor, fromDefault);
      value = node.value;
      break;
    case 'int': {
      const n = numberOf(node);
      if (n === undefined || !Number.isInteger(n)) return wrong('an integer', numberHint(node));
      value = Number.isSafeInteger(n) || !isScalar(node) ? n : yamlNumber(node);
      break;
    }
    case 'float': {
      const n = numberOf(node);
      if (n === undefined) return wrong('a number', numberHint(node));
      // A float field is a double on the wire even when written `1` (Connect sends double_value).
      value = double(n);
      break;
    }
    case 'bool':
      if (!isScalar(node) || typeof node.value !== 'boolean') return wrong('true or false', 'write true or false without quotes');
      value = node.value;
      break;
    case 'duration': {
      const hint = 'expected a duration like 5s or 100ms (units: ns, us, ms, s, m, h)';
      if (isScalar(node) && typeof node.value === 'number' && (node.value === 0 || fromDefault)) return node.value;
      if (isScalar(node) && typeof node.value === 'number') return wrong('a duration', `durations need a unit: write ${node.value}s for seconds or ${node.value}ms for milliseconds`);
      if (!isScalar(node) || typeof node.value !== 'string') return wrong('a duration', hint);
      if (spec.parse) return parseText(ctx, spec.parse, node, path, anchor, fromDefault);
      const ms = parseDuration(node.value);
      if (ms === undefined) {
        report(ctx, ErrorCode.InvalidValue, `'${node.value}' is not a duration`, here, path, hint);
        return INVALID;
      }
      return ms;
    }
  }
  if (spec.enum && !spec.enum.includes(value as string)) {
    const hint = didYouMean(String(value), spec.enum) ?? `use one of: ${spec.enum.join(', ')}`;
    report(ctx, ErrorCode.InvalidValue, `'${String(value)}' is not a valid ${spec.name}; expected one of ${spec.enum.join(', ')}`, here, path, hint);
    return INVALID;
  }
  if (spec.check) {
    const problem = spec.check(value);
    if (problem !== undefined) {
      report(ctx, ErrorCode.InvalidValue, problem, here, path);
      return INVALID;
    }
  }
  if (typeof value === 'string' && (spec.interpolated || spec.expression)) {
    const scalar = node as Scalar;
    const compiled = compileField(ctx.expr, spec.expression ?? 'interpolation', value, {
      src: ctx.src,
      diags: ctx.diags,
      node: fromDefault ? undefined : scalar,
      exact: !ctx.envChanged.has(scalar),
      path,
      fallback: anchor,
    });
    return compiled.ok ? compiled.value : INVALID;
  }
  return value;
}

// A field's own reader (spec.parse): its error points into the string where it can.
function parseText(ctx: CheckContext, parse: (text: string) => unknown, node: Scalar, path: string, anchor: number | undefined, fromDefault: boolean): Checked {
  const text = node.value as string;
  try {
    return parse(text);
  } catch (err) {
    const e = err as { offset?: unknown; hint?: unknown };
    let offset = fromDefault ? anchor : (node.range?.[0] ?? anchor);
    if (!fromDefault && typeof e.offset === 'number' && !ctx.envChanged.has(node)) offset = scalarOffsets(ctx.src.text, node)(e.offset);
    report(ctx, ErrorCode.InvalidValue, err instanceof Error ? err.message : String(err), offset, path, typeof e.hint === 'string' ? e.hint : undefined);
    return INVALID;
  }
}

function report(ctx: CheckContext, code: ErrorCode, message: string, offset: number | undefined, path: string, hint?: string): void {
  ctx.diags.error(code, message, at(ctx.src, offset, path), hint);
}


/**
 * A plain scalar's number. Also reads digit separators (`5_000_000`), which
 * YAML 1.2 parses as a string but Go's YAML (and so Redpanda Connect, whose
 * docs use them) reads as a number.
 */
function numberOf(node: Node | null): number | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'number') return node.value;
  if (typeof node.value === 'string' && node.type === 'PLAIN' && /^[-+]?\d+(_\d+)+(\.\d+)?$/.test(node.value)) return Number(node.value.replaceAll('_', ''));
  return undefined;
}
