/**
 * Python SDK benchmark (a script that prints tables, not a test):
 * - start-up: spawn of a Python processor plugin until it answers Init;
 * - throughput of per-message Python processors (a no-op and the sentiment
 *   function) over the real Unix socket, with hotplug's per-message results,
 *   at several batch sizes and calls in flight;
 * - RSS of an idle plugin;
 * - the plugin-side codec comparison (test/sdk-python/bench/codec.py).
 *
 * Run: npm run bench:python-sdk   (HOTPLUG_BENCH_SECONDS=2 per cell by default)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Message } from '../../src/core/message.js';
import { ProcessorService } from '../../src/wire/index.js';
import { FIXTURES, PYTHON, ROOT, SDK_PATH, rpcClient, spawnPlugin, untilAnswered, type PluginProcess } from '../sdk-python/python-plugin.js';

const SECONDS = Number(process.env.HOTPLUG_BENCH_SECONDS ?? 2);

async function started(script: string, args: string[], cwd: string, config: object) {
  const t0 = performance.now();
  const plugin = await spawnPlugin(script, args, {}, 'pipe', cwd);
  const client = rpcClient(ProcessorService, plugin.address);
  await untilAnswered(plugin, () => client.call('init', { config: config as never }));
  return { plugin, client, ms: performance.now() - t0 };
}

/** Wall time of `python3 -c <code>` (interpreter start-up plus the code). */
function pythonRun(code: string): number {
  const t0 = performance.now();
  spawnSync(PYTHON, ['-c', code], { env: { PATH: process.env.PATH ?? '', PYTHONPATH: SDK_PATH } });
  return performance.now() - t0;
}

interface Startup {
  listening: number;
  answered: number;
}

async function startup(rounds: number): Promise<Startup[]> {
  const out: Startup[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const plugin = await spawnPlugin(join(FIXTURES, 'processor.py'), ['echo']);
    const socket = plugin.address.slice('unix:'.length);
    while (!existsSync(socket)) await new Promise((r) => setTimeout(r, 1));
    const listening = performance.now() - t0;
    const client = rpcClient(ProcessorService, plugin.address);
    await untilAnswered(plugin, () => client.call('init', { config: {} }));
    out.push({ listening, answered: performance.now() - t0 });
    client.close();
    await plugin.stop();
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** CPU seconds (user + system) the plugin process has used so far. */
function cpuSeconds(plugin: PluginProcess): number {
  const fields = readFileSync(`/proc/${plugin.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function rssKiB(plugin: PluginProcess): number {
  const status = readFileSync(`/proc/${plugin.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function throughput(
  client: ReturnType<typeof rpcClient<typeof ProcessorService>>,
  makeBatch: () => Message[],
  inFlight: number,
): Promise<{ rate: number; messages: number }> {
  let messages = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        const batch = makeBatch();
        const res = await client.call('processBatch', { batch, perMessageResults: true });
        if (res.error || res.batches.length !== batch.length) throw new Error(`bad answer: ${res.error?.message}`);
        messages += batch.length;
      }
    }),
  );
  return { rate: messages / ((performance.now() - t0) / 1000), messages };
}

const SENTENCES = [
  'I love this, the new release is great!',
  'This is terrible and the docs are awful.',
  'The meeting is at 5pm in room 4.',
  'Not bad at all, but the setup was slightly confusing.',
];

async function main(): Promise<void> {
  console.log(`Python SDK benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${PYTHON}, ${SECONDS}s per cell\n`);

  const runs = await startup(7);
  const base = median([0, 1, 2, 3, 4].map(() => pythonRun('pass')));
  const grpcOnly = median([0, 1, 2, 3, 4].map(() => pythonRun('import grpc.aio, asyncio')));
  const sdk = median([0, 1, 2, 3, 4].map(() => pythonRun('import hotplug')));
  console.log('start-up, medians (ms):');
  console.log(`  python3 -c pass ${base.toFixed(0)}, + import grpc.aio ${grpcOnly.toFixed(0)}, + import hotplug ${sdk.toFixed(0)}`);
  console.log(
    `  plugin spawn → listening ${median(runs.map((r) => r.listening)).toFixed(0)}, spawn → Init answered ${median(runs.map((r) => r.answered)).toFixed(0)} (min ${Math.min(...runs.map((r) => r.answered)).toFixed(0)}, ${runs.length} runs)\n`,
  );

  const payload = 'x'.repeat(256);
  const cases = [
    { name: 'no-op (echo)', script: join(FIXTURES, 'processor.py'), args: ['echo'], cwd: FIXTURES, config: {}, text: () => payload },
    {
      name: 'sentiment',
      script: 'main.py',
      args: [],
      cwd: join(ROOT, 'functions', 'sentiment'),
      config: { threshold: 0.05, text_field: 'text', explain: false },
      text: (i: number) => SENTENCES[i % SENTENCES.length]!,
    },
  ];
  console.log('per-message processor throughput, per-message results on. "plugin CPU" is the Python process\'s');
  console.log('user+system time per message, so 1e6 / it is what one otherwise idle core could sustain:');
  console.log(
    `  ${'processor'.padEnd(14)}${'batch'.padStart(7)}${'in flight'.padStart(11)}${'msgs/s'.padStart(11)}${'calls/s'.padStart(10)}${'plugin CPU µs/msg'.padStart(19)}${'→ msgs/s/core'.padStart(15)}`,
  );
  for (const c of cases) {
    const { plugin, client } = await started(c.script, c.args, c.cwd, c.config);
    try {
      if (c === cases[0]) console.error(`  (idle RSS of the plugin: ${(rssKiB(plugin) / 1024).toFixed(1)} MiB)`);
      for (const size of [1, 10, 100, 1000]) {
        for (const inFlight of [1, 4]) {
          const cpu0 = cpuSeconds(plugin);
          const { rate, messages } = await throughput(
            client,
            () => Array.from({ length: size }, (_, i) => new Message(c.text(i), new Map([['id', i]]))),
            inFlight,
          );
          const perMsg = ((cpuSeconds(plugin) - cpu0) / messages) * 1e6;
          console.log(
            `  ${c.name.padEnd(14)}${String(size).padStart(7)}${String(inFlight).padStart(11)}${rate.toFixed(0).padStart(11)}${(rate / size).toFixed(0).padStart(10)}${perMsg.toFixed(1).padStart(19)}${(1e6 / perMsg).toFixed(0).padStart(15)}`,
          );
        }
      }
    } finally {
      client.close();
      await plugin.stop();
    }
  }

  console.log('\nplugin-side codec (Python):');
  const codec = spawnSync(PYTHON, [join(ROOT, 'test', 'sdk-python', 'bench', 'codec.py')], {
    env: { PATH: process.env.PATH ?? '', PYTHONPATH: SDK_PATH },
    encoding: 'utf8',
  });
  process.stdout.write(codec.stdout.replace(/^/gm, '  '));
  if (codec.status !== 0) process.stderr.write(codec.stderr);
}

await main();
