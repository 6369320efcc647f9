import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cleanStaleSocketDirs } from '../../src/plugin/index.js';
import { alive, fixtures, tempDir, testRuntime, until } from './helpers.js';

interface HostReport {
  host: number;
  plugins: Array<{ pid: number; socketDir: string }>;
}

test('after the host is SIGKILLed: SDK-style plugins exit by themselves, the next host cleans up the rest', async (t) => {
  // Plugin 0 watches stdin like the SDKs do; plugin 1 ignores it (a badly written plugin).
  // A private temp root, so that runtimes started by other tests meanwhile do not clean up first.
  const root = tempDir(t);
  const host = spawn(process.execPath, [join(fixtures, 'host.mjs'), JSON.stringify([[], ['--ignore-stdin']])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TMPDIR: root },
  });
  let report: HostReport | undefined;
  t.after(() => {
    host.kill('SIGKILL');
    for (const p of report?.plugins ?? []) {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
  });
  const rl = createInterface({ input: host.stdout });
  report = await new Promise<HostReport>((resolve, reject) => {
    rl.once('line', (l) => resolve(JSON.parse(l) as HostReport));
    host.once('exit', (code) => reject(new Error(`host exited early (${code})`)));
  });
  const [watcher, stubborn] = report.plugins;
  assert.ok(watcher && stubborn);
  assert.ok(alive(watcher.pid) && alive(stubborn.pid));

  host.kill('SIGKILL');
  await until('the stdin-watching plugin to exit on its own', () => !alive(watcher.pid));
  assert.ok(alive(stubborn.pid), 'the plugin ignoring stdin is orphaned until the next host starts');
  assert.ok(existsSync(stubborn.socketDir), 'its socket dir is still there');

  // A new host start cleans up: kills the orphaned group, removes every dead host's dirs.
  const cleaned = cleanStaleSocketDirs(root);
  assert.deepEqual(cleaned.killedGroups, [stubborn.pid]);
  assert.equal(cleaned.removedDirs.length, 2);
  await until('the orphan to be killed', () => !alive(stubborn.pid));
  assert.ok(!existsSync(stubborn.socketDir));
  assert.ok(!existsSync(watcher.socketDir));
});

test('cleanStaleSocketDirs leaves dirs of live hosts alone', async (t) => {
  const { rt } = testRuntime(t);
  const { fixtureManifest } = await import('./helpers.js');
  const p = rt.processor(fixtureManifest('processor', 'ok'), {});
  await p.start();
  const dir = rt.health()[0]?.instances[0]?.socketDir as string;
  const report = cleanStaleSocketDirs();
  assert.ok(!report.removedDirs.includes(dir));
  assert.ok(existsSync(dir));
});
