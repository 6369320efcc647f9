import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
