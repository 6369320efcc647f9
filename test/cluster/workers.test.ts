import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { repoRoot, startCli, type CliProcess } from '../helpers/cli.js';
import { startLoad } from '../helpers/load.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { readStatus, settled, workerPids } from './helpers.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'cluster', 'functions');

/** A fresh connection per request, so the shared listener hands each to some worker. */
async function who(base: string): Promise<{ version: string; pid: number }> {
  const res = await request(`${base}/who`, { method: 'POST', body: 'x', reset: true });
  const text = await res.body.text();
  assert.equal(res.statusCode, 200, text);
  const [version, pid] = text.split(' ');
  return { version: version as string, pid: Number(pid) };
}

test('run --workers: shared port, a killed worker replaced, SIGHUP reloads under load with no failure, a broken reload abandoned', async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'hotplug-cluster-test-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const functions = join(work, 'functions');
  await cp(fixture, functions, { recursive: true });
  const status = join(work, 'status.json');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const run: CliProcess = startCli(['run', functions, '--workers', '2', '--port', String(port), '--status-file', status, '--reload-timeout', '60s']);
  t.after(async () => {
    await run.stop('SIGTERM', 30_000);
  });
  const why = (): string => `\n--- stderr ---\n${run.stderr().slice(-3000)}\n--- stdout ---\n${run.stdout().slice(-3000)}`;
  const first = await waitFor(() => (settled(readStatus(status)) ? readStatus(status) : undefined), { timeoutMs: 60_000, what: () => `the cluster to be ready${why()}` });
  assert.equal(first.pid, run.child.pid);
  assert.equal((await fetch(`${base}/ready`)).status, 200);

  await t.test('the workers share the port: fresh connections reach both', async () => {
    const seen = new Set<number>();
    await waitFor(async () => (seen.add((await who(base)).pid), seen.size === 2), { timeoutMs: 20_000, what: 'both workers to answer' });
    assert.deepEqual([...seen].sort(), workerPids(first).sort());
  });

  await t.test('/metrics sums every worker: each scrape counts the requests all of them answered', async () => {
    const received = async (): Promise<number> => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('hotplug_input_received_total{') && l.includes('stream="whoami"'));
      return Number(line?.split(' ').pop() ?? 0);
    };
    const before = await received();
    const pids = new Set<number>();
    for (let i = 0; i < 20; i++) pids.add((await who(base)).pid);
    assert.equal(pids.size, 2, 'both workers answered some');
    assert.equal(await received(), before + 20);
    assert.equal(await received(), before + 20, 'whichever worker answers the scrape');
    assert.match(await (await fetch(`${base}/metrics`)).text(), /^process_cpu_user_seconds_total \d/m);
  });

  await t.test('a SIGKILLed worker is replaced at once; only requests in flight on it fail', async () => {
    const load = startLoad({ urls: [`${base}/who`], concurrency: 8 });
    t.after(() => load.stop().then(() => undefined));
    await waitFor(() => load.events.length > 0, { timeoutMs: 10_000, what: 'load to flow' });
    const victim = workerPids(first)[0] as number;
    const killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    const after = await waitFor(
      () => {
        const s = readStatus(status);
        return settled(s) && !workerPids(s).includes(victim) ? s : undefined;
      },
      { timeoutMs: 30_000, what: () => `a replacement worker${why()}` },
    );
    const replacedAt = Date.now();
    // Load keeps flowing on the replacement and the survivor, with no failure, for a while.
    const mark = load.events.length;
    await waitFor(() => load.events.length > mark + 5, { timeoutMs: 20_000, what: 'more answers after the replacement' });
    const summary = await load.stop();
    const late = load.errors.filter((e) => e.t > replacedAt);
    t.diagnostic(`worker ${victim} killed: ${summary.failed} of ${summary.ok + summary.failed} requests failed (the ones in flight on it), replaced by ${workerPids(after).join(', ')} in ${replacedAt - killedAt} ms`);
    assert.deepEqual(late, [], 'nothing fails once the replacement is ready');
    assert.match(run.stderr(), new RegExp(`"worker":${victim},"how":"signal SIGKILL","replaceInMs":0`), 'the replacement is forked at once');
    assert.ok(summary.failed <= 8, `at most the 8 requests in flight fail, got ${summary.failed}: ${JSON.stringify(load.errors.slice(0, 3))}`);
    assert.ok(load.errors.every((e) => e.t >= killedAt - 50 && e.t <= replacedAt), 'failures only around the kill');
  });

  await t.test('SIGHUP under load: new workers take over with 0 failed requests', async () => {
    const before = readStatus(status) as NonNullable<ReturnType<typeof readStatus>>;
    await writeFile(join(functions, 'VERSION'), '2\n');
    const load = startLoad({ urls: [`${base}/who`], concurrency: 8 });
    t.after(() => load.stop().then(() => undefined));
    await waitFor(() => load.events.length > 0, { timeoutMs: 10_000, what: 'load to flow' });
    process.kill(run.child.pid as number, 'SIGHUP');
    const after = await waitFor(
      () => {
        const s = readStatus(status);
        return settled(s) && s.reload?.seq === 1 && s.reload.state === 'done' ? s : undefined;
      },
      { timeoutMs: 60_000, what: () => `the reload to finish${why()}` },
    );
    assert.equal(after.generation, before.generation + 1);
    const switched = Date.now();
    const mark = load.events.length;
    await waitFor(() => load.events.length > mark + 5, { timeoutMs: 20_000, what: 'answers after the reload' });
    const summary = await load.stop();
    const events = (run.stdout() + run.stderr()).split('\n').filter((l) => /reload|draining|stopped"|exited/.test(l)).map((l) => l.slice(0, 200));
    assert.equal(summary.failed, 0, `${JSON.stringify(load.errors.slice(0, 5))}\n${events.join('\n')}`);
    const late = load.events.filter((e) => e.t > switched);
    assert.ok(late.length > 0 && late.every((e) => e.body?.startsWith('2 ')), `every answer after the reload comes from new code: ${JSON.stringify(late.slice(0, 3))}`);
    for (const pid of workerPids(before)) assert.ok(!workerPids(after).includes(pid));
    t.diagnostic(`SIGHUP under load: ${summary.ok} requests, 0 failed`);
  });

  await t.test('a reload whose workers fail is abandoned at once; the serving workers keep serving', async () => {
    const before = readStatus(status) as NonNullable<ReturnType<typeof readStatus>>;
    await writeFile(join(functions, 'BROKEN'), 'yes\n');
    const load = startLoad({ urls: [`${base}/who`], concurrency: 4 });
    t.after(() => load.stop().then(() => undefined));
    await waitFor(() => load.events.length > 0, { timeoutMs: 10_000, what: 'load to flow' });
    const sent = Date.now();
    process.kill(run.child.pid as number, 'SIGHUP');
    const failed = await waitFor(
      () => {
        const s = readStatus(status);
        return s?.reload?.seq === 2 && s.reload.state === 'failed' && settled(s) ? s : undefined;
      },
      { timeoutMs: 50_000, what: () => `the reload to be abandoned${why()}` },
    );
    // Abandoned on the plugin's crash, not on the 60 s reload timeout.
    assert.match(failed.reload?.error ?? '', /a new worker reports plugin whoami (crashed|failed)/);
    t.diagnostic(`broken reload abandoned ${Date.now() - sent} ms after SIGHUP`);
    assert.deepEqual(workerPids(failed).sort(), workerPids(before).sort());
    const summary = await load.stop();
    assert.equal(summary.failed, 0, JSON.stringify(load.errors.slice(0, 5)));
    assert.ok(load.events.every((e) => e.body?.startsWith('2 ')));
  });

  await t.test('SIGTERM drains every worker and the primary exits 0', async () => {
    const pids = workerPids(readStatus(status) as NonNullable<ReturnType<typeof readStatus>>);
    assert.equal(await run.stop('SIGTERM', 30_000), 0, why());
    for (const pid of pids) assert.throws(() => process.kill(pid, 0));
  });
});
