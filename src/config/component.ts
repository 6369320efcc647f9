import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { ErrorCode } from '../core/errors.js';
import type { ComponentConf, ComponentKind, ComponentSpec, SpecProblem } from '../core/spec.js';
import type { ComponentCatalog } from './catalog.js';
import { describe, isNull } from './field-hints.js';
import { checkObject, checkValue, INVALID, type CheckContext } from './fields.js';
import { locateIn } from './locate.js';
import { at, childPath } from './source.js';
import { closeMatches, didYouMean } from './suggest.js';

/** A `resource: NAME` found while parsing; checked once all resources are known. */
export interface ResourceRef {
  kind: ComponentKind;
  name: string;
  offset: number | undefined;
  path: string;
}

export interface ComponentContext extends CheckContext {
  catalog: ComponentCatalog;
  refs: ResourceRef[];
}

/** Connect's rule for labels. */
const LABEL = /^[a-z0-9][a-z0-9_]*$/;

const EXAMPLE: Record<ComponentKind, string> = {
  input: 'http_server: { path: /hello }',
  processor: 'mapping: root = content().uppercase()',
  output: 'sync_response: {}',
};

/**
 * Parses one component as written in a pipeline: an object with exactly one
 * type key (plus `label`, and `processors` on inputs and outputs), checked
 * against the spec the catalog has for that type. `resource: NAME` is handled
 * here for every kind. Returns undefined after reporting when anything is wrong.
 */
export function parseComponent(ctx: ComponentContext, node: Node | null, kind: ComponentKind, path: string, anchor: number | undefined): ComponentConf | undefined {
  const here = node?.range?.[0] ?? anchor;
  const fail = (code: ErrorCode, message: string, offset: number | undefined, p: string, hint?: string): undefined => {
    ctx.diags.error(code, message, at(ctx.src, offset, p), hint);
    return undefined;
  };
  if (!isMap(node)) {
    const named = isScalar(node) && typeof node.value === 'string' && ctx.catalog.lookup(kind, node.value) ? node.value : undefined;
    const hint = named ? `write it as an object: { ${named}: {} }` : `write it as an object with one ${kind} type, e.g. ${EXAMPLE[kind]}`;
    return fail(ErrorCode.WrongType, `expected ${article(kind)} ${kind}, got ${describe(node)}`, here, path, hint);
  }
  let label: string | undefined;
  let processors: ComponentConf[] = [];
  let ok = true;
  const typePairs: Pair[] = [];
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (key === 'label') {
      const labelAt = value?.range?.[0] ?? (pair.key as Node).range?.[0];
      if (!isScalar(value) || typeof value.value !== 'string' || !LABEL.test(value.value)) {
        fail(ErrorCode.InvalidValue, `invalid label ${isScalar(value) ? JSON.stringify(value.value) : describe(value)}`, labelAt, childPath(path, 'label'), 'labels use lower-case letters, digits and underscores, e.g. label: my_input');
        ok = false;
      } else label = value.value;
    } else if (key === 'processors' && kind !== 'processor') {
      const list = parseProcessorList(ctx, value, childPath(path, 'processors'), (pair.key as Node).range?.[0]);
      if (list) processors = list;
      else ok = false;
    } else typePairs.push(pair);
  }
  if (typePairs.length === 0) {
    return fail(ErrorCode.MissingField, `no ${kind} type given`, here, path, `add one key naming the ${kind}, e.g. ${EXAMPLE[kind]}`);
  }
  if (typePairs.length > 1) {
    const names = typePairs.map((p) => `'${String((p.key as { value?: unknown }).value)}'`);
    const second = (typePairs[1]?.key as Node).range?.[0];
    const extras = typePairs.map((p) => String((p.key as { value?: unknown }).value));
    const reserved = kind === 'processor' ? ['label'] : ['label', 'processors'];
    const typo = extras.map((k) => didYouMean(k, reserved)).find((h) => h !== undefined);
    const hint = typo ?? (kind === 'processor' ? 'write each processor as its own list item' : `combine several ${kind}s with a broker, or indent the extra keys under the type`);
    return fail(ErrorCode.InvalidValue, `${article(kind)} ${kind} has exactly one type key, found ${names.join(' and ')}`, second, childPath(path, extras[1] as string), hint);
  }
  const pair = typePairs[0] as Pair;
  const keyNode = pair.key as Node;
  const type = String((keyNode as { value?: unknown }).value);
  const keyAt = keyNode.range?.[0];
  const typePath = childPath(path, type);
  const valueNode = pair.value as Node | null;
  let config: unknown;
  let lint: ComponentSpec['lint'];
  if (type === 'resource') {
    if (!isScalar(valueNode) || typeof valueNode.value !== 'string' || valueNode.value === '') {
      return fail(ErrorCode.WrongType, `expected a resource label, got ${describe(valueNode)}`, valueNode?.range?.[0] ?? keyAt, typePath, `write resource: NAME, naming a label in ${kind}_resources`);
    }
    config = valueNode.value;
    ctx.refs.push({ kind, name: valueNode.value, offset: valueNode.range?.[0], path: typePath });
  } else {
    const spec = ctx.catalog.lookup(kind, type);
    if (!spec) return fail(ErrorCode.UnknownComponent, unknownMessage(ctx.catalog, kind, type), keyAt, typePath, unknownHint(ctx.catalog, kind, type));
    lint = spec.lint?.bind(spec);
    if (spec.value) {
      if (!isNull(valueNode)) config = checkValue(ctx, valueNode as Node, spec.value, typePath, keyAt);
      else if (spec.value.default !== undefined) config = checkValue(ctx, ctx.src.doc.createNode(spec.value.default) as Node, spec.value, typePath, keyAt, true);
      else config = missingValue(ctx, type, keyAt, typePath);
    } else if (spec.fields) config = checkObject(ctx, valueNode, spec.fields, typePath, type, keyAt);
    else config = isNull(valueNode) ? {} : (valueNode as Node).toJSON();
  }
  if (config === INVALID) return undefined;
  const src = ctx.src;
  const locate = (rel: string) => locateIn(src, valueNode, typePath, rel, keyAt);
  // Cross-field checks run only on a config whose fields all passed.
  for (const problem of runLint(lint, config, type, ctx.src.file)) {
    const report = problem.severity === 'warning' ? ctx.diags.warn : ctx.diags.error;
    report.call(ctx.diags, ErrorCode.InvalidValue, problem.message, locate(problem.path), problem.hint);
    if (problem.severity === 'error') ok = false;
  }
  if (!ok) return undefined;
  const conf: ComponentConf = {
    kind,
    type,
    config,
    processors,
    location: at(src, keyAt, typePath),
    locate,
  };
  if (label !== undefined) conf.label = label;
  return conf;
}

