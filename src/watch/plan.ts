import { extname, sep } from 'node:path';
import type { ComponentConf, Diagnostic, PluginManifest, StreamConf } from '../core/index.js';
import { httpRoutes, nestedComponents, readConfigText, routeKey, type DirConf } from '../config/index.js';
import { dirPrint, type FileSnapshot } from './fingerprint.js';

/** What the dev server is serving now. */
export interface RunningState {
  /** `source`: the pipeline file's print in the snapshot taken before it was loaded. */
  streams: Map<string, { conf: StreamConf; source: string }>;
  /** Manifests by plugin name (a broken plugin.yaml keeps its last good one here). */
  manifests: Map<string, PluginManifest>;
  /** Plugins whose code changed while their manifest was broken: swapped once it is fixed. */
  pendingCode: Set<string>;
  /** Each plugin folder's print (dirPrint) as last loaded: a change event that changed nothing is skipped. */
  prints: Map<string, string>;
}

/** What one reload does, in this order: plugins, then streams. */
export interface ReloadPlan {
  /** Manifests the builders use from now on (every valid one). */
  manifests: PluginManifest[];
  /** Plugins whose code, command, cwd, env or instances changed: start a new generation. */
  swapPlugins: PluginManifest[];
  startStreams: StreamConf[];
  /** `oldId` differs from `conf.id` when a pipeline file was renamed. */
  replaceStreams: { oldId: string; conf: StreamConf }[];
  stopStreams: string[];
  /** Plugins with code changes that could not be applied yet (their manifest is broken). */
  pendingCode: Set<string>;
  /** Errors and warnings about what this change touched. */
  diagnostics: Diagnostic[];
  /** Short descriptions for the reload log line. */
  changes: string[];
}

const SOURCE_EXT = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '.py']);

/** Plugin names a stream uses, anywhere: input, processors, output, resources, nested components. */
export function pluginsUsed(stream: StreamConf, pluginNames: ReadonlySet<string>): Set<string> {
  const used = new Set<string>();
  for (const type of typesUsed(stream)) if (pluginNames.has(type)) used.add(type);
  return used;
}

/**
 * Every component type a stream uses. A loaded StreamConf does not change, so this is
 * walked once per conf: each reload asks it of every running stream, and a pipeline of
 * thousands of processors took tens of ms per walk on the serving thread.
 */
const typesOf = new WeakMap<StreamConf, ReadonlySet<string>>();
function typesUsed(stream: StreamConf): ReadonlySet<string> {
  const cached = typesOf.get(stream);
  if (cached) return cached;
  const types = new Set<string>();
  const seen = new Set<ComponentConf>();
  const visit = (c: ComponentConf): void => {
    if (seen.has(c)) return;
    seen.add(c);
    types.add(c.type);
    c.processors.forEach(visit);
    nestedComponents(c.config).forEach(visit);
  };
  [stream.input, ...stream.processors, stream.output].forEach(visit);
  for (const m of [stream.resources.inputs, stream.resources.processors, stream.resources.outputs]) m.forEach(visit);
  typesOf.set(stream, types);
  return types;
}

const runtimeShape = (m: PluginManifest): string => JSON.stringify([m.command, m.cwd, (m as { env?: unknown }).env, (m as { instances?: unknown }).instances]);
const specShape = (m: PluginManifest): string => JSON.stringify([m.type, m.fields]);

function isPython(m: PluginManifest): boolean {
  return m.command.some((a) => a.endsWith('.py') || /^python(3(\.\d+)?)?$/.test(a));
}

/**
 * Compares what runs with what the files now say. A stream whose file has an
 * error keeps running as it was (the error is reported); a deleted stream
 * stops; a renamed one is replaced in place so its routes move atomically.
 * `files` is the snapshot taken before `desired` was loaded; `envChanged`: an
 * env file changed, so streams whose files use `${VAR}` are rebuilt too.
 */
