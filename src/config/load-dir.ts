import { ErrorCode, type Diagnostic } from '../core/errors.js';
import type { ComponentSpec, PluginManifest, StreamConf } from '../core/spec.js';
import { createCatalog, type ComponentCatalog } from './catalog.js';
import { discover, type Discovery } from './discover.js';
import type { EnvLookup } from './env.js';
import type { ExprCompilers } from './expressions.js';
import { locateManifestKey } from './manifest.js';
import { findRouteClashes } from './routes.js';
import { readStream } from './stream.js';

export interface DirOptions {
  /** Specs of the built-in components (from the streams registry). */
  builtins: readonly ComponentSpec[];
  env?: EnvLookup;
  expr?: ExprCompilers;
}

export interface DirConf {
  dir: string;
  manifests: PluginManifest[];
  /** Streams that loaded without errors (a stream whose HTTP route clashes with an earlier one's is left out). */
  streams: StreamConf[];
  /** Every error and warning across manifests and pipelines, route clashes included. */
  diagnostics: Diagnostic[];
  /** What discovery found (stream files, including those that failed). */
  discovery: Discovery;
  catalog: ComponentCatalog;
  /** The text each stream in `streams` was checked from, by file. */
  texts: Map<string, string>;
}

/**
 * Loads everything under a functions dir: plugin manifests, then every
 * stream checked against the built-ins and those plugins, then HTTP route
 * clashes between streams. Nothing is started. `hotplug lint` prints
 * `diagnostics`; `hotplug run` refuses to start streams with errors.
 */
export function loadDir(dir: string, opts: DirOptions): DirConf {
  const discovery = discover(dir);
  const diagnostics = [...discovery.diagnostics];
  // A plugin named like a built-in of its kind is left out: it would shadow the
  // built-in in every pipeline of the dir, breaking routes that never asked for it.
  const manifests = discovery.manifests.filter((m) => {
    if (!opts.builtins.some((s) => s.kind === m.type && s.name === m.name)) return true;
    diagnostics.push({
      severity: 'error',
      code: ErrorCode.DuplicatePlugin,
      message: `plugin '${m.name}' has the name of a built-in ${m.type}; it is not loaded, pipelines keep using the built-in`,
      hint: `rename the plugin (the name: field in plugin.yaml and its folder), e.g. to 'my_${m.name}'`,
      location: locateManifestKey(m.file, 'name'),
    });
    return false;
  });
  const catalog = createCatalog(opts.builtins, manifests);
  const streams: StreamConf[] = [];
  const texts = new Map<string, string>();
  for (const { id, file } of discovery.streams) {
    const res = readStream(file, { catalog, id, ...(opts.env && { env: opts.env }), ...(opts.expr && { expr: opts.expr }) });
    // A use of a plugin whose manifest is broken is not an error of its own: that is reported at the manifest.
    diagnostics.push(...res.diagnostics.filter((d) => !(d.code === ErrorCode.UnknownComponent && discovery.broken.some((n) => d.message.endsWith(` '${n}'`)))));
    if (res.value) {
      streams.push(res.value);
      texts.set(res.value.file, res.text ?? '');
    }
  }
  // A stream whose route is taken by another does not start; the first claim keeps serving.
  const clashes = findRouteClashes(streams);
  diagnostics.push(...clashes);
  const clashing = new Set(clashes.map((d) => d.location?.file));
  const clean = streams.filter((s) => !clashing.has(s.file));
  return { dir: discovery.dir, manifests, streams: clean, diagnostics, discovery, catalog, texts };
}

/** Every diagnostic for a functions dir; lint passes when none is an error. */
export function lintDir(dir: string, opts: DirOptions): Diagnostic[] {
  return loadDir(dir, opts).diagnostics;
}
