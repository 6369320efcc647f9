import { promisify } from 'node:util';
import {
  brotliCompress,
  brotliDecompress,
  constants,
  deflate,
  deflateRaw,
  gunzip,
  gzip,
  inflate,
  inflateRaw,
  type BrotliOptions,
  type ZlibOptions,
} from 'node:zlib';

/**
 * The compression algorithms of `compress` / `decompress`, on node:zlib's
 * thread pool so a large payload does not stall the event loop. Redpanda
 * Connect also has snappy, lz4, zstd and pgzip; Node 20 has none of those
 * (pgzip is gzip made parallel, so it is accepted as gzip).
 */
export const COMPRESSION_ALGORITHMS = ['gzip', 'pgzip', 'zlib', 'flate', 'brotli'] as const;
export type CompressionAlgorithm = (typeof COMPRESSION_ALGORITHMS)[number];

/** Default ceiling on a decompressed payload, against decompression bombs. */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

type Codec = (data: Uint8Array, opts: ZlibOptions & BrotliOptions) => Promise<Buffer>;

const compressors: Record<CompressionAlgorithm, Codec> = {
  gzip: promisify(gzip),
  pgzip: promisify(gzip),
  zlib: promisify(deflate),
  flate: promisify(deflateRaw),
  brotli: promisify(brotliCompress),
};

const decompressors: Record<CompressionAlgorithm, Codec> = {
  gzip: promisify(gunzip),
  pgzip: promisify(gunzip),
  zlib: promisify(inflate),
  flate: promisify(inflateRaw),
  brotli: promisify(brotliDecompress),
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
