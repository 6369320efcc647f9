import { basename, extname, resolve } from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { ConfigError, ErrorCode } from '../core/errors.js';
import type { ComponentConf, ComponentKind, FieldSpec, StreamConf } from '../core/spec.js';
import type { ComponentCatalog } from './catalog.js';
import { parseComponent, type ComponentContext } from './component.js';
import { Diagnostics, type LoadResult } from './diagnostics.js';
import { defaultExprCompilers } from './default-expr.js';
import { interpolateEnv, type EnvLookup } from './env.js';
import type { ExprCompilers } from './expressions.js';
import { describe, isNull } from './field-hints.js';
import { checkObject, checkValue, INVALID } from './fields.js';
import { parseRateLimits, resolveRateLimitRefs } from './rate-limits.js';
import { parseResources, resolveRefs } from './resources.js';
import { at, parseYaml } from './source.js';
import { readConfigText } from './read-text.js';
import { didYouMean } from './suggest.js';

export interface StreamOptions {
  /** Built-in components and plugins the pipeline may use. */
  catalog: ComponentCatalog;
  /** The stream's id; default: the file name without extension. */
  id?: string;
  /** Environment for `${VAR}`; default: process.env. */
  env?: EnvLookup;
  /** Expression compilers; default: src/expr. */
  expr?: ExprCompilers;
}

const PIPELINE_FIELDS: FieldSpec[] = [
  {
    name: 'threads',
    type: 'int',
    default: -1,
    description: 'Processing threads; -1 means one per CPU.',
    check: (v) => (v === -1 || (typeof v === 'number' && v >= 1) ? undefined : 'threads must be -1 (one per CPU) or at least 1'),
  },
  { name: 'processors', type: 'processor', kind: 'list', default: [] },
];

/** Redpanda Connect's top-level `shutdown_timeout` (same name, format and default). */
export const SHUTDOWN_TIMEOUT_FIELD: FieldSpec = {
  name: 'shutdown_timeout',
  type: 'duration',
  default: 20_000,
  description: 'How long stopping the stream may take (SIGTERM, reload); after it, pending batches are nacked and components force-closed.',
};

/**
 * hotplug's own top-level `unhandled_errors`: what happens to a message still
 * flagged with an error at the end of the pipeline. `fail` (the default):
 * it is not delivered and its input batch is nacked (an HTTP request gets
 * 500/503/504 with the error). `pass_through`: Redpanda Connect's behaviour,
 * the flagged message flows on to the output like any other.
 */
export const UNHANDLED_ERRORS_FIELD: FieldSpec = {
  name: 'unhandled_errors',
  type: 'string',
  default: 'fail',
  enum: ['fail', 'pass_through'],
  description:
    "What happens to a message still flagged with an error at the end of the pipeline (not handled by catch, try or a switch on errored()): 'fail' (default) does not deliver it and nacks it (an HTTP request is answered 500, 503 or 504 with the error); 'pass_through' sends it on to the output as Redpanda Connect does.",
};

/**
 * Top-level keys of Redpanda Connect configs that hotplug does not implement.
 * They are accepted with a warning so existing files load; a misspelt key is
 * still an error.
 */
export const IGNORED_TOP_LEVEL: Readonly<Record<string, string>> = {
  http: 'hotplug serves every stream on one shared HTTP server; set it with --host and --port',
  logger: 'hotplug logs with pino; set the level with --log-level or HOTPLUG_LOG_LEVEL',
  metrics: 'hotplug always serves Prometheus metrics at GET /metrics',
  tracer: 'tracing is not supported',
  buffer: 'buffers are not supported; use batching on the output instead',
  cache_resources: 'caches are not supported',
  shutdown_delay: 'hotplug drains streams on SIGTERM without a config delay',
};

/** Accepted silently: used by tooling (`hotplug test`), not by the running stream. */
const TOOLING_TOP_LEVEL = new Set(['tests']);

const HANDLED = ['input', 'pipeline', 'output', 'input_resources', 'processor_resources', 'output_resources', 'rate_limit_resources', 'shutdown_timeout', 'unhandled_errors'];

