import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

test('lint: a mis-indented line gets an indentation hint, a value with ": " the quoting hint', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-yamlhint-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'indent.yaml'), 'input:\n  http_server:\n    path: /x\n      address: a\noutput:\n  drop: {}\n');
  writeFileSync(join(dir, 'colon.yaml'), 'input:\n  http_server:\n    path: /x: y\noutput:\n  drop: {}\n');
  const r = await runCli(['lint', dir]);
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout + r.stderr;
  const indent = out.split('\n').filter((l, i, all) => l.includes('indent.yaml:3:11') || all[i - 1]?.includes('indent.yaml:3:11'));
  assert.ok(indent.length >= 2, out);
  assert.ok(indent.every((l) => !l.includes('must be quoted')), out);
  assert.match(indent.join('\n'), /hint: check the indentation/);
  assert.match(out, /colon\.yaml:3:11: invalid YAML: Nested mappings[^\n]*\n {2}hint: a value that contains ": " must be quoted/);
});

test('lint: an unset ${VAR} is reported once, not also as whatever its literal text breaks', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-unsetvar-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.yaml'), 'input:\n  http_server:\n    path: ${HOTPLUG_TEST_ROUTE}${HOTPLUG_TEST_SUFFIX}\noutput:\n  drop: {}\n');
  const r = await runCli(['lint', dir], { env: { HOTPLUG_TEST_ROUTE: undefined, HOTPLUG_TEST_SUFFIX: undefined } });
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, /a\.yaml:3:11: environment variable HOTPLUG_TEST_ROUTE is not set/);
  assert.match(out, /environment variable HOTPLUG_TEST_SUFFIX is not set/);
  assert.doesNotMatch(out, /mixes a parameter/);
  assert.match(out, /2 error\(s\)/);
});

test('lint: a broken plugin.yaml is reported once, at the manifest, not as unknown processor in every pipeline using it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-brokenmanifest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'shout'));
  writeFileSync(join(dir, 'shout', 'plugin.yaml'), 'name: shout\ntype: processor\nlang: [python\n');
  for (const f of ['a', 'b']) writeFileSync(join(dir, `${f}.yaml`), `input:\n  http_server:\n    path: /${f}\npipeline:\n  processors:\n    - shout: {}\n    - nosuch: {}\noutput:\n  drop: {}\n`);
  const r = await runCli(['lint', dir]);
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, /shout[/\\]plugin\.yaml:3:7: invalid YAML/);
  assert.doesNotMatch(out, /unknown processor 'shout'/);
  // Other unknown names are still errors, in each pipeline.
  assert.match(out, /a\.yaml:7:7: unknown processor 'nosuch'/);
  assert.match(out, /b\.yaml:7:7: unknown processor 'nosuch'/);
  assert.match(out, /3 error\(s\)/);
});
