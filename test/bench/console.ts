// npm run bench:console — what the dev console costs the requests it watches: bench:http's host + TS
// plugin target without the console, with it mounted and no page open, and with a page open in a
// headless Chromium (Debian's, as the browser tests) on the Requests panel, which redraws as requests
// arrive. Load from wrk (a separate process), 64 connections; rounds interleave the three.
// env: BENCH_SECONDS (per wrk run, default 5), BENCH_ROUNDS (interleaved rounds, default 5).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { RequestLog } from '../../src/console/request-log.js';
import type { RequestRecord } from '../../src/host/index.js';
import { launchChromium } from '../helpers/browser.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { type Result, medianRun, wrk } from './wrk.js';

type Measured = Result & { raw: string; hostUs: number; browserCpu: number };

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const connections = 64;
const children: ChildProcess[] = [];

function startHost(dir: string, port: number, withConsole: boolean): ChildProcess {
  const child = spawn(process.execPath, [join(repo, 'dist/test/bench/http-host.js'), dir, String(port)], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, BENCH_CONSOLE: withConsole ? '1' : '0' } });
  children.push(child);
  return child;
}

/** CPU seconds (user + system) the processes used so far, from /proc. */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

/** An event-stream reader in this process: the console's server side with a page open, without a browser. */
async function openStream(url: string): Promise<() => void> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  const reader = res.body!.getReader();
  const drain = (): void => {
    reader.read().then(
      (r) => (r.done ? undefined : drain()),
      () => undefined,
    );
  };
  drain();
  return () => ac.abort();
}

async function up(url: string): Promise<void> {
  await waitFor(async () => (await fetch(url, { method: 'POST', body: 'ping' })).ok, { timeoutMs: 60_000, what: url });
}

/** ns per request of what an open console does with each request record (the log, the chart buckets), in this process. */
function perRequestNs(): number {
  const log = new RequestLog();
  const routes = ['/a', '/b', '/c', '/d'];
  const records: RequestRecord[] = Array.from({ length: 4096 }, (_, i) => ({ time: Date.now() + i, method: 'POST', path: routes[i % 4]!, route: routes[i % 4]!, stream: 's', status: i % 50 === 0 ? 500 : 200, ms: (i % 97) / 10 }));
  const n = 2_000_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    log.add(records[i % 4096]!);
    if (i % 2000 === 0) {
      log.flush();
      log.closeSeconds(Date.now() + 10_000);
    }
  }
  return ((performance.now() - started) * 1e6) / n;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-bench-console-'));
  const chrome = await launchChromium();
  try {
    await cp(join(repo, 'functions/uppercase'), join(dir, 'functions/uppercase'), { recursive: true });
    await cp(join(repo, 'test/fixtures/streams/bench/uppercase.yaml'), join(dir, 'functions/uppercase.yaml'));
    const script = join(dir, 'post.lua');
    await writeFile(script, 'wrk.method = "POST"\nwrk.body = "hello from wrk, please upper-case me"\nwrk.headers["Content-Type"] = "text/plain"\n');
    const [plainPort, consolePort] = [await freePort(), await freePort()];
    const plainHost = startHost(join(dir, 'functions'), plainPort, false);
    const consoleHost = startHost(join(dir, 'functions'), consolePort, true);
    const plain = `http://127.0.0.1:${plainPort}/uppercase`;
    const watched = `http://127.0.0.1:${consolePort}/uppercase`;
    await up(plain);
    await up(watched);

    let page: Page | undefined;
    const openPage = async (): Promise<void> => {
      page = await chrome.browser.newPage({ viewport: { width: 1280, height: 760 } });
      await page.goto(`http://127.0.0.1:${consolePort}/_hotplug/#requests`);
      await page.locator('[data-testid=conn].live').waitFor({ timeout: 60_000 });
    };
    const closePage = async (): Promise<void> => {
      await page?.close();
      page = undefined;
      // The console stops recording 200 ms after its last page went (the host's BENCH_CONSOLE linger).
      await new Promise((r) => setTimeout(r, 500));
    };
    /** A wrk run with the CPU the host and the browser used during it. */
    const measured = (url: string, host: ChildProcess): Measured => {
      const before = [cpuSeconds([host.pid!]), cpuSeconds(chrome.pids())];
      const r = wrk(url, seconds, script, connections);
      return { ...r, hostUs: ((cpuSeconds([host.pid!]) - before[0]!) * 1e6) / Math.max(1, r.requests), browserCpu: (cpuSeconds(chrome.pids()) - before[1]!) / seconds };
    };
    const variants: Array<{ name: string; run: () => Measured | Promise<Measured> }> = [
      { name: 'no console', run: () => measured(plain, plainHost) },
      { name: 'console mounted, no page open', run: () => measured(watched, consoleHost) },
      {
        name: 'event stream open (a reader in node, no browser)',
        run: async () => {
          const close = await openStream(`http://127.0.0.1:${consolePort}/_hotplug/events`);
          const r = measured(watched, consoleHost);
          close();
          await new Promise((r) => setTimeout(r, 500));
          return r;
        },
      },
      {
        name: 'page open in Chromium (Requests panel, live)',
        run: async () => {
          await openPage();
          const r = measured(watched, consoleHost);
          const shown = await page!.textContent('nav a[href="#requests"]');
          await closePage();
          if (!/Requests \(\d{3}/.test(shown ?? '')) throw new Error(`the page did not show the requests under load: ${shown}`);
          return r;
        },
      },
    ];
    wrk(plain, 2, script, connections); // warm-up: JIT, plugin pools, keep-alive connections
    wrk(watched, 2, script, connections);
    const rounds: Measured[][] = variants.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, v] of variants.entries()) {
        const r = await v.run();
        if (r.rps === 0) process.stderr.write(`${v.name}: wrk printed\n${r.raw}\n`);
        rounds[i]!.push({ ...r, name: v.name });
        process.stderr.write(`round ${round + 1} ${v.name}: ${r.rps.toFixed(0)} req/s, host ${r.hostUs.toFixed(0)} µs/request\n`);
      }
    }
    const results = rounds.map(medianRun);
    const base = results[0]!.rps;
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const rows = [
      ['hotplug host + TS plugin', 'req/s', 'p50', 'p99', 'errors', 'vs no console', 'host CPU/request', 'browser CPU'],
      ...results.map((r, i) => [
        r.name,
        r.rps.toFixed(0),
        r.p50,
        r.p99,
        String(r.errors),
        `${((r.rps / base - 1) * 100).toFixed(1)}%`,
        `${median(rounds[i]!.map((x) => x.hostUs)).toFixed(0)} µs`,
        `${(median(rounds[i]!.map((x) => x.browserCpu)) * 100).toFixed(0)}% of a core`,
      ]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    console.log(`\nbench:console — wrk -t2 -c${connections} -d${seconds}s, median of ${ROUNDS} interleaved rounds; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, load avg at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    console.log('\nreq/s of every round:');
    variants.forEach((v, i) => console.log(`  ${v.name}: ${rounds[i]!.map((r) => r.rps.toFixed(0)).join(', ')}`));
    console.log(`\nper request while a page is open, in-process: ${perRequestNs().toFixed(0)} ns (keeping it, batching it for pages, chart buckets)`);
  } finally {
    await chrome.close();
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
