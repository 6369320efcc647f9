// npm run bench:plugin — the host side of the plugin runtime, measured against the fixture
// plugin (which uses the same src/wire codec), so the numbers are the host's overhead plus
// one gRPC round trip over a Unix socket:
//  1. sequential ProcessBatch throughput at batch sizes 1, 10, 100, 1000 (256-byte payloads);
//  2. 64 concurrent single-message callers, with and without per-message coalescing;
//  3. the wire codec alone (encode + decode of a ProcessBatch request) for scale.
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSilentLogger } from '../../src/core/log.js';
import { Message } from '../../src/core/message.js';
import type { PluginManifest } from '../../src/core/spec.js';
import { createPluginRuntime } from '../../src/plugin/index.js';
import { codecs } from '../../src/wire/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = join(root, 'test', 'fixtures', 'plugins');
const fixture = (...flags: string[]): PluginManifest => ({
  name: 'bench', type: 'processor', command: ['node', join(dir, 'fixture.mjs'), 'processor', 'ok', ...flags],
  cwd: dir, fields: [], file: join(dir, 'bench.yaml'), dir,
});
const payload = Buffer.alloc(256, 0x61);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 2);

async function timed(fn: () => Promise<number>): Promise<{ msgs: number; calls: number; ms: number; cpuUs: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let msgs = 0;
  let calls = 0;
  while (performance.now() - start < seconds * 1000) {
    msgs += await fn();
    calls++;
  }
  const used = process.cpuUsage(cpu);
  return { msgs, calls, ms: performance.now() - start, cpuUs: used.user + used.system };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const rt = createPluginRuntime({ log: createSilentLogger(), repoRoot: root });
try {
  console.log(`plugin host bench on ${cpus().length} cpu(s), ${cpus()[0]?.model ?? ''}, node ${process.version}\n`);
  console.log('Host CPU is the host process\'s own CPU time per call and per message (load-independent-ish).\n');
  console.log('| batch size | calls/s | msgs/s | host CPU µs/call | host CPU µs/msg | wire codec only, msgs/s |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  const p = rt.processor(fixture(), {});
  await p.start();
  for (const size of [1, 10, 100, 1000]) {
    const batch = Array.from({ length: size }, () => new Message(payload));
    for (let i = 0; i < 50; i++) await p.processBatch(batch); // warm up
    const r = await timed(async () => (await p.processBatch(batch))[0]?.length ?? 0);
    const c = await timed(async () => {
      codecs.processBatchRequest.decode(codecs.processBatchRequest.encode({ batch }));
      return size;
    });
    console.log(`| ${size} | ${fmt((r.calls / r.ms) * 1000)} | ${fmt((r.msgs / r.ms) * 1000)} | ${(r.cpuUs / r.calls).toFixed(0)} | ${(r.cpuUs / r.msgs).toFixed(2)} | ${fmt((c.msgs / c.ms) * 1000)} |`);
  }

  console.log('\n| 64 concurrent callers, 1 msg each | calls/s | ProcessBatch RPCs/s |');
  console.log('|---|---:|---:|');
  for (const [label, flags] of [['one call per batch', []], ['coalesced (hotplug_per_message)', ['--per-message']]] as const) {
    const q = rt.processor(fixture(...flags), {});
    await q.start();
    const rpcs = new Set<unknown>();
    const r = await timed(async () => {
      const outs = await Promise.all(Array.from({ length: 64 }, () => q.processBatch([new Message(payload)])));
      for (const o of outs) rpcs.add(o[0]?.[0]?.metadata.get('call'));
      return 64;
    });
    console.log(`| ${label} | ${fmt((r.msgs / r.ms) * 1000)} | ${fmt((rpcs.size / r.ms) * 1000)} |`);
  }
} finally {
  await rt.close();
}
