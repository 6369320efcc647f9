import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ErrorCode, errorMessage, type Diagnostic } from '../core/errors.js';
import type { PluginManifest } from '../core/spec.js';
import { locateManifestKey, readManifest } from './manifest.js';

/** A pipeline file found under the functions dir. */
export interface StreamFile {
  /** Relative path without extension, with `/` separators: `orders/ingest`. */
  id: string;
  /** Absolute path. */
  file: string;
}

export interface Discovery {
  dir: string;
  /** Manifests that loaded cleanly and have unique names, sorted by name. */
  manifests: PluginManifest[];
  streams: StreamFile[];
  /** `hotplug test` files (`*.test.yaml`), which are not streams. */
  tests: string[];
  /** Manifest errors, duplicate plugin names, duplicate stream ids. */
  diagnostics: Diagnostic[];
  /** Folder names of plugins whose plugin.yaml has errors (reported once, at the manifest). */
  broken: string[];
}

export const MANIFEST_FILE = 'plugin.yaml';

/**
 * Finds plugins and streams under `dir`. A folder holding plugin.yaml is a
 * plugin and is not searched further. Every other `*.yaml`/`*.yml` is a
 * stream, except under hidden folders, node_modules and Python virtualenvs
 * (`venv`, `.venv`, or any folder with pyvenv.cfg), and except hidden files
 * and `*.test.yaml` files (tests for `hotplug test`). Symlinked folders are not
 * followed, so a link cannot make the walk loop.
 */
export function discover(dir: string): Discovery {
  const root = resolve(dir);
  const pluginFiles: string[] = [];
  const streams: StreamFile[] = [];
  const tests: string[] = [];
  const diagnostics: Diagnostic[] = [];
  walk(root, root, pluginFiles, streams, tests, diagnostics);
  const byName = new Map<string, PluginManifest>();
  const broken: string[] = [];
  for (const file of pluginFiles.sort()) {
    const res = readManifest(file);
    diagnostics.push(...res.diagnostics);
    const m = res.value;
    if (!m) {
      broken.push(basename(dirname(file)));
      continue;
    }
    const first = byName.get(m.name);
    if (first) {
      diagnostics.push({
        severity: 'error',
        code: ErrorCode.DuplicatePlugin,
        message: `plugin name '${m.name}' is used by both ${first.file} and ${m.file}`,
        hint: 'plugin names must be unique: rename one of them (the name: field in plugin.yaml)',
        location: locateManifestKey(m.file, 'name'),
      });
      continue;
    }
    byName.set(m.name, m);
  }
  streams.sort((a, b) => a.id.localeCompare(b.id));
  const seen = new Map<string, StreamFile>();
  for (const s of streams) {
    const other = seen.get(s.id);
    if (other) {
      diagnostics.push({
        severity: 'error',
        code: ErrorCode.InvalidValue,
        message: `stream id '${s.id}' is used by both ${other.file} and ${s.file}`,
        hint: 'a stream id is the file path without extension: rename one of the files',
        location: { file: s.file },
      });
    } else seen.set(s.id, s);
  }
  const manifests = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { dir: root, manifests, streams: [...seen.values()], tests: tests.sort(), diagnostics, broken };
}

/** Folders never searched for pipelines. */
export function isSkippedDir(name: string, path: string): boolean {
  return name.startsWith('.') || name === 'node_modules' || name === 'venv' || name === '__pycache__' || existsSync(join(path, 'pyvenv.cfg'));
}

function walk(root: string, dir: string, plugins: string[], streams: StreamFile[], tests: string[], diagnostics: Diagnostic[]): void {
  if (existsSync(join(dir, MANIFEST_FILE))) {
    plugins.push(join(dir, MANIFEST_FILE));
    return;
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    // The functions dir itself must be readable; a folder below it that is not is skipped with a warning.
    diagnostics.push({
      severity: dir === root ? 'error' : 'warning',
      code: ErrorCode.Io,
      message: `cannot read ${dir === root ? 'the functions dir' : 'folder'} ${dir}: ${errorMessage(err)}`,
      hint: dir === root ? 'pass an existing folder, e.g. hotplug lint functions' : 'fix its permissions, or move it out of the functions dir',
      location: { file: dir },
    });
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!isSkippedDir(e.name, path)) walk(root, path, plugins, streams, tests, diagnostics);
      continue;
    }
    if (!e.isFile() || e.name.startsWith('.')) continue;
    const m = /^(.*)\.ya?ml$/.exec(e.name);
    if (!m) continue;
    if (/\.test$/.test(m[1] as string)) {
      tests.push(path);
      continue;
    }
    const rel = relative(root, join(dir, m[1] as string));
    streams.push({ id: rel.split(sep).join('/'), file: path });
  }
}
