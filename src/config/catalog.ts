import type { ComponentKind, ComponentSpec, PluginManifest } from '../core/spec.js';
import { pluginSpec } from './plugin-spec.js';

/** Finds the spec of a component type of a kind; undefined when there is none. */
export type SpecLookup = (kind: ComponentKind, type: string) => ComponentSpec | undefined;

/**
 * Every component a pipeline may use: the built-ins (from the streams
 * registry) and the plugins (from manifests). The names feed did-you-mean
 * hints; `plugins` tells apart "no such built-in" from "no such plugin".
 */
export interface ComponentCatalog {
  lookup: SpecLookup;
  names(kind: ComponentKind): string[];
  plugins(): string[];
}

/** A catalog over lists of built-in specs and plugin manifests; plugins may not shadow built-ins. */
export function createCatalog(builtins: readonly ComponentSpec[], manifests: readonly PluginManifest[] = []): ComponentCatalog {
  const byKey = new Map<string, ComponentSpec>();
  for (const spec of builtins) byKey.set(`${spec.kind}:${spec.name}`, spec);
  for (const m of manifests) {
    const key = `${m.type}:${m.name}`;
    if (!byKey.has(key)) byKey.set(key, pluginSpec(m));
  }
  const plugins = manifests.map((m) => m.name).sort();
  return {
    lookup: (kind, type) => byKey.get(`${kind}:${type}`),
    names: (kind) => [...byKey.values()].filter((s) => s.kind === kind).map((s) => s.name),
    plugins: () => plugins,
  };
}

/** A catalog around a bare lookup, when names are not known (hints then stay short). */
export function catalogFromLookup(lookup: SpecLookup, names: (kind: ComponentKind) => string[] = () => []): ComponentCatalog {
  return { lookup, names, plugins: () => [] };
}
