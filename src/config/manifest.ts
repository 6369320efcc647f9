import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { ConfigError, ErrorCode, type SourceLocation } from '../core/errors.js';
import type { ComponentKind, FieldKind, FieldSpec, FieldType, PluginManifest } from '../core/spec.js';
import { Diagnostics, type LoadResult } from './diagnostics.js';
import { defaultExprCompilers } from './default-expr.js';
import { isNull } from './field-hints.js';
import { checkObject, checkValue, INVALID, type CheckContext } from './fields.js';
import { at, childPath, parseYaml } from './source.js';
import { readConfigText } from './read-text.js';
import { yamlValue } from './yaml-value.js';

/** Plugin names are YAML keys in pipelines (`- uppercase: {}`). */
export const PLUGIN_NAME = /^[a-z][a-z0-9_]*$/;

export const PLUGIN_FIELD_TYPES = ['string', 'int', 'float', 'bool', 'unknown'] as const;
export const FIELD_KINDS = ['scalar', 'list', 'map'] as const;

const FIELD_FIELDS: FieldSpec[] = [
  { name: 'name', type: 'string', description: 'The key of the field in a pipeline.' },
  { name: 'description', type: 'string', optional: true },
  { name: 'type', type: 'string', enum: PLUGIN_FIELD_TYPES, default: 'unknown', description: 'Without it the field takes any value (unknown), as on Redpanda Connect.' },
  { name: 'kind', type: 'string', enum: FIELD_KINDS, default: 'scalar' },
  { name: 'default', type: 'unknown', optional: true, description: 'Applied when the field is absent; without it the field is required.' },
  { name: 'advanced', type: 'bool', default: false },
];

/** plugin.yaml: Redpanda Connect's fields, plus hotplug's `env` and `instances`. Other keys load with a warning. */
export const MANIFEST_FIELDS: FieldSpec[] = [
  { name: 'name', type: 'string', description: 'The key pipelines use for the plugin; must match /^[a-z][a-z0-9_]*$/.' },
  { name: 'summary', type: 'string', optional: true },
  { name: 'description', type: 'string', optional: true },
  { name: 'command', type: 'string', kind: 'list', check: (v) => (v === '' ? 'command arguments may not be empty' : undefined) },
  { name: 'cwd', type: 'string', optional: true },
  { name: 'type', type: 'string', enum: ['input', 'processor', 'output'] },
  { name: 'fields', type: 'object', kind: 'list', default: [], fields: FIELD_FIELDS },
  { name: 'env', type: 'string', kind: 'map', default: {} },
  {
    name: 'deadline',
    type: 'duration',
    optional: true,
    description: 'hotplug extension: how long one call may take before it fails (504 for a request) and the process is replaced; default: the route timeout of the stream (a little less), else 30s.',
    check: (v) => ((v as number) > 0 ? undefined : 'deadline must be more than 0'),
  },
  { name: 'instances', type: 'int', default: 1, check: (v) => ((v as number) >= 1 ? undefined : 'instances must be at least 1') },
];

