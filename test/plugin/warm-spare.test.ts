import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import type { PluginManifest } from '../../src/core/spec.js';
import type { PluginProcessor } from '../../src/plugin/index.js';
import { resolveLaunch } from '../../src/plugin/launch.js';
import { removeSocketDir } from '../../src/plugin/socket-dir.js';
import { createSparePool } from '../../src/plugin/warm/spare-pool.js';
import { pyPlugin, tsPlugin } from '../dev/fixture.js';
import { alive, captureLogger, repoRoot, tempDir, testRuntime, until } from './helpers.js';

/** Pids of the live warm spares this process started. */
function spares(): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && /(node|python)-spare\.(js|py)/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8'))) out.push(Number(p));
    } catch {
      // raced with an exit
    }
  }
  return out;
}

/** Waits for exactly one warm spare and returns its pid. */
async function oneSpare(): Promise<number> {
  return (await until('one warm spare', () => (spares().length === 1 ? spares()[0] : undefined))) as number;
}

function pluginDir(t: Parameters<typeof tempDir>[0], lang: 'ts' | 'py'): { m: PluginManifest; write: (v: string) => void } {
  const dir = tempDir(t);
  const file = join(dir, lang === 'ts' ? 'main.ts' : 'main.py');
  const m: PluginManifest = {
    name: `warm_${lang}`, type: 'processor', command: lang === 'ts' ? ['node', 'main.ts'] : ['python3', 'main.py'],
    cwd: dir, dir, fields: [], file: join(dir, 'plugin.yaml'),
  };
  return { m, write: (v) => writeFileSync(file, lang === 'ts' ? tsPlugin(v) : pyPlugin(v)) };
}

async function text(p: PluginProcessor): Promise<string> {
  const [out] = await p.processBatch([new Message('x')]);
  return out?.[0]?.text() ?? '';
}

for (const lang of ['ts', 'py'] as const) {
  test(`${lang}: after the first reload a warm spare is kept, the next reload runs the new code in it, and close leaves nothing behind`, async (t) => {
    const { rt } = testRuntime(t);
    const { m, write } = pluginDir(t, lang);
    write('v1');
    const p = rt.processor(m, {});
    assert.equal(await text(p), 'v1:x');
    assert.deepEqual(spares(), [], 'a plugin that was never reloaded gets no spare');

    write('v2');
    await p.swap(m);
    assert.equal(await text(p), 'v2:x');
    const spare = await oneSpare();

    write('v3');
    await p.swap(m);
    assert.equal(await text(p), 'v3:x', 'the spare runs the new code');
    assert.equal(rt.health()[0]?.instances[0]?.pid, spare, 'generation 3 is the spare');
    const next = (await until('a new spare replaces the used one', () => spares().find((s) => s !== spare))) as number;

    await rt.close();
    await until('the plugin and its spare are gone', () => !alive(spare) && !alive(next));
    assert.deepEqual(spares(), []);
  });
}

test('a spare that died is not used: the start falls back to a plain spawn', async (t) => {
  const { rt } = testRuntime(t);
  const { m, write } = pluginDir(t, 'ts');
  write('v1');
  const p = rt.processor(m, {});
  write('v2');
  await p.swap(m);
  const spare = await oneSpare();
  process.kill(spare, 'SIGKILL');
  await until('spare gone', () => !alive(spare));
  write('v3');
  await p.swap(m);
  assert.equal(await text(p), 'v3:x');
  assert.notEqual(rt.health()[0]?.instances[0]?.pid, spare);
});

for (const lang of ['ts', 'py'] as const) {
  test(`${lang}: a spare exits when its stdin closes (the host died), idle or after it became the plugin`, async (t) => {
    const { log } = captureLogger();
    const { m, write } = pluginDir(t, lang);
    write('v1');
    const pool = createSparePool(repoRoot, log);
    t.after(() => pool.close());
    const launch = await resolveLaunch(m, repoRoot);
    for (const handOff of [false, true]) {
      pool.refill(launch);
      const spare = pool.take(launch);
      assert.ok(spare, `${m.command.join(' ')} can be pre-warmed`);
      t.after(() => {
        spare.child.kill('SIGKILL');
        removeSocketDir(spare.socket.dir);
      });
      const exited = new Promise<number | null>((r) => spare.child.once('exit', (code) => r(code)));
      if (handOff) {
        spare.handOff(launch);
        await until('the plugin listening', () => existsSync(spare.socket.socketPath));
      }
      spare.child.stdin?.end();
      assert.equal(await exited, 0);
      removeSocketDir(spare.socket.dir);
    }
  });
}

