import type { Message, ProcessorDef, SpecProblem } from '../../core/index.js';
import { flag } from './expr.js';
import { refuseLintErrors } from './lint.js';
import { withPayload } from './merge.js';
import { COMPRESSION_ALGORITHMS, compress, decompress, maxLevel, type CompressionAlgorithm } from './formats/compression.js';

const ALGORITHM_HINT = 'use one of gzip, zlib, flate, brotli (snappy, lz4 and zstd are not available in hotplug)';

/** Compresses each message's payload; metadata and origin are kept. */
export const compressDef: ProcessorDef = {
  spec: {
    name: 'compress',
    kind: 'processor',
    summary: 'Compresses each message with gzip, zlib, flate (raw deflate) or brotli.',
    fields: [
      { name: 'algorithm', type: 'string', enum: COMPRESSION_ALGORITHMS, description: `The algorithm; ${ALGORITHM_HINT}.` },
      { name: 'level', type: 'int', default: -1, check: levelInRange, description: 'Compression level: -1 for the default, 0-9 (0-11 for brotli).' },
    ],
    lint: levelForAlgorithm,
  },
  build(conf) {
    const { algorithm, level } = conf.config as { algorithm: CompressionAlgorithm; level: number };
    refuseLintErrors(levelForAlgorithm(conf.config), conf);
    return perMessage(`compress ${algorithm}`, (data) => compress(algorithm, data, level));
  },
};

/** Decompresses each message's payload; one that fails stays as it is, flagged errored. */
export const decompressDef: ProcessorDef = {
  spec: {
    name: 'decompress',
    kind: 'processor',
    summary: 'Decompresses each message with gzip, zlib, flate (raw deflate) or brotli.',
    fields: [{ name: 'algorithm', type: 'string', enum: COMPRESSION_ALGORITHMS, description: `The algorithm; ${ALGORITHM_HINT}.` }],
  },
  build(conf) {
    const { algorithm } = conf.config as { algorithm: CompressionAlgorithm };
    return perMessage(`decompress ${algorithm}`, (data) => decompress(algorithm, data));
  },
};

function levelForAlgorithm(config: unknown): SpecProblem[] {
  const { algorithm, level } = config as { algorithm: CompressionAlgorithm; level: number };
  if (level <= maxLevel(algorithm)) return [];
  return [
    {
      severity: 'error',
      path: 'level',
      message: `level ${level} is too high for ${algorithm} (at most ${maxLevel(algorithm)})`,
      hint: `use -1 for ${algorithm}'s default, or 0-${maxLevel(algorithm)}`,
    },
  ];
}

function levelInRange(value: unknown): string | undefined {
  return typeof value === 'number' && (value < -1 || value > 11) ? `must be -1 (default) or 0-11, got ${value}` : undefined;
}

function perMessage(what: string, transform: (data: Uint8Array) => Promise<Uint8Array>) {
  return {
    async processBatch(batch: Message[]) {
      // zlib work runs on the thread pool, so the messages of a batch go in parallel.
      const out = await Promise.all(
        batch.map(async (msg) => {
          try {
            return withPayload(msg, await transform(msg.bytes()));
          } catch (err) {
            flag(msg, new Error(`${what}: ${(err as Error).message}`));
            return msg;
          }
        }),
      );
      return out.length === 0 ? [] : [out];
    },
    async close() {},
  };
}