/** Checks a pipeline file's text; `value` is set when there were no errors. */
export function checkStream(text: string, file: string, opts: StreamOptions): LoadResult<StreamConf> {
  const diags = new Diagnostics();
  const src = parseYaml(text, file, diags);
  if (diags.errorCount > 0) return { value: undefined, diagnostics: diags.sorted() };
  const envChanged = interpolateEnv(src, opts.env ?? ((name) => process.env[name]), diags);
  const ctx: ComponentContext = {
    src,
    diags,
    expr: opts.expr ?? defaultExprCompilers,
    envChanged,
    catalog: opts.catalog,
    refs: [],
    component: (node, kind, path, anchor) => parseComponent(ctx, node, kind, path, anchor),
  };
  const root = src.doc.contents as Node | null;
  if (isNull(root) || !isMap(root)) {
    const what = isNull(root) ? 'the file is empty' : `expected a pipeline object, got ${describe(root)}`;
    diags.error(ErrorCode.MissingField, `not a pipeline: ${what}`, at(src, root?.range?.[0] ?? 0), 'a pipeline has input:, pipeline: { processors: [] } and output:');
    return { value: undefined, diagnostics: diags.sorted() };
  }
  const nodes = new Map<string, { key: Node; value: Node | null }>();
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const keyNode = pair.key as Node;
    if (HANDLED.includes(key)) nodes.set(key, { key: keyNode, value: pair.value as Node | null });
    else if (key in IGNORED_TOP_LEVEL) diags.warn(ErrorCode.UnknownField, `'${key}' is ignored by hotplug`, at(src, keyNode, key), IGNORED_TOP_LEVEL[key]);
    else if (!TOOLING_TOP_LEVEL.has(key)) {
      const known = [...HANDLED, ...Object.keys(IGNORED_TOP_LEVEL), ...TOOLING_TOP_LEVEL];
      diags.error(ErrorCode.UnknownField, `unknown top-level field '${key}'`, at(src, keyNode, key), didYouMean(key, known) ?? `a pipeline has ${HANDLED.join(', ')}`);
    }
  }
  const resources = {
    inputs: parseResources(ctx, 'input', nodes.get('input_resources')),
    processors: parseResources(ctx, 'processor', nodes.get('processor_resources')),
    outputs: parseResources(ctx, 'output', nodes.get('output_resources')),
    rateLimits: parseRateLimits(ctx, nodes.get('rate_limit_resources')),
  };
  const input = required(ctx, nodes, 'input');
  const output = required(ctx, nodes, 'output');
  const p = nodes.get('pipeline');
  const pipeline = checkObject(ctx, p?.value, PIPELINE_FIELDS, 'pipeline', 'pipeline', p?.key.range?.[0]);
  const shutdownTimeout = shutdownTimeoutOf(ctx, nodes.get('shutdown_timeout'));
  const unhandled = unhandledErrorsOf(ctx, nodes.get('unhandled_errors'));
  resolveRefs(ctx, resources);
  resolveRateLimitRefs(ctx, [input, output, ...(pipeline === INVALID ? [] : (pipeline['processors'] as ComponentConf[]))].filter((c) => c !== undefined), resources, resources.rateLimits);
  if (diags.errorCount > 0 || !input || !output || pipeline === INVALID || shutdownTimeout === INVALID || unhandled === INVALID) return { value: undefined, diagnostics: diags.sorted() };
  const stream: StreamConf = {
    id: opts.id ?? basename(file, extname(file)),
    file,
    input,
    threads: pipeline['threads'] as number,
    processors: pipeline['processors'] as ComponentConf[],
    output,
    resources,
    ...(shutdownTimeout !== undefined && { shutdownTimeoutMs: shutdownTimeout }),
    ...(unhandled === 'pass_through' && { unhandledErrors: 'pass_through' as const }),
  };
  return { value: stream, diagnostics: diags.sorted() };
}

/** Reads and checks a pipeline file; an unreadable file is a diagnostic too. `text` is what was checked. */
export function readStream(file: string, opts: StreamOptions): LoadResult<StreamConf> & { text?: string } {
  const abs = resolve(file);
  const read = readConfigText(abs, 'pipeline');
  if ('error' in read) return { value: undefined, diagnostics: [read.error] };
  return { ...checkStream(read.text, abs, opts), text: read.text };
}

/** Loads a pipeline file, throwing a ConfigError with every problem when it has errors. */
export function loadStream(file: string, opts: StreamOptions): StreamConf {
  const res = readStream(file, opts);
  if (!res.value) throw new ConfigError(res.diagnostics);
  return res.value;
}

/** The `shutdown_timeout` duration in ms; undefined when absent (or `shutdown_timeout:` with nothing), so the host's default applies. */
function shutdownTimeoutOf(ctx: ComponentContext, entry: { key: Node; value: Node | null } | undefined): number | undefined | typeof INVALID {
  if (!entry || entry.value === null || isNull(entry.value)) return undefined;
  return checkValue(ctx, entry.value, SHUTDOWN_TIMEOUT_FIELD, 'shutdown_timeout', entry.key.range?.[0]) as number | typeof INVALID;
}

/** `unhandled_errors`: undefined when absent (the default, fail). */
function unhandledErrorsOf(ctx: ComponentContext, entry: { key: Node; value: Node | null } | undefined): string | undefined | typeof INVALID {
  if (!entry || entry.value === null || isNull(entry.value)) return undefined;
  return checkValue(ctx, entry.value, UNHANDLED_ERRORS_FIELD, 'unhandled_errors', entry.key.range?.[0]) as string | typeof INVALID;
}

function required(ctx: ComponentContext, nodes: Map<string, { key: Node; value: Node | null }>, kind: ComponentKind & ('input' | 'output')): ComponentConf | undefined {
  const entry = nodes.get(kind);
  if (!entry) {
    const example = kind === 'input' ? 'input: { http_server: { path: /hello } }' : 'output: { sync_response: {} }';
    ctx.diags.error(ErrorCode.MissingField, `the pipeline has no ${kind}`, at(ctx.src, 0, kind), `add ${example}`);
    return undefined;
  }
  return parseComponent(ctx, entry.value, kind, kind, entry.key.range?.[0]);
}