test('commands that cannot be pre-warmed get no spare', async (t) => {
  const { log } = captureLogger();
  const pool = createSparePool(repoRoot, log);
  t.after(() => pool.close());
  const env = { PATH: process.env['PATH'] ?? '' };
  for (const launch of [
    { file: process.execPath, args: ['--inspect', 'x.mjs'], cwd: repoRoot, env },
    { file: process.execPath, args: ['x.cjs'], cwd: repoRoot, env },
    { file: '/bin/sh', args: ['x.sh'], cwd: repoRoot, env },
  ]) {
    pool.refill(launch);
    assert.equal(pool.take(launch), undefined);
  }
  assert.deepEqual(spares(), []);
});

test('with warmFromStart (dev) a contract-only Python plugin (grpcio, no SDK) has a spare from its first start, and its first reload runs in it with protobuf already loaded', async (t) => {
  const { rt } = testRuntime(t, { warmFromStart: true });
  const dir = tempDir(t);
  const file = join(dir, 'main.py');
  const raw = join(repoRoot, 'test', 'fixtures', 'interop');
  // Serves as the grpcio fixture (no hotplug SDK anywhere), labelled with its version and whether protobuf's
  // runtime was loaded before its own code ran (what a spare pre-loads for contract-only plugins).
  const write = (v: string) => writeFileSync(file, `import runpy, sys\nwarm = "warm" if "google.protobuf.descriptor_pool" in sys.modules else "cold"\nsys.argv = ["raw_grpcio.py", "observe", "${v}-" + warm]\nsys.path.insert(0, ${JSON.stringify(raw)})\nrunpy.run_path(${JSON.stringify(join(raw, 'raw_grpcio.py'))}, run_name="__main__")\n`);
  const m: PluginManifest = { name: 'warm_raw', type: 'processor', command: ['python3', 'main.py'], cwd: dir, dir, fields: [], file: join(dir, 'plugin.yaml') };
  write('v1');
  const p = rt.processor(m, {});
  const label = async (): Promise<string> => {
    const [out] = await p.processBatch([new Message('x')]);
    return [...(out?.[0]?.metadata.keys() ?? [])].find((k) => k.startsWith('report_')) ?? '';
  };
  assert.equal(await label(), 'report_v1-cold', 'the first start is a plain spawn');
  const spare = await oneSpare();
  write('v2');
  await p.swap(m);
  assert.equal(await label(), 'report_v2-warm');
  assert.equal(rt.health()[0]?.instances[0]?.pid, spare, 'the first reload ran in the spare started with the plugin');
});

test('the shape a spare was last taken for (the plugin being edited) keeps two spares; when another shape takes one, it is trimmed back to one', async (t) => {
  const { log } = captureLogger();
  const pool = createSparePool(repoRoot, log);
  t.after(() => pool.close());
  const [a, b] = [pluginDir(t, 'py'), pluginDir(t, 'py')];
  a.write('v1');
  b.write('v1');
  // Different folders: two launch shapes.
  const [la, lb] = [await resolveLaunch(a.m, repoRoot), await resolveLaunch(b.m, repoRoot)];
  const spareCwds = (): string[] => spares().map((pid) => readlinkSync(`/proc/${pid}/cwd`)).sort();
  const take = (launch: typeof la): void => {
    const s = pool.take(launch);
    assert.ok(s, 'a spare was there to take');
    s.child.kill('SIGKILL');
    removeSocketDir(s.socket.dir);
  };
  const settled = (want: string[], what: string) => until(what, () => JSON.stringify(spareCwds()) === JSON.stringify([...want].sort()));

  pool.refill(la);
  pool.refill(lb);
  await settled([a.m.dir, b.m.dir], 'one spare per shape');
  take(la);
  pool.refill(la);
  await settled([a.m.dir, a.m.dir, b.m.dir], 'two spares for the shape just taken');
  take(lb);
  await settled([a.m.dir], 'the first shape trimmed to one');
  pool.refill(lb);
  await settled([a.m.dir, b.m.dir, b.m.dir], 'two for the shape now being edited');
});

test('a node spare handed an entry that starts nothing (an empty file) exits as `node entry` would, with its stdin still open', async (t) => {
  const { log } = captureLogger();
  const pool = createSparePool(repoRoot, log);
  t.after(() => pool.close());
  const dir = tempDir(t);
  const entry = join(dir, 'empty.mjs');
  writeFileSync(entry, '');
  const launch = { file: process.execPath, args: [entry], cwd: dir, env: { PATH: process.env['PATH'] ?? '' } };
  pool.refill(launch);
  const spare = pool.take(launch);
  assert.ok(spare, 'node <file>.mjs is pre-warmed');
  t.after(() => {
    spare.child.kill('SIGKILL');
    removeSocketDir(spare.socket.dir);
  });
  let exit: { code: number | null } | undefined;
  spare.child.once('exit', (code) => (exit = { code }));
  spare.handOff(launch);
  // The host keeps the spare's stdin open: before, the spare lived on it until the start timeout.
  assert.equal((await until('the spare to exit', () => exit))?.code, 0);
});
