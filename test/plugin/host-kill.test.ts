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

test('after the host is SIGKILLed: every plugin dies with it (setpriv --pdeathsig), even one ignoring stdin; the next host removes the dirs', async (t) => {
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
  await until('the plugin ignoring stdin to be killed by the kernel with its host', () => !alive(stubborn.pid));
  assert.ok(existsSync(stubborn.socketDir), 'its socket dir is still there (nobody was left to remove it)');

  // A new host start cleans up every dead host's dirs; there is no orphan left to kill.
  const cleaned = cleanStaleSocketDirs(root);
  assert.deepEqual(cleaned.killedGroups, []);
  assert.equal(cleaned.removedDirs.length, 2);
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
