import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { ErrorCode } from '../core/errors.js';
import type { ComponentConf, FieldSpec, RateLimitConf, ResourcesConf } from '../core/spec.js';
import type { ComponentContext } from './component.js';
import { describe, isNull } from './field-hints.js';
import { checkObject, INVALID } from './fields.js';
import { locateIn } from './locate.js';
import { at, childPath } from './source.js';
import { didYouMean } from './suggest.js';

const LABEL = /^[a-z0-9][a-z0-9_]*$/;
const PATH = 'rate_limit_resources';

/** One entry of `rate_limit_resources`, as Redpanda Connect writes a `local` rate limit. */
export const RATE_LIMIT_FIELDS: FieldSpec[] = [
  {
    name: 'label',
    type: 'string',
    description: 'The name components use in their `rate_limit` field.',
    check: (v) => (LABEL.test(String(v)) ? undefined : 'labels use lower-case letters, digits and underscores, e.g. label: my_limit'),
  },
  {
    name: 'local',
    type: 'object',
    description: 'At most `count` accesses per `interval` window, shared by every component of the stream that names this label.',
    fields: [
      { name: 'count', type: 'int', default: 1000, description: 'Accesses allowed per interval.', check: (v) => (typeof v === 'number' && v >= 1 ? undefined : 'count must be 1 or more') },
      { name: 'interval', type: 'duration', default: 1000, description: 'The window length (longer than 0).' },
    ],
  },
];

/** `rate_limit_resources: [ { label: x, local: { count, interval } } ]` → label → limit. */
export function parseRateLimits(ctx: ComponentContext, entry: { key: Node; value: Node | null } | undefined): Map<string, RateLimitConf> {
  const out = new Map<string, RateLimitConf>();
  if (!entry || isNull(entry.value)) return out;
  if (!isSeq(entry.value)) {
    ctx.diags.error(ErrorCode.WrongType, `expected a list of rate limits, got ${describe(entry.value)}`, at(ctx.src, entry.value, PATH), `write ${PATH}: [ { label: name, local: { count: 100, interval: 1s } } ]`);
    return out;
  }
  const lines = new Map<string, number | undefined>();
  entry.value.items.forEach((item, i) => {
    const node = item as Node | null;
    const path = childPath(PATH, i);
    if (isMap(node) && !onlyLocal(ctx, node, path)) return;
    const checked = checkObject(ctx, node, RATE_LIMIT_FIELDS, path, 'rate limit', node?.range?.[0] ?? entry.value?.range?.[0]);
    if (checked === INVALID) return;
    const label = checked['label'] as string;
    const local = checked['local'] as { count: number; interval: number };
    // Duration fields take no `check`: a window of 0 would grant nothing, ever.
    if (local.interval <= 0) {
      ctx.diags.error(ErrorCode.InvalidValue, 'interval must be longer than 0', locateIn(ctx.src, node, path, 'local.interval', undefined), 'write the window length, e.g. interval: 1s');
      return;
    }
    const where = locateIn(ctx.src, node, path, 'label', undefined);
    if (out.has(label)) {
      ctx.diags.error(ErrorCode.InvalidValue, `duplicate rate limit label '${label}'`, where, `labels must be unique; the first is at line ${lines.get(label) ?? '?'}`);
      return;
    }
    out.set(label, { label, count: local.count, intervalMs: local.interval, location: locateIn(ctx.src, node, path, 'local', undefined) });
    lines.set(label, where.line);
  });
  return out;
}

// Connect has other rate limit types (redis, ...): name them as unsupported rather than as typos.
function onlyLocal(ctx: ComponentContext, node: Node, path: string): boolean {
  if (!isMap(node)) return true;
  let ok = true;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'label' || key === 'local' || didYouMean(key, ['label', 'local']) !== undefined) continue;
    ctx.diags.error(ErrorCode.UnknownComponent, `unsupported rate limit type '${key}'`, at(ctx.src, pair.key as Node, childPath(path, key)), 'hotplug has local rate limits only: local: { count: 100, interval: 1s }');
    ok = false;
  }
  return ok;
}

/**
 * Reports every `rate_limit: NAME` (on http_server, http_client) that names
 * no rate limit resource, with a did-you-mean hint.
 */
export function resolveRateLimitRefs(ctx: ComponentContext, roots: readonly ComponentConf[], resources: ResourcesConf, limits: ReadonlyMap<string, RateLimitConf>): void {
  const all = [...roots, ...resources.inputs.values(), ...resources.processors.values(), ...resources.outputs.values()];
  const plugins = new Set(ctx.catalog.plugins());
  const names = [...limits.keys()];
  for (const conf of components(all)) {
    if (plugins.has(conf.type)) continue;
    const name = (conf.config as Record<string, unknown> | undefined)?.['rate_limit'];
    if (typeof name !== 'string' || name === '' || limits.has(name)) continue;
    const hint =
      names.length === 0
        ? `there are no ${PATH}; add one: ${PATH}: [ { label: ${name}, local: { count: 100, interval: 1s } } ]`
        : `${didYouMean(name, names) ?? ''} known rate limits: ${names.join(', ')}`.trim();
    ctx.diags.error(ErrorCode.UnknownResource, `unknown rate limit resource '${name}'`, conf.locate('rate_limit'), hint);
  }
}

/** Every component below `roots`: their processors and components nested in their configs (brokers, switch cases). */
function* components(roots: readonly ComponentConf[]): Generator<ComponentConf> {
  const seen = new Set<unknown>();
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      stack.push(...(v as unknown[]));
    } else if (Object.getPrototypeOf(v) === Object.prototype) {
      const o = v as Record<string, unknown>;
      if (isComponent(o)) {
        yield o;
        stack.push(o.config, o.processors);
      } else stack.push(...Object.values(o));
    }
  }
}

function isComponent(o: Record<string, unknown>): o is ComponentConf & Record<string, unknown> {
  return typeof o['kind'] === 'string' && typeof o['type'] === 'string' && typeof o['locate'] === 'function' && Array.isArray(o['processors']);
}
