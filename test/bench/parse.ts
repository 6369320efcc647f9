/**
 * npm run bench:parse — how long a save of a big pipeline file stalls
 * serving in `hotplug dev`: requests flow to a small route (load from a
 * separate process) while a ~BENCH_MIB MiB pipeline file is saved SAVES
 * times valid, then SAVES times broken (one error at its end); each save
 * waits for the reload (or the error) in the log. Reports the worst and p99
 * request latency per phase, the worst per MiB saved, and the host's own
 * longest event-loop stall in the phase (from its /metrics; the clients'
 * latencies also hold the load generator's own pauses). BASELINE=dir runs
 * another checkout's CLI (built) in the same run, e.g. the pre-work one.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startProcess, waitForPing } from '../helpers/cli.js';
import { startLoad, type LoadSummary } from '../helpers/load.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { bigPipeline } from '../helpers/big-pipeline.js';
import { printTable } from './reload-measure.js';

const MIB = Number(process.env['BENCH_MIB'] ?? 1.9);
const SAVES = Number(process.env['SAVES'] ?? 3);
const IDLE_SECONDS = Number(process.env['IDLE_SECONDS'] ?? 3);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 2);
const here = resolve(new URL('../../../', import.meta.url).pathname);
const targets: Array<[string, string]> = [['this checkout', here]];
if (process.env['BASELINE']) targets.unshift([`baseline (${process.env['BASELINE']})`, resolve(process.env['BASELINE'])]);

const small = 'input:\n  http_server:\n    path: /r\npipeline:\n  processors:\n    - mapping: root = "ok"\noutput:\n  sync_response: {}\n';

interface Phase {
  name: string;
  summary: LoadSummary;
  mib: number;
  /** The host's own longest event-loop stall in the phase (ms), free of the load generator's pauses. */
  loopMaxMs: number;
}

/** prom-client samples the event loop every 10 ms and resets its histogram at each scrape. */
const LOOP_RESOLUTION_MS = 10;
async function loopMaxMs(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  return m ? Math.max(0, Number(m[1]) * 1000 - LOOP_RESOLUTION_MS) : NaN;
}

async function measure(root: string): Promise<Phase[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-bench-parse-'));
  const big = join(dir, 'big.yaml');
  writeFileSync(join(dir, 'small.yaml'), small);
  writeFileSync(big, bigPipeline(MIB * 1024 * 1024, '/big', 0));
  const mib = statSync(big).size / 1024 / 1024;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dev = startProcess(process.execPath, [join(root, 'bin', 'hotplug.js'), 'dev', dir, '--port', String(port)], { env: { HOTPLUG_LOG_LEVEL: 'info' } });
  const count = (text: string): number => dev.stderr().split(text).length - 1;
  const phases: Phase[] = [];
  try {
    await waitForPing(base, 120_000);
    await waitFor(async () => (await fetch(`${base}/r`, { method: 'POST' })).ok, { timeoutMs: 120_000, what: '/r answering' });
    const phase = async (name: string, run: () => Promise<void>): Promise<void> => {
      const load = startLoad({ urls: [`${base}/r`], concurrency: CONCURRENCY });
      let loop = NaN;
      try {
        await waitFor(() => load.firstSeen(`${base}/r`, () => true), { timeoutMs: 30_000, what: 'the load generator answered' });
        await loopMaxMs(base); // resets the host's histogram: what follows is this phase's
        await run();
        loop = await loopMaxMs(base);
      } finally {
        phases.push({ name, summary: await load.stop(), mib, loopMaxMs: loop });
      }
    };
    await phase('idle (no saves)', () => new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000)));
    let version = 0;
    const saves = async (broken: boolean, marker: string): Promise<void> => {
      for (let i = 0; i < SAVES; i++) {
        const before = count(marker);
        writeFileSync(big, bigPipeline(MIB * 1024 * 1024, '/big', ++version, broken));
        await waitFor(() => count(marker) > before, { timeoutMs: 120_000, intervalMs: 20, what: `${marker} in the dev log` });
      }
    };
    await phase(`${SAVES} valid saves`, () => saves(false, 'reloaded '));
    await phase(`${SAVES} broken saves`, () => saves(true, 'the previous version keeps serving'));
  } finally {
    await dev.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  return phases;
}

const rows = [['target', 'phase', 'requests', 'p99 ms', 'max ms', 'max ms per MiB', 'host loop stall max ms']];
for (const [name, root] of targets) {
  for (const p of await measure(root)) {
    const { summary: s } = p;
    rows.push([name, p.name, String(s.ok + s.failed), s.p99Ms.toFixed(1), s.maxMs.toFixed(1), p.name.startsWith('idle') ? '' : (s.maxMs / p.mib).toFixed(1), p.loopMaxMs.toFixed(1)]);
  }
}
console.log(`\nbench:parse — a ${MIB} MiB pipeline saved in hotplug dev while ${CONCURRENCY} clients (separate process) call a small route; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
printTable(rows);