export function planReload(running: RunningState, desired: DirConf, changedPaths: ReadonlySet<string>, files: FileSnapshot, envChanged = false): ReloadPlan {
  const plan: ReloadPlan = { manifests: desired.manifests, swapPlugins: [], startStreams: [], replaceStreams: [], stopStreams: [], pendingCode: new Set(), diagnostics: [], changes: [] };
  const newByName = new Map(desired.manifests.map((m) => [m.name, m]));
  const pluginNames = new Set([...newByName.keys(), ...running.manifests.keys()]);

  // Which plugins' code changed: files inside their folder (but plugin.yaml), or
  // source files outside any plugin folder that plugins of that language may import.
  const codeChanged = new Set<string>(running.pendingCode);
  const manifestFiles = new Set<string>();
  const owners = [...desired.manifests, ...[...running.manifests.values()].filter((m) => !newByName.has(m.name))];
  for (const p of changedPaths) {
    const owner = owners.find((m) => p === m.dir || p.startsWith(m.dir + sep));
    if (owner) {
      if (p === owner.file) manifestFiles.add(p);
      else codeChanged.add(owner.name);
      continue;
    }
    if (p.endsWith('plugin.yaml')) manifestFiles.add(p);
    const ext = extname(p);
    if (SOURCE_EXT.has(ext)) {
      for (const m of desired.manifests) if ((ext === '.py') === isPython(m)) codeChanged.add(m.name);
    }
  }

  // A plugin folder whose contents are what runs already (a second event of
  // the same save, or a save of identical bytes) needs no new generation.
  for (const name of [...codeChanged]) {
    const m = newByName.get(name);
    if (m && !running.pendingCode.has(name) && running.prints.get(name) === dirPrint(files, m.dir)) codeChanged.delete(name);
  }

  const specChanged = new Set<string>();
  for (const m of desired.manifests) {
    const old = running.manifests.get(m.name);
    if (!old) {
      if (running.manifests.size > 0 || changedPaths.size > 0) plan.changes.push(`plugin ${m.name} added`);
      continue;
    }
    if (specShape(old) !== specShape(m)) specChanged.add(m.name);
    if (runtimeShape(old) !== runtimeShape(m) || codeChanged.has(m.name)) {
      plan.swapPlugins.push(m);
      plan.changes.push(`plugin ${m.name}${codeChanged.has(m.name) ? ' code' : runtimeShape({ ...old, env: m.env }) === runtimeShape(m) ? ' env' : ' manifest'}`);
    }
  }
  for (const name of running.manifests.keys()) if (!newByName.has(name)) specChanged.add(name);
  for (const name of codeChanged) if (!newByName.has(name) && running.manifests.has(name)) plan.pendingCode.add(name);

  // Streams.
  const validById = new Map(desired.streams.map((s) => [s.id, s]));
  const fileById = new Map(desired.discovery.streams.map((s) => [s.id, s.file]));
  const affectedFiles = new Set<string>([...changedPaths, ...manifestFiles]);
  for (const [id, conf] of validById) {
    const source = files.get(conf.file) ?? '';
    const cur = running.streams.get(id);
    if (!cur) {
      plan.startStreams.push(conf);
      continue;
    }
    const usesChangedSpec = usesAny(cur.conf, specChanged, pluginNames);
    if (cur.source !== source || usesChangedSpec || (envChanged && usesEnv(conf.file))) {
      plan.replaceStreams.push({ oldId: id, conf });
      affectedFiles.add(conf.file);
    }
  }
  for (const [id, cur] of running.streams) {
    if (usesAny(cur.conf, specChanged, pluginNames) || (envChanged && usesEnv(cur.conf.file))) affectedFiles.add(cur.conf.file);
    if (validById.has(id) || fileById.has(id)) continue; // still there (maybe broken: keep it)
    plan.stopStreams.push(id);
  }

  // A stopped stream whose routes a started one claims is a rename: replace in place.
  for (const oldId of [...plan.stopStreams]) {
    const old = running.streams.get(oldId)!.conf;
    const oldKeys = new Set(httpRoutes(old).flatMap((r) => r.verbs.map((v) => `${v} ${routeKey(r.path)}`)));
    const idx = plan.startStreams.findIndex((s) => httpRoutes(s).some((r) => r.verbs.some((v) => oldKeys.has(`${v} ${routeKey(r.path)}`))));
    if (idx >= 0) {
      const [conf] = plan.startStreams.splice(idx, 1);
      plan.replaceStreams.push({ oldId, conf: conf! });
      plan.stopStreams.splice(plan.stopStreams.indexOf(oldId), 1);
    }
  }
  for (const s of plan.startStreams) plan.changes.push(`stream ${s.id} added`);
  for (const r of plan.replaceStreams) plan.changes.push(r.oldId === r.conf.id ? `stream ${r.conf.id}` : `stream ${r.oldId} → ${r.conf.id}`);
  for (const id of plan.stopStreams) plan.changes.push(`stream ${id} removed`);

  plan.diagnostics = desired.diagnostics.filter((d) => !d.location || affectedFiles.has(d.location.file));
  return plan;
}

function usesAny(stream: StreamConf, names: ReadonlySet<string>, all: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  return [...pluginsUsed(stream, all)].some((n) => names.has(n));
}

/** Whether a pipeline file holds a `${VAR}` reference (not a `${! expression }`). */
function usesEnv(file: string): boolean {
  const read = readConfigText(file, 'pipeline');
  return 'text' in read && /\$\{[0-9A-Za-z_.]/.test(read.text);
}
