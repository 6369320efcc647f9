#!/usr/bin/env node
// Runs the compiled test suite with node's test runner. Node 20's `--test` takes no globs,
// so this finds the files. Usage: node test/run.js [substring ...] to run a subset.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'dist', 'test');

function walk(d) {
  const out = [];
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'bench' && name !== 'fixtures') out.push(...walk(p));
    } else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = walk(dir).filter((f) => filters.length === 0 || filters.some((s) => relative(dir, f).includes(s)));
if (files.length === 0) {
  console.error(`no test files matched under ${relative(root, dir)}`);
  process.exit(1);
}
const concurrency = process.env.HOTPLUG_TEST_CONCURRENCY ?? '2';
const res = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=240000', ...files], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(res.status ?? 1);
