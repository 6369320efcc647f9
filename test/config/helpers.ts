import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../src/core/errors.js';
import type { PluginManifest } from '../../src/core/spec.js';
import type { ExprCompilers } from '../../src/config/index.js';

/** test/fixtures/config, from dist/test/config. */
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/config/', import.meta.url));
/** The repository root, from dist/test/config. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Compilers that reject any source containing `@@`, reporting the 1-based
 * line:col of the marker as an expression parser would. Lets position mapping
 * be tested independently of the real expression language.
 */
export const markerCompilers: ExprCompilers = {
  interpolation: (s) => compile('interpolation', s),
  query: (s) => compile('query', s),
  mapping: (s) => compile('mapping', s),
};

function compile(kind: string, source: string): { kind: string; source: string } {
  const i = source.indexOf('@@');
  if (i < 0) return { kind, source };
  const before = source.slice(0, i);
  const err = new Error('unexpected @@') as Error & { line: number; col: number };
  err.line = before.split('\n').length;
  err.col = i - before.lastIndexOf('\n');
  throw err;
}

/** `CODE line:col path` — compact and exact, for table assertions. */
export function brief(d: Diagnostic): string {
  const l = d.location;
  return `${d.code} ${l?.line ?? '-'}:${l?.col ?? '-'} ${l?.path ?? ''}`.trim();
}

export const upperPlugin: PluginManifest = {
  name: 'uppercase',
  type: 'processor',
  command: ['node', 'main.js'],
  cwd: '/tmp',
  fields: [],
  file: '/tmp/uppercase/plugin.yaml',
  dir: '/tmp/uppercase',
};

/** Writes files (path → content) under a fresh temp dir, removed after the test. */
export function tree(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'hotplug-discover-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

/**
 * Lint and the schemas agree when they flag the same places: every error lint
 * reports (other than checks only lint can make) lies at or below a place the
 * schema flags, and every place the schema flags holds a lint error. The
 * schema may flag the enclosing component where lint names the key inside it
 * (a oneOf over type keys fails as a whole).
 */
export function assertAgree(name: string, diags: Diagnostic[], schemaPaths: string[], lintOnly: string[]): void {
  const lintPaths = diags.filter((d) => d.severity === 'error').map((d) => d.location?.path ?? '');
  for (const p of lintOnly) assert.ok(lintPaths.includes(p), `${name}: lint should report ${p} (lint-only); got ${lintPaths.join(', ')}`);
  const shared = lintPaths.filter((p) => !lintOnly.includes(p));
  for (const p of shared) assert.ok(schemaPaths.some((s) => within(s, p)), `${name}: lint reports ${p}, the schema does not (schema: ${schemaPaths.join(', ') || 'valid'})`);
  for (const s of schemaPaths) assert.ok(shared.some((p) => within(s, p)), `${name}: the schema flags ${s}, lint does not (lint: ${shared.join(', ') || 'clean'})`);
}

function within(outer: string, inner: string): boolean {
  return outer === '' || outer === inner || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

