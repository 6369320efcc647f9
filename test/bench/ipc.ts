/**
 * bench:ipc — messages/s through no-op plugins over a Unix socket, next to a
 * bare grpc-js echo of the same request bytes (the floor), plus start-up time
 * and idle RSS of TS and Python plugins.
 *
 * Every plugin is its own process; the host side runs here and pays for the
 * real codec (encoding core Messages, decoding the answer) and the host's
 * real transport (src/wire/channel.ts on node:http2). The floor is what the
 * issue names: a raw @grpc/grpc-js client and server echoing the bytes. "sequential" is
 * one call in flight (round-trip bound); "N in flight" keeps N calls going, as
 * a pipeline with several threads does. Each cell is the median of ROUNDS
 * rounds of ROUND_MS, rows interleaved so that load from other processes hits
 * them alike. CPU columns are CPU time per call (host = this process, plugin
 * = the plugin process), which stays meaningful when the machine is busy.
 *
 * env: BENCH_ROUND_MS (default 1500), BENCH_ROUNDS (default 3), BENCH_SIZES
 * (default 1,10,100,1000), BENCH_IN_FLIGHT (default 4), BENCH_NO_PYTHON=1, BENCH_NO_STARTUP=1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Message } from '../../src/core/message.js';
import { ProcessorService, UnaryChannel, codecs } from '../../src/wire/index.js';
import { repoRoot, startPlugin, type RunningPlugin } from '../sdk-ts/harness.js';

const SIZES = (process.env['BENCH_SIZES'] ?? '1,10,100,1000').split(',').map(Number);
const PAYLOAD_BYTES = 256;
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 1500);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const IN_FLIGHT = Number(process.env['BENCH_IN_FLIGHT'] ?? 4);
const withPython = process.env['BENCH_NO_PYTHON'] !== '1';
const CLOCK_TICK_US = 10_000; // Linux USER_HZ = 100

const fixtures = join(repoRoot, 'test/fixtures/bench');
const echoServer = join(repoRoot, 'dist/test/bench/ipc-echo-server.js');

const identity = (b: Buffer): Buffer => b;
const EchoService = {
  echo: { path: '/bench.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
} as const;

function makeBatch(n: number): Message[] {
  const payload = Buffer.alloc(PAYLOAD_BYTES, 'x');
  return Array.from({ length: n }, () => new Message(payload));
}

interface Row {
  name: string;
  plugin: RunningPlugin;
  /** A call for a batch of `n` messages; checks the answer's shape. */
  call(n: number): () => Promise<void>;
}

interface Sample {
  callsPerSec: number;
  hostCpuUs: number;
  pluginCpuUs: number;
}

function processCpuUs(pid: number | undefined): number {
  // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_US;
}

/** Keeps `inFlight` loops of back-to-back calls going for `ms`. */
async function measure(row: Row, call: () => Promise<void>, ms: number, inFlight: number): Promise<Sample> {
  let calls = 0;
  const start = performance.now();
  const end = start + ms;
  const host0 = process.cpuUsage();
  const plugin0 = processCpuUs(row.plugin.child.pid);
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      await call();
      calls++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  const secs = (performance.now() - start) / 1000;
  const host = process.cpuUsage(host0);
  return {
    callsPerSec: calls / secs,
    hostCpuUs: (host.user + host.system) / calls,
    pluginCpuUs: (processCpuUs(row.plugin.child.pid) - plugin0) / calls,
  };
}

async function processorRow(name: string, entry: string): Promise<Row> {
  const plugin = await startPlugin({ entry });
  const init = await plugin.client(ProcessorService).init({ config: {} });
  if (init.error) throw new Error(`${name}: Init failed: ${init.error.message}`);
  // As the host does: per-message plugins are asked for one result batch per message.
  const perMessageResults = init.perMessage === true;
  // Calls go through the host's own transport (src/wire/channel.ts), as a pipeline's do.
  const channel = new UnaryChannel(plugin.address, { maxMessageBytes: 64 << 20 });
  return {
    name: `${name}${perMessageResults ? ' (per-message results)' : ''}`,
    plugin,
    call(n) {
      const batch = makeBatch(n);
      return async () => {
        const res = await channel.call(ProcessorService.processBatch, { batch, perMessageResults });
        let out = 0;
        for (const b of res.batches) out += b.length;
        if (out !== n || res.error) throw new Error(`${name}: expected ${n} messages back, got ${out} ${res.error?.message ?? ''}`);
      };
    },
  };
}