/** A list of processors (`pipeline.processors`, an input's `processors`). */
export function parseProcessorList(ctx: ComponentContext, node: Node | null, path: string, anchor: number | undefined): ComponentConf[] | undefined {
  if (isNull(node)) return [];
  if (!isSeq(node)) {
    ctx.diags.error(ErrorCode.WrongType, `expected a list of processors, got ${describe(node)}`, at(ctx.src, node?.range?.[0] ?? anchor, path), `write each processor as a list item: - ${EXAMPLE.processor}`);
    return undefined;
  }
  let ok = true;
  const out: ComponentConf[] = [];
  node.items.forEach((item, i) => {
    const c = parseComponent(ctx, item as Node | null, 'processor', childPath(path, i), node.range?.[0]);
    if (c) out.push(c);
    else ok = false;
  });
  return ok ? out : undefined;
}

function missingValue(ctx: ComponentContext, type: string, offset: number | undefined, path: string): typeof INVALID {
  ctx.diags.error(ErrorCode.MissingField, `${type} needs a value`, at(ctx.src, offset, path), `write the value after the key: ${type}: ...`);
  return INVALID;
}

// A spec's lint is component code: if it throws, that is reported, not fatal to loading.
function runLint(lint: ComponentSpec['lint'], config: unknown, type: string, file: string): SpecProblem[] {
  if (!lint) return [];
  try {
    return lint(config, { file });
  } catch (err) {
    return [{ severity: 'error', message: `checking ${type} failed: ${err instanceof Error ? err.message : String(err)}`, path: '' }];
  }
}

function unknownMessage(catalog: ComponentCatalog, kind: ComponentKind, type: string): string {
  const other = (['input', 'processor', 'output'] as const).find((k) => k !== kind && catalog.lookup(k, type));
  if (other) return `'${type}' is ${article(other)} ${other}, not ${article(kind)} ${kind}`;
  return `unknown ${kind} '${type}'`;
}

function unknownHint(catalog: ComponentCatalog, kind: ComponentKind, type: string): string {
  const close = closeMatches(type, catalog.names(kind));
  const plugins = catalog.plugins();
  const known = plugins.length > 0 ? `known plugins: ${plugins.join(', ')}` : 'no plugins were found (a plugin is a folder holding plugin.yaml)';
  return close.length > 0 ? `did you mean ${close.map((c) => `'${c}'`).join(' or ')}? ${known}` : known;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
