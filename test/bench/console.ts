// npm run bench:console — what the dev console costs the requests it watches: bench:http's host + TS
// plugin target without the console (twice per round: the A/A pair that shows the noise), with it
// mounted and no page open, with its event stream read by a plain reader in node (the server's side of
// a page, no browser), and with a page open in a headless Chromium (Debian's, as the browser tests) on
// the Requests panel, which updates live. Load from wrk (a separate process), 64 connections; the
// variants interleave, in a fresh (seeded) order each round. CPU per process from /proc during each run.
// env: BENCH_SECONDS (per wrk run, default 5), BENCH_ROUNDS (interleaved rounds, default 5).
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
import { type Result, wrk } from './wrk.js';

interface Measured extends Result {
  raw: string;
  /** CPU µs per request of the host process, of its plugin processes. */
  hostUs: number;
  pluginUs: number;
  /** Share of one core the browser's processes used during the run. */
  browserCpu: number;
  /** Event-stream bytes and messages per second (the node reader only). */
  stream?: { bytes: number; messages: number };
  /** The page only: share of a core per Chromium process type, and the renderer's main-thread work (CDP Performance metrics). */
  browser?: { byType: Record<string, number>; metrics: Record<string, number> };
}

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

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone
  }
}

/** CPU seconds (user + system) the processes used so far, from /proc. */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
}

/** CPU seconds per Chromium process type (browser, renderer, gpu-process, utility: the network service). */
function cpuByType(pids: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of pids) {
    let type = 'browser';
    try {
      type = /--type=(\S+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '))?.[1] ?? 'browser';
    } catch {
      continue;
    }
    out[type] = (out[type] ?? 0) + cpuSeconds([pid]);
  }
  return out;
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'];

/** The plugin processes a host started (its children). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n) && statFields(Number(n))?.[1] === String(pid))
    .map(Number);
}

/** An event-stream reader in this process: the console's server side with a page open, without a browser. */
async function openStream(url: string): Promise<{ close(): void; read(): { bytes: number; messages: number } }> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  const reader = res.body!.getReader();
  let bytes = 0;
  let messages = 0;
  const drain = (): void => {
    reader.read().then(
      (r) => {
        if (r.done) return;
        bytes += r.value.length;
        for (const b of r.value) if (b === 10) messages++; // \n; each message ends in a blank line
        drain();
      },
      () => undefined,
    );
  };
  drain();
  return { close: () => ac.abort(), read: () => ({ bytes, messages: messages / 3 }) };
}

async function up(url: string): Promise<void> {
  await waitFor(async () => (await fetch(url, { method: 'POST', body: 'ping' })).ok, { timeoutMs: 60_000, what: url });
}