/** Checks a manifest's text; `file` must be absolute (cwd is resolved against its folder). */
export function checkManifest(text: string, file: string): LoadResult<PluginManifest> {
  const diags = new Diagnostics();
  const src = parseYaml(text, file, diags);
  if (diags.errorCount > 0) return { value: undefined, diagnostics: diags.sorted() };
  const ctx: CheckContext = {
    src,
    diags,
    expr: defaultExprCompilers,
    envChanged: new WeakSet(),
    // Connect ignores keys it does not know; a typo still deserves a word.
    unknownKeysWarn: true,
    component: (node) => {
      diags.error(ErrorCode.InvalidValue, 'components are not allowed in plugin.yaml', at(src, node));
      return undefined;
    },
  };
  const root = src.doc.contents as Node | null;
  if (!isMap(root)) {
    diags.error(ErrorCode.MissingField, 'plugin.yaml must be an object with name, type and command', at(src, root?.range?.[0] ?? 0), 'start from: name: my_plugin, type: processor, command: ["node", "main.js"]');
    return { value: undefined, diagnostics: diags.sorted() };
  }
  // A shell string is the most common mistake; say exactly how to write it instead.
  const command = root.get('command', true) as Node | undefined;
  if (isScalar(command) && typeof command.value === 'string') {
    const argv = command.value.split(/\s+/).filter(Boolean);
    diags.error(ErrorCode.WrongType, 'command must be a list of arguments, not a shell string', at(src, command, 'command'), `write command: ${JSON.stringify(argv)} (it is run directly, without a shell)`);
    const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'command');
    if (pair) pair.value = src.doc.createNode(argv);
  }
  const conf = checkObject(ctx, root, MANIFEST_FIELDS, '', 'plugin.yaml', 0);
  if (isSeq(command) && command.items.length === 0) {
    diags.error(ErrorCode.InvalidValue, 'command is empty', at(src, command, 'command'), 'write command: ["node", "main.js"]');
  }
  const nameNode = root.get('name', true) as Node | undefined;
  if (isScalar(nameNode) && typeof nameNode.value === 'string' && !PLUGIN_NAME.test(nameNode.value)) {
    const fixed = nameNode.value.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '');
    diags.error(
      ErrorCode.InvalidValue,
      `plugin name '${nameNode.value}' is not usable as a YAML key in pipelines: it must match /^[a-z][a-z0-9_]*$/`,
      at(src, nameNode, 'name'),
      `use lower-case letters, digits and underscores, starting with a letter${fixed ? `, e.g. name: ${fixed}` : ''}`,
    );
  }
  // Several processes reading one source would each need their own ack routing and end-of-input;
  // an input runs one process, and says so instead of silently ignoring the setting.
  const instancesNode = root.get('instances', true) as Node | undefined;
  if (conf !== INVALID && conf['type'] === 'input' && (conf['instances'] as number) > 1) {
    diags.warn(ErrorCode.InvalidValue, `instances: ${String(conf['instances'])} is ignored for an input plugin: an input runs one process`, at(src, instancesNode ?? root, 'instances'), 'remove instances, or run more input streams; instances applies to processors and outputs');
  }
  const fields = checkFieldDefs(ctx, root);
  if (conf === INVALID || diags.errorCount > 0 || !fields) return { value: undefined, diagnostics: diags.sorted() };
  const dir = dirname(file);
  const cwd = resolve(dir, (conf['cwd'] as string | undefined) ?? '.');
  if (!isDirectory(cwd)) {
    const cwdNode = root.get('cwd', true) as Node | undefined;
    diags.error(ErrorCode.InvalidValue, `cwd ${cwd} is not a directory`, at(src, cwdNode ?? 0, 'cwd'), 'cwd is relative to the folder holding plugin.yaml; leave it out to use that folder');
    return { value: undefined, diagnostics: diags.sorted() };
  }
  const manifest: PluginManifest = {
    name: conf['name'] as string,
    type: conf['type'] as ComponentKind,
    command: conf['command'] as string[],
    cwd,
    fields,
    env: conf['env'] as Record<string, string>,
    instances: conf['instances'] as number,
    file,
    dir,
  };
  if (conf['deadline'] !== undefined) manifest.deadlineMs = conf['deadline'] as number;
  if (conf['summary'] !== undefined) manifest.summary = conf['summary'] as string;
  if (conf['description'] !== undefined) manifest.description = conf['description'] as string;
  return { value: manifest, diagnostics: diags.sorted() };
}

/** Reads and checks plugin.yaml; an unreadable file is a diagnostic too. */
export function readManifest(file: string): LoadResult<PluginManifest> {
  const abs = resolve(file);
  const read = readConfigText(abs, 'plugin manifest');
  if ('error' in read) return { value: undefined, diagnostics: [read.error] };
  return checkManifest(read.text, abs);
}

/** Loads plugin.yaml, throwing a ConfigError with every problem when it has errors. */
export function loadManifest(file: string): PluginManifest {
  const res = readManifest(file);
  if (!res.value) throw new ConfigError(res.diagnostics);
  return res.value;
}

// Turns `fields:` entries into FieldSpecs, checking names are unique and that
// each default fits its own field's type (reported at the default).
function checkFieldDefs(ctx: CheckContext, root: YAMLMap): FieldSpec[] | undefined {
  const list = root.get('fields', true) as Node | undefined;
  if (!isSeq(list)) return isNull(list) ? [] : undefined;
  const out: FieldSpec[] = [];
  const seen = new Set<string>();
  let ok = true;
  list.items.forEach((item, i) => {
    if (!isMap(item)) return;
    const path = childPath('fields', i);
    const name = item.get('name');
    const type = item.get('type') ?? 'unknown';
    const kind = item.get('kind') ?? 'scalar';
    if (typeof name !== 'string' || !PLUGIN_FIELD_TYPES.includes(type as never) || !FIELD_KINDS.includes(kind as never)) {
      ok = false;
      return;
    }
    if (seen.has(name)) {
      ctx.diags.error(ErrorCode.InvalidValue, `duplicate field name '${name}'`, at(ctx.src, item.get('name', true) as Node, childPath(path, 'name')), 'each field needs its own name');
      ok = false;
    }
    seen.add(name);
    const spec: FieldSpec = { name, type: type as FieldType, kind: kind as FieldKind };
    const description = item.get('description');
    if (typeof description === 'string') spec.description = description;
    if (item.get('advanced') === true) spec.advanced = true;
    const def = item.get('default', true) as Node | undefined;
    if (def !== undefined && !isNull(def)) {
      const checked = checkValue(ctx, def, spec, childPath(path, 'default'), def.range?.[0]);
      if (checked === INVALID) ok = false;
      else spec.default = spec.type === 'unknown' ? yamlValue(def) : def.toJSON();
    }
    out.push(spec);
  });
  return ok ? out : undefined;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Where a top-level key's value of a manifest is written (for errors found after loading). */
export function locateManifestKey(file: string, key: string): SourceLocation {
  try {
    const diags = new Diagnostics();
    const read = readConfigText(file, 'plugin manifest');
    if ('error' in read) return { file, path: key };
    const src = parseYaml(read.text, file, diags);
    const root = src.doc.contents;
    const node = isMap(root) ? (root.get(key, true) as Node | undefined) : undefined;
    return at(src, node ?? 0, key);
  } catch {
    return { file, path: key };
  }
}
