import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, displayPath, errorMessage, formatDiagnostic, type Logger } from '../core/index.js';
import { discover } from '../config/index.js';
import { runPluginTests, type CaseResult } from './plugin-tests.js';
import { isTestFile, loadTestFile } from './spec.js';

/** A test file and what it tests. */
export interface TestTarget {
  file: string;
  kind: 'plugin' | 'pipeline';
  /** The plugin's folder, or the pipeline file. */
  target: string;
}

export interface RunTestsOptions {
  paths: string[];
  log: Logger;
  out: (text: string) => void;
  repoRoot?: string;
  /** Runs a pipeline's tests (the host layer provides it: it builds pipelines). */
  runPipelineTests?: (pipelineFile: string, testFile: string) => Promise<CaseResult[]>;
}

const PIPELINE_EXT = ['.yaml', '.yml'];

/** Where a test file points: its folder's plugin, or the pipeline named like it. */
export function targetOf(file: string): TestTarget | undefined {
  const dir = dirname(file);
  if (existsSync(join(dir, 'plugin.yaml'))) return { file, kind: 'plugin', target: dir };
  const stem = basename(file).replace(/\.test\.ya?ml$/, '');
  for (const ext of PIPELINE_EXT) {
    const p = join(dir, stem + ext);
    if (existsSync(p)) return { file, kind: 'pipeline', target: p };
  }
  return undefined;
}

/** Finds the test files a path means: a test file, a plugin folder, a pipeline file, or a functions dir. */
export function findTests(path: string): { targets: TestTarget[]; orphans: string[] } {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new Error(`${path}: no such file or folder`);
  const files: string[] = [];
  if (statSync(abs).isFile()) {
    if (isTestFile(abs)) files.push(abs);
    else {
      const stem = abs.replace(/\.ya?ml$/, '');
      files.push(...['.test.yaml', '.test.yml'].map((e) => stem + e).filter(existsSync));
    }
  } else if (existsSync(join(abs, 'plugin.yaml'))) {
    files.push(...readdirSync(abs).filter(isTestFile).sort().map((f) => join(abs, f)));
  } else {
    const d = discover(abs);
    files.push(...d.tests);
    for (const m of d.manifests) {
      for (const f of readdirSync(m.dir).filter(isTestFile)) if (!files.includes(join(m.dir, f))) files.push(join(m.dir, f));
    }
  }
  const targets: TestTarget[] = [];
  const orphans: string[] = [];
  for (const f of files.sort()) {
    const t = targetOf(f);
    if (t) targets.push(t);
    else orphans.push(f);
  }
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
        results = await runPluginTests(t.target, await loadTestFile(t.file), { log: opts.log, ...(opts.repoRoot ? { repoRoot: opts.repoRoot } : {}) });
      } else if (opts.runPipelineTests) {
        results = await opts.runPipelineTests(t.target, t.file);
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
