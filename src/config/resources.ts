import { isSeq, type Node } from 'yaml';
import { ErrorCode } from '../core/errors.js';
import type { ComponentConf, ComponentKind, ResourcesConf } from '../core/spec.js';
import { parseComponent, type ComponentContext } from './component.js';
import { describe, isNull } from './field-hints.js';
import { locateIn } from './locate.js';
import { at, childPath } from './source.js';
import { didYouMean } from './suggest.js';

/** `input_resources: [ { label: x, http_server: {...} } ]` → label → component. Every resource needs a unique label. */
export function parseResources(ctx: ComponentContext, kind: ComponentKind, entry: { key: Node; value: Node | null } | undefined): Map<string, ComponentConf> {
  const out = new Map<string, ComponentConf>();
  const labelLines = new Map<string, number | undefined>();
  if (!entry || isNull(entry.value)) return out;
  const path = `${kind}_resources`;
  if (!isSeq(entry.value)) {
    ctx.diags.error(ErrorCode.WrongType, `expected a list of ${kind}s, got ${describe(entry.value)}`, at(ctx.src, entry.value, path), `write ${path}: [ { label: name, ... } ]`);
    return out;
  }
  entry.value.items.forEach((item, i) => {
    const itemPath = childPath(path, i);
    const conf = parseComponent(ctx, item as Node | null, kind, itemPath, entry.value?.range?.[0]);
    if (!conf) return;
    if (conf.label === undefined) {
      ctx.diags.error(ErrorCode.MissingField, `${kind} resource has no label`, at(ctx.src, item as Node, childPath(itemPath, 'label')), 'add label: NAME, then refer to it with resource: NAME');
      return;
    }
    const where = locateIn(ctx.src, item as Node, itemPath, 'label', undefined);
    if (out.has(conf.label)) {
      ctx.diags.error(ErrorCode.InvalidValue, `duplicate ${kind} resource label '${conf.label}'`, where, `labels must be unique; the first is at line ${labelLines.get(conf.label) ?? '?'}`);
    } else {
      out.set(conf.label, conf);
      labelLines.set(conf.label, where.line);
    }
  });
  return out;
}

/** Reports every `resource: NAME` that names no resource of its kind. */
export function resolveRefs(ctx: ComponentContext, resources: ResourcesConf): void {
  const byKind: Record<ComponentKind, Map<string, ComponentConf>> = { input: resources.inputs, processor: resources.processors, output: resources.outputs };
  for (const ref of ctx.refs) {
    const known = byKind[ref.kind];
    if (known.has(ref.name)) continue;
    const names = [...known.keys()];
    const hint =
      names.length === 0
        ? `there are no ${ref.kind}_resources; add one with label: ${ref.name}`
        : `${didYouMean(ref.name, names) ?? ''} known ${ref.kind} resources: ${names.join(', ')}`.trim();
    ctx.diags.error(ErrorCode.UnknownResource, `unknown ${ref.kind} resource '${ref.name}'`, at(ctx.src, ref.offset, ref.path), hint);
  }
}
