import type { Node } from 'yaml';
import { ErrorCode } from '../core/errors.js';
import type { ComponentSpec } from '../core/spec.js';
import { createCatalog } from './catalog.js';
import { parseComponent, type ComponentContext } from './component.js';
import { defaultExprCompilers } from './default-expr.js';
import { Diagnostics, type LoadResult } from './diagnostics.js';
import { checkObject, INVALID } from './fields.js';
import { at, parseYaml } from './source.js';

/**
 * Checks a component config written under `key` at the top of a YAML file
 * (the `config:` of a `hotplug test` file) against a component's spec, with
 * the same rules and error positions as a pipeline. An absent key is `{}`.
 */
export function checkConfigAt(text: string, file: string, key: string, spec: ComponentSpec): LoadResult<Record<string, unknown>> {
  const diags = new Diagnostics();
  const src = parseYaml(text, file, diags);
  if (diags.errorCount > 0) return { value: undefined, diagnostics: diags.sorted() };
  const ctx: ComponentContext = {
    src,
    diags,
    expr: defaultExprCompilers,
    envChanged: new WeakSet(),
    catalog: createCatalog([]),
    refs: [],
    component: (node, kind, path, anchor) => parseComponent(ctx, node, kind, path, anchor),
  };
  const root = src.doc.contents as { get?: (k: string, keepNode: true) => unknown } | null;
  const node = (root?.get?.(key, true) ?? null) as Node | null;
  if (spec.value) {
    diags.error(ErrorCode.InvalidValue, `${spec.name} takes a bare value, which test files do not support`, at(src, node, key));
    return { value: undefined, diagnostics: diags.sorted() };
  }
  const value = checkObject(ctx, node, spec.fields ?? [], key, spec.name, node?.range?.[0] ?? 0);
  return { value: value === INVALID || diags.errorCount > 0 ? undefined : value, diagnostics: diags.sorted() };
}