async function echoRow(): Promise<Row> {
  const plugin = await startPlugin({ entry: echoServer });
  const rpc = plugin.client(EchoService);
  return {
    name: 'raw grpc-js echo (floor)',
    plugin,
    call(n) {
      // The exact bytes of a ProcessBatch request for this batch, encoded once.
      const bytes = codecs.processBatchRequest.encode({ batch: makeBatch(n) });
      return async () => {
        const res = await rpc.echo(bytes);
        if (res.byteLength !== bytes.byteLength) throw new Error('echo: wrong length');
      };
    },
  };
}

function rssKiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Spawn → first Init answer (wall and the plugin's CPU time), and RSS once idle, over several fresh starts. */
async function startup(entry: string, times: number): Promise<{ ms: number[]; cpuMs: number[]; rss: number[] }> {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < times; i++) {
    const plugin = await startPlugin({ entry });
    try {
      await plugin.client(ProcessorService).init({ config: {} });
      ms.push(performance.now() - plugin.spawnedAt);
      cpuMs.push(processCpuUs(plugin.child.pid) / 1000);
      await new Promise((r) => setTimeout(r, 300));
      rss.push(rssKiB(plugin.child.pid));
    } finally {
      await plugin.dispose();
    }
  }
  return { ms, cpuMs, rss };
}

async function startups(starts: [string, string][]): Promise<void> {
  console.log('| plugin | spawn → Init answered (min / median of 5) | plugin CPU until then (median) | idle RSS (median) |');
  console.log('|---|---:|---:|---:|');
  for (const [name, entry] of starts) {
    const s = await startup(entry, 5);
    console.log(`| ${name} | ${Math.min(...s.ms).toFixed(0)} ms / ${median(s.ms).toFixed(0)} ms | ${median(s.cpuMs).toFixed(0)} ms | ${(median(s.rss) / 1024).toFixed(1)} MiB |`);
  }
  console.log('');
}

async function table(rows: Row[], sizes: number[], inFlight: number): Promise<void> {
  console.log(`${inFlight === 1 ? 'sequential (1 call in flight)' : `${inFlight} calls in flight`}:\n`);
  console.log('| batch | path | calls/s | msgs/s | vs floor | host CPU µs/call | plugin CPU µs/call |');
  console.log('|---:|---|---:|---:|---:|---:|---:|');
  for (const n of sizes) {
    const calls = rows.map((r) => r.call(n));
    for (let i = 0; i < rows.length; i++) await measure(rows[i]!, calls[i]!, Math.min(300, ROUND_MS), inFlight); // warm-up
    const samples: Sample[][] = rows.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < rows.length; i++) samples[i]!.push(await measure(rows[i]!, calls[i]!, ROUND_MS, inFlight));
    }
    const floor = median(samples[0]!.map((s) => s.callsPerSec));
    rows.forEach((r, i) => {
      const s = samples[i]!;
      const cps = median(s.map((x) => x.callsPerSec));
      const vs = i === 0 ? '—' : `${((cps / floor) * 100).toFixed(0)}%`;
      const host = median(s.map((x) => x.hostCpuUs));
      const plugin = median(s.map((x) => x.pluginCpuUs));
      console.log(`| ${n} | ${r.name} | ${fmt(cps)} | ${fmt(cps * n)} | ${vs} | ${fmt(host)} | ${fmt(plugin)} |`);
    });
  }
  console.log('');
}

async function main(): Promise<void> {
  console.log(`bench:ipc — ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, node ${process.version}, load avg ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`payload ${PAYLOAD_BYTES} B/message; median of ${ROUNDS} × ${ROUND_MS} ms per cell\n`);

  const starts: [string, string][] = [['TS processor', join(fixtures, 'noop.ts')]];
  if (withPython) starts.push(['Python processor', join(fixtures, 'noop.py')]);
  if (process.env['BENCH_NO_STARTUP'] !== '1') await startups(starts);

  const rows: Row[] = [];
  try {
    rows.push(await echoRow());
    rows.push(await processorRow('TS processor', join(fixtures, 'noop.ts')));
    rows.push(await processorRow('TS batchProcessor', join(fixtures, 'noop-batch.ts')));
    if (withPython) rows.push(await processorRow('Python processor', join(fixtures, 'noop.py')));
    await table(rows, SIZES, 1);
    if (IN_FLIGHT > 1) await table(rows, SIZES.filter((n) => n >= 100), IN_FLIGHT);
  } finally {
    await Promise.allSettled(rows.map((r) => r.plugin.dispose()));
  }
  console.log(`load avg at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

await main();