/** ns per request of what an open console does with each request record on the hot path, and per flush, in this process. */
function perRequestNs(): { add: number; all: number } {
  const routes = ['/a', '/b', '/c', '/d'];
  const records: RequestRecord[] = Array.from({ length: 4096 }, (_, i) => ({ time: Date.now() + i, method: 'POST', path: routes[i % 4]!, route: routes[i % 4]!, stream: 's', status: i % 50 === 0 ? 500 : 200, ms: (i % 97) / 10 }));
  const n = 2_000_000;
  const time = (flushEvery: number): number => {
    const log = new RequestLog();
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      log.add(records[i % 4096]!);
      if (i % flushEvery === 0) {
        log.flush();
        log.closeSeconds(Date.now() + 10_000);
      }
    }
    return ((performance.now() - started) * 1e6) / n;
  };
  return { add: time(n), all: time(2000) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-bench-console-'));
  const chrome = await launchChromium();
  const load = loadavg();
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
    /** The console stops recording 200 ms after its last page went (the host's BENCH_CONSOLE linger); a closed page's renderer takes a moment to go. */
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1000));
    /** A wrk run with the CPU the host, its plugins and the browser used during it. */
    const measured = (url: string, host: ChildProcess): Measured => {
      const plugins = childrenOf(host.pid!);
      const before = [cpuSeconds([host.pid!]), cpuSeconds(plugins), cpuSeconds(chrome.pids())];
      const r = wrk(url, seconds, script, connections);
      const n = Math.max(1, r.requests);
      return {
        ...r,
        hostUs: ((cpuSeconds([host.pid!]) - before[0]!) * 1e6) / n,
        pluginUs: ((cpuSeconds(plugins) - before[1]!) * 1e6) / n,
        browserCpu: (cpuSeconds(chrome.pids()) - before[2]!) / seconds,
      };
    };
    const variants: Array<{ name: string; run: () => Measured | Promise<Measured> }> = [
      { name: 'no console (A)', run: () => measured(plain, plainHost) },
      { name: 'no console again (A′: the A/A noise)', run: () => measured(plain, plainHost) },
      { name: 'console mounted, no page open', run: () => measured(watched, consoleHost) },
      {
        name: 'event stream open (a reader in node, no browser)',
        run: async () => {
          const stream = await openStream(`http://127.0.0.1:${consolePort}/_hotplug/events`);
          const before = stream.read();
          const r = measured(watched, consoleHost);
          await settle(); // wrk ran synchronously: let the reader take in what arrived meanwhile
          const after = stream.read();
          stream.close();
          return { ...r, stream: { bytes: (after.bytes - before.bytes) / seconds, messages: (after.messages - before.messages) / seconds } };
        },
      },
      {
        name: 'page open in Chromium (Requests panel, live)',
        run: async () => {
          page = await chrome.browser.newPage({ viewport: { width: 1280, height: 760 } });
          await page.goto(`http://127.0.0.1:${consolePort}/_hotplug/#requests`);
          await page.locator('[data-testid=conn].live').waitFor({ timeout: 60_000 });
          // Measured with the page open, not while it opens: its first load (a renderer starting, the
          // script parsed, the first layout) is a one-off, not what an open page costs the server.
          await new Promise((r) => setTimeout(r, 2000));
          const cdp = await page.context().newCDPSession(page);
          await cdp.send('Performance.enable');
          const metrics = async (): Promise<Record<string, number>> => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.filter((m) => METRICS.includes(m.name)).map((m) => [m.name, m.value]));
          const [m0, t0] = [await metrics(), cpuByType(chrome.pids())];
          const r = measured(watched, consoleHost);
          const [m1, t1] = [await metrics(), cpuByType(chrome.pids())];
          const browser = {
            byType: Object.fromEntries(Object.entries(t1).map(([k, v]) => [k, (v - (t0[k] ?? 0)) / seconds])),
            metrics: Object.fromEntries(METRICS.map((k) => [k, ((m1[k] ?? 0) - (m0[k] ?? 0)) / seconds])),
          };
          const shown = await page.textContent('nav a[href="#requests"]');
          await page.close();
          page = undefined;
          await settle();
          if (!/Requests \(\d{3}/.test(shown ?? '')) throw new Error(`the page did not show the requests under load: ${shown}`);
          return { ...r, browser };
        },
      },
    ];
    wrk(plain, 2, script, connections); // warm-up: JIT, plugin pools, keep-alive connections
    wrk(watched, 2, script, connections);
    const rounds: Measured[][] = variants.map(() => []);
    let seed = 16;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < ROUNDS; round++) {
      // A fresh order each round (seeded, so every run uses the same ones): no variant always runs
      // right after another (after the page closes, Chromium's teardown still takes some CPU).
      const order = variants.map((_, i) => i);
      for (let k = order.length - 1; k > 0; k--) {
        const j = Math.floor(random() * (k + 1));
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
      for (const i of order) {
        const v = variants[i]!;
        const r = await v.run();
        if (r.rps === 0) process.stderr.write(`${v.name}: wrk printed\n${r.raw}\n`);
        rounds[i]!.push({ ...r, name: v.name });
        process.stderr.write(`round ${round + 1} ${v.name}: ${r.rps.toFixed(0)} req/s, host ${r.hostUs.toFixed(0)} µs/request, browser ${(r.browserCpu * 100).toFixed(0)}%\n`);
      }
    }
    // Each round's runs against the same round's A: runs close together, so slow spells of the shared
    // machine cancel. A′ against A is the noise band; the console's variants are compared with the
    // mean of A and A′ of their round (both without a console).
    const base = (i: number, round: number): number => (i === 1 ? rounds[0]![round]!.rps : (rounds[0]![round]!.rps + rounds[1]![round]!.rps) / 2);
    const ratios = rounds.map((rs, i) => rs.map((r, round) => r.rps / base(i, round) - 1));
    const rows = [
      ['hotplug host + TS plugin', 'req/s', 'vs no console (median)', 'per round (min … max)', 'host CPU/request', 'plugin CPU/request', 'browser CPU'],
      ...variants.map((v, i) => {
        const rs = rounds[i]!;
        return [
          v.name,
          median(rs.map((r) => r.rps)).toFixed(0),
          i === 0 ? '–' : pct(median(ratios[i]!)),
          i === 0 ? '–' : `${pct(Math.min(...ratios[i]!))} … ${pct(Math.max(...ratios[i]!))}`,
          `${median(rs.map((r) => r.hostUs)).toFixed(0)} µs`,
          `${median(rs.map((r) => r.pluginUs)).toFixed(0)} µs`,
          i === variants.length - 1 ? `${(median(rs.map((r) => r.browserCpu)) * 100).toFixed(0)}% of a core` : '–',
        ];
      }),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    console.log(`\nbench:console — wrk -t2 -c${connections} -d${seconds}s, ${ROUNDS} interleaved rounds; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, load avg before ${load.map((l) => l.toFixed(1)).join(' ')}, after ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    const band = [Math.min(...ratios[1]!), Math.max(...ratios[1]!)] as const;
    const opened = median(ratios[4]!);
    console.log(
      `\npage open vs no console: ${pct(opened)} (median of the rounds' pairs); A/A noise band ${pct(band[0])} … ${pct(band[1])}: ${opened >= band[0] && opened <= band[1] ? 'within the noise' : 'outside the noise'}`,
    );
    console.log('\nreq/s of every round:');
    variants.forEach((v, i) => console.log(`  ${v.name}: ${rounds[i]!.map((r) => r.rps.toFixed(0)).join(', ')}`));
    const streamed = rounds[3]!.map((r) => r.stream!);
    console.log(`\nevent stream under load: ${(median(streamed.map((s) => s.bytes)) / 1024).toFixed(1)} KiB/s in ${median(streamed.map((s) => s.messages)).toFixed(1)} messages/s`);
    const pages = rounds[4]!.map((r) => r.browser!);
    const share = (xs: number[]): string => `${(median(xs) * 100).toFixed(1)}%`;
    const types = [...new Set(pages.flatMap((b) => Object.keys(b.byType)))].sort();
    console.log(`Chromium with the page open, share of a core by process: ${types.map((t) => `${t} ${share(pages.map((b) => b.byType[t] ?? 0))}`).join(', ')}`);
    console.log(`the page's main thread (CDP Performance metrics, share of the run): ${METRICS.map((k) => `${k.replace('Duration', '')} ${share(pages.map((b) => b.metrics[k] ?? 0))}`).join(', ')}`);
    const ns = perRequestNs();
    console.log(`console work per request while a page is open, in-process: ${ns.add.toFixed(0)} ns on the request path, ${ns.all.toFixed(0)} ns with the periodic flush (batches for pages, chart buckets)`);
  } finally {
    await chrome.close();
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
