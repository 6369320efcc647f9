import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDiagnostic } from '../../src/core/index.js';
import { checkStream, createCatalog } from '../../src/config/index.js';
import { createHost } from '../../src/host/index.js';
import { createRegistry } from '../../src/pipeline/builtins.js';
import { brief } from '../config/helpers.js';
import { log } from '../pipeline/helpers.js';

const pipeline = (path: string, answer: string): string =>
  `input:\n  http_server:\n    path: ${path}\n    allowed_verbs: [GET]\npipeline:\n  processors:\n    - mapping: 'root = "${answer} " + meta("id")'\noutput:\n  sync_response: {}\n`;

test('http_server.path: a bad pattern is a load error at its character, with the YAML path and a hint', () => {
  const catalog = createCatalog(createRegistry().allSpecs());
  const cases: Array<[string, string, string]> = [
    ['/users/{id:.*}', 'E_INVALID_VALUE 3:22 input.http_server.path', '[^/]+'],
    ["'/users/{id:[0-9+}'", 'E_INVALID_VALUE 3:23 input.http_server.path', 'RE2 syntax'],
    ['/users/{id', 'E_INVALID_VALUE 3:18 input.http_server.path', '{name:regex}'],
  ];
  for (const [path, where, hint] of cases) {
    const errors = checkStream(pipeline(path, 'x'), '/f/users.yaml', { catalog, env: () => undefined }).diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, `${path}: ${errors.map(formatDiagnostic).join('\n')}`);
    assert.equal(brief(errors[0] as never), where, path);
    assert.ok(errors[0]?.hint?.includes(hint), `${path}: ${errors[0]?.hint}`);
  }
});

test('a real host: /users/{id:[0-9]+} answers with the id from metadata; other segments 404 or go to a less specific route', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-routes-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'by-id.yaml'), pipeline('/users/{id:[0-9]+}', 'user'));
  await writeFile(join(dir, 'orders.yaml'), pipeline("'/orders/{id:[A-Z]{2}-[0-9]{4}}'", 'order'));
  await writeFile(join(dir, 'by-name.yaml'), pipeline('/people/{id}', 'person'));
  await writeFile(join(dir, 'also-by-name.yaml'), pipeline('/people/{id:[a-z]+}', 'lower-case person'));

  const host = createHost({ dir, port: 0, log });
  t.after(() => host.stop());
  await host.start();
  assert.deepEqual(host.diagnostics, []);

  const get = async (path: string): Promise<string> => {
    const res = await fetch(host.url(path));
    return `${res.status} ${(await res.text()).trim()}`;
  };
  assert.equal(await get('/users/42'), '200 user 42');
  assert.match(await get('/users/abc'), /^404 /);
  assert.match(await get('/users/42x'), /^404 /, 'anchored to the whole segment');
  assert.equal(await get('/orders/AB-1234'), '200 order AB-1234', 'a regex with {n} quantifiers inside the braces');
  assert.match(await get('/orders/AB-123'), /^404 /);
  assert.equal(await get('/people/ann'), '200 lower-case person ann', 'the regex route is more specific');
  assert.equal(await get('/people/Ann'), '200 person Ann', 'the plain parameter takes the rest');
});
