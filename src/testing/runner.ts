import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, displayPath, errorMessage, formatDiagnostic, type Logger } from '../core/index.js';
import { discover } from '../config/index.js';
import { runPluginTests, type CaseResult } from './plugin-tests.js';
import { isTestFile, loadTestFile } from './spec.js';

/** A test file and what it tests. */
export interface TestTarget {
  /** The file holding the tests: a `*.test.yaml`, or the pipeline file itself for its own `tests:` section. */
  file: string;
  kind: 'plugin' | 'pipeline';
  /** The plugin's folder, or the pipeline file. */
  target: string;
  /** Pipelines: the functions dir whose plugins the pipeline uses (see functionsDirOf). */
  root?: string;
}

export interface RunTestsOptions {
  paths: string[];
  log: Logger;
  out: (text: string) => void;
  repoRoot?: string;
  /** Values from env files, added to every plugin's environment (the manifest's `env:` wins). */
  pluginEnv?: Record<string, string>;
  /** Runs a pipeline's tests (the host layer provides it: it builds pipelines). */
  runPipelineTests?: (target: Required<TestTarget>) => Promise<CaseResult[]>;
}

/** The default functions dir of `hotplug test` with no path. */
const DEFAULT_DIR = 'functions';

const PIPELINE_EXT = ['.yaml', '.yml'];

/** Where a test file points: its folder's plugin, or the pipeline named like it. */
export function targetOf(file: string, root?: string): TestTarget | undefined {
  const dir = dirname(file);
  if (existsSync(join(dir, 'plugin.yaml'))) return { file, kind: 'plugin', target: dir };
  const stem = basename(file).replace(/\.test\.ya?ml$/, '');
  for (const ext of PIPELINE_EXT) {
    const p = join(dir, stem + ext);
    if (existsSync(p)) return { file, kind: 'pipeline', target: p, root: root ?? functionsDirOf(p) };
  }
  return undefined;
}

/**
 * The functions dir a pipeline named on its own belongs to (its plugins are
 * the ones it may use): `./functions` when the file lies under it, as
 * `hotplug run` would load it; otherwise the pipeline's own folder. A folder
 * given to `hotplug test` is the functions dir of every pipeline under it.
 */
export function functionsDirOf(pipeline: string): string {
  const fallback = resolve(DEFAULT_DIR);
  const rel = relative(fallback, pipeline);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? fallback : dirname(pipeline);
}

/** True when a pipeline file has its own top-level `tests:` section (Redpanda Connect style). */
export function hasInlineTests(file: string): boolean {
  try {
    return /^tests\s*:/m.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Finds the tests a path means: a test file; a plugin folder's test files; a
 * pipeline file's `NAME.test.yaml` and its own `tests:` section; or, for a
 * functions dir, all of those under it (the dir is then the pipelines' root).
 */
export function findTests(path: string): { targets: TestTarget[]; orphans: string[] } {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new Error(`${path}: no such file or folder`);
  const files: string[] = [];
  const inline: string[] = [];
  let root: string | undefined;
  if (statSync(abs).isFile()) {
    if (isTestFile(abs)) files.push(abs);
    else {
      const stem = abs.replace(/\.ya?ml$/, '');
      files.push(...['.test.yaml', '.test.yml'].map((e) => stem + e).filter(existsSync));
      if (hasInlineTests(abs)) inline.push(abs);
    }
  } else if (existsSync(join(abs, 'plugin.yaml'))) {
    files.push(...readdirSync(abs).filter(isTestFile).sort().map((f) => join(abs, f)));
  } else {
    root = abs;
    const d = discover(abs);
    files.push(...d.tests);
    for (const m of d.manifests) {
      for (const f of readdirSync(m.dir).filter(isTestFile)) if (!files.includes(join(m.dir, f))) files.push(join(m.dir, f));
    }
    inline.push(...d.streams.map((s) => s.file).filter(hasInlineTests));
  }
  const targets: TestTarget[] = [];
  const orphans: string[] = [];
  for (const f of files.sort()) {
    const t = targetOf(f, root);
    if (t) targets.push(t);
    else orphans.push(f);
  }
  for (const p of inline) targets.push({ file: p, kind: 'pipeline', target: p, root: root ?? functionsDirOf(p) });
  targets.sort((a, b) => a.file.localeCompare(b.file));
  return { targets, orphans };
}

/**
 * Runs every test under `paths` through real plugin processes and prints a
 * report with a diff per failure and the summary line `N passed, N failed`.
 * Resolves to the number of failed cases (files that could not run count as one each).
 */
export async function runTests(opts: RunTestsOptions): Promise<{ passed: number; failed: number }> {
  const rel = (p: string): string => displayPath(p);
  let passed = 0;
  let failed = 0;
  const targets: TestTarget[] = [];
  for (const p of opts.paths) {
    const found = findTests(p);
    for (const o of found.orphans) {
      opts.out(`FAIL ${rel(o)}: no plugin.yaml in its folder and no pipeline named ${basename(o).replace(/\.test\.ya?ml$/, '')}.yaml next to it\n`);
      failed++;
    }
    for (const t of found.targets) if (!targets.some((x) => x.file === t.file)) targets.push(t);
  }
  for (const t of targets) {
    let results: CaseResult[];
    try {
      if (t.kind === 'plugin') {
        results = await runPluginTests(t.target, await loadTestFile(t.file), { log: opts.log, ...(opts.repoRoot ? { repoRoot: opts.repoRoot } : {}), ...(opts.pluginEnv ? { pluginEnv: opts.pluginEnv } : {}) });
      } else if (opts.runPipelineTests) {
        results = await opts.runPipelineTests({ ...t, root: t.root ?? functionsDirOf(t.target) });
      } else {
        throw new Error('pipeline tests are not available in this build');
      }
    } catch (err) {
      const why = err instanceof ConfigError ? err.diagnostics.map(formatDiagnostic).join('\n') : errorMessage(err);
      opts.out(`FAIL ${rel(t.file)}: could not run\n${indent(why)}\n`);
      failed++;
      continue;
    }
    for (const r of results) {
      if (r.failures.length === 0) {
        passed++;
        opts.out(`ok   ${rel(r.file)}:${r.line} › ${r.name}\n`);
      } else {
        failed++;
        opts.out(`FAIL ${rel(r.file)}:${r.line} › ${r.name}\n${r.failures.map(indent).join('\n')}\n`);
      }
    }
  }
  if (passed + failed === 0) opts.out(`no tests found under ${opts.paths.map(rel).join(', ')}\n`);
  opts.out(`\n${passed} passed, ${failed} failed\n`);
  return { passed, failed };
}

const indent = (s: string): string => s.split('\n').map((l) => `  ${l}`).join('\n');
