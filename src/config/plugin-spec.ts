import type { ComponentSpec, PluginManifest } from '../core/spec.js';

/**
 * The component spec of a plugin: its manifest's fields, checked in a
 * pipeline exactly like a built-in component's.
 */
export function pluginSpec(manifest: PluginManifest): ComponentSpec {
  const spec: ComponentSpec = { name: manifest.name, kind: manifest.type, fields: manifest.fields };
  if (manifest.summary !== undefined) spec.summary = manifest.summary;
  return spec;
}
