import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { repoRoot, runCli, startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { httpStream } from '../dev/fixture.js';

async function consoleStatus(args: string[], dir: string): Promise<{ page: number; root: number }> {
  const port = await freePort();
  const cli = startCli([...args, dir, '--port', String(port)]);
  try {
    await waitForPing(`http://127.0.0.1:${port}`);
    const page = (await fetch(`http://127.0.0.1:${port}/_hotplug/`)).status;
    const root = (await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' })).status;
    return { page, root };
  } finally {
    await cli.stop();
  }
}

test('run serves the console only with --console; dev serves it unless --no-console', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-console-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'shout.yaml'), httpStream('/shout', '    - mapping: root = content().string().uppercase()'));
  assert.deepEqual(await consoleStatus(['run'], dir), { page: 404, root: 404 });
  assert.deepEqual(await consoleStatus(['run', '--console'], dir), { page: 200, root: 302 });
  assert.deepEqual(await consoleStatus(['dev'], dir), { page: 200, root: 302 });
  assert.deepEqual(await consoleStatus(['dev', '--no-console'], dir), { page: 404, root: 404 });
  const both = await runCli(['run', dir, '--console', '--workers', '2']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--console needs a single process/);
});

test('the packed package holds the console page that npm run build bundled', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  for (const f of ['dist/console/app.js', 'dist/console/app.css', 'dist/src/console/console.js']) assert.ok(files.includes(f), `the package holds ${f}`);
});
