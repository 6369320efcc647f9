import { promisify } from 'node:util';
import {
  brotliCompress,
  brotliCompressSync,
  brotliDecompress,
  brotliDecompressSync,
  constants,
  deflate,
  deflateRaw,
  deflateRawSync,
  deflateSync,
  gunzip,
  gunzipSync,
  gzip,
  gzipSync,
  inflate,
  inflateRaw,
  inflateRawSync,
  inflateSync,
  type BrotliOptions,
  type ZlibOptions,
} from 'node:zlib';

/**
 * The compression algorithms of `compress` / `decompress`. Large payloads go
 * to node:zlib's thread pool so they do not stall the event loop; small ones
 * are done inline, where the thread-pool round trip would cost more than the
 * work (several times more for 1 KiB, measured by bench:processors). Redpanda
 * Connect also has snappy, lz4, zstd and pgzip; Node 20 has none of those
 * (pgzip is gzip made parallel, so it is accepted as gzip).
 */
export const COMPRESSION_ALGORITHMS = ['gzip', 'pgzip', 'zlib', 'flate', 'brotli'] as const;
export type CompressionAlgorithm = (typeof COMPRESSION_ALGORITHMS)[number];

/** Default ceiling on a decompressed payload, against decompression bombs. */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

/** Payloads below this many bytes are (de)compressed inline. */
export const INLINE_LIMIT = 64 * 1024;

type Opts = ZlibOptions & BrotliOptions;
type Codec = (data: Uint8Array, opts: Opts) => Promise<Buffer>;

function codec(async: (data: Uint8Array, opts: Opts, cb: (err: Error | null, out: Buffer) => void) => void, sync: (data: Uint8Array, opts: Opts) => Buffer): Codec {
  const pooled = promisify(async);
  return async (data, opts) => (data.byteLength < INLINE_LIMIT ? sync(data, opts) : pooled(data, opts));
}

const compressors: Record<CompressionAlgorithm, Codec> = {
  gzip: codec(gzip, gzipSync),
  pgzip: codec(gzip, gzipSync),
  zlib: codec(deflate, deflateSync),
  flate: codec(deflateRaw, deflateRawSync),
  brotli: codec(brotliCompress, brotliCompressSync),
};

const decompressors: Record<CompressionAlgorithm, Codec> = {
  gzip: codec(gunzip, gunzipSync),
  pgzip: codec(gunzip, gunzipSync),
  zlib: codec(inflate, inflateSync),
  flate: codec(inflateRaw, inflateRawSync),
  brotli: codec(brotliDecompress, brotliDecompressSync),
};

/** `level` follows Connect: -1 is the algorithm's default; 0-9 (0-11 for brotli) otherwise. */
export function compress(algorithm: CompressionAlgorithm, data: Uint8Array, level = -1): Promise<Buffer> {
  if (algorithm === 'brotli') {
    const params = level < 0 ? {} : { [constants.BROTLI_PARAM_QUALITY]: level };
    return compressors.brotli(data, { params });
  }
  return compressors[algorithm](data, { level });
}

export function decompress(algorithm: CompressionAlgorithm, data: Uint8Array, maxOutputLength = MAX_DECOMPRESSED_BYTES): Promise<Buffer> {
  return decompressors[algorithm](data, { maxOutputLength });
}

/** The highest level an algorithm takes. */
export function maxLevel(algorithm: CompressionAlgorithm): number {
  return algorithm === 'brotli' ? 11 : 9;
}
