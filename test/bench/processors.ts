// Throughput of the batch-wide processors on realistic batches: `npm run bench:processors`.
// Each case builds the processor once, as a stream does, and runs it on a fresh
// batch of N messages many times; the table shows batches/s and payload MB/s.
import { cpus } from 'node:os';
import { Message, createSilentLogger, type Batch, type BuildContext, type Processor } from '../../src/core/index.js';
import { compileInterpolation } from '../../src/expr/index.js';
import { batchProcessorDefs } from '../../src/pipeline/processors/index.js';

const defs = new Map(batchProcessorDefs.map((d) => [d.spec.name, d]));
const ctx: BuildContext = {
  streamId: 'bench',
  log: createSilentLogger(),
  buildProcessors: (confs) => confs.map((c) => (defs.get(c.type) as NonNullable<ReturnType<typeof defs.get>>).build(c, ctx)),
  buildInput: () => {
    throw new Error('unused');
  },
  buildOutput: () => {
    throw new Error('unused');
  },
  resourceProcessor: () => {
    throw new Error('unused');
  },
};

function build(type: string, config: unknown): Processor {
  const location = { file: 'bench.yaml' };
  return ctx.buildProcessors([{ kind: 'processor', type, config, processors: [], location, locate: () => location }])[0] as Processor;
}

/** JSON-ish 1 KiB payloads, compressible like real events. */
function makeBatch(n: number, size = 1024): Batch {
  return Array.from({ length: n }, (_, i) => {
    const body = JSON.stringify({ id: i, user: `user-${i % 17}`, pad: 'x'.repeat(Math.max(0, size - 60)) }).slice(0, size);
    return new Message(body, new Map([['partition', String(i % 4)]]));
  });
}

interface Case {
  name: string;
  proc: Processor;
  input: () => Batch;
}

const path = compileInterpolation('${! meta("partition") }/${! batch_index() }.json');
const packed = async (format: string, algo?: string): Promise<Batch> => {
  let b = (await build('archive', { format, path }).processBatch(makeBatch(100)))[0] as Batch;
  if (algo) b = (await build('compress', { algorithm: algo, level: -1 }).processBatch(b))[0] as Batch;
  return b;
};
const tar = await packed('tar');
const zip = await packed('zip');
const tgz = await packed('tar', 'gzip');

const cases: Case[] = [
  { name: 'split size 10 (100 msgs)', proc: build('split', { size: 10, byte_size: 0 }), input: () => makeBatch(100) },
  { name: 'group_by_value meta (100 msgs)', proc: build('group_by_value', { value: compileInterpolation('${! meta("partition") }') }), input: () => makeBatch(100) },
  { name: 'archive lines (100 msgs)', proc: build('archive', { format: 'lines', path: '' }), input: () => makeBatch(100) },
  { name: 'archive tar (100 msgs)', proc: build('archive', { format: 'tar', path }), input: () => makeBatch(100) },
  { name: 'archive zip (100 msgs)', proc: build('archive', { format: 'zip', path }), input: () => makeBatch(100) },
  { name: 'unarchive tar (100 members)', proc: build('unarchive', { format: 'tar' }), input: () => tar.map((m) => m.copy()) },
  { name: 'unarchive zip (100 members)', proc: build('unarchive', { format: 'zip' }), input: () => zip.map((m) => m.copy()) },
  { name: 'compress gzip (100 msgs)', proc: build('compress', { algorithm: 'gzip', level: -1 }), input: () => makeBatch(100) },
  { name: 'compress brotli q5 (100 msgs)', proc: build('compress', { algorithm: 'brotli', level: 5 }), input: () => makeBatch(100) },
  { name: 'decompress gzip tar.gz (100 KiB)', proc: build('decompress', { algorithm: 'gzip' }), input: () => tgz.map((m) => m.copy()) },
];

async function measure(c: Case): Promise<{ perSec: number; mbPerSec: number }> {
  const bytes = c.input().reduce((n, m) => n + m.byteSize(), 0);
  for (let i = 0; i < 20; i++) await c.proc.processBatch(c.input());
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const n = 50;
    const inputs = Array.from({ length: n }, c.input);
    const start = process.hrtime.bigint();
    for (const b of inputs) await c.proc.processBatch(b);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9 / n);
  }
  return { perSec: 1 / best, mbPerSec: bytes / best / 1e6 };
}

console.log(`batch processors, node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} (${cpus().length} cores)\n`);
console.log(`${'case'.padEnd(36)} ${'batches/s'.padStart(10)} ${'MB/s'.padStart(8)}`);
for (const c of cases) {
  const { perSec, mbPerSec } = await measure(c);
  console.log(`${c.name.padEnd(36)} ${perSec.toFixed(0).padStart(10)} ${mbPerSec.toFixed(1).padStart(8)}`);
}
