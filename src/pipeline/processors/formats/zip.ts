import { crc32 } from 'node:zlib';
import { MAX_DECOMPRESSED_BYTES, compress, decompress } from './compression.js';
import type { ArchiveEntry } from './tar.js';

/**
 * A small zip reader and writer (PKWARE APPNOTE, no ZIP64, no encryption):
 * entries are deflated, or stored when deflate would not make them smaller;
 * names are UTF-8 (flag bit 11). The reader walks the central directory, so
 * entries written with data descriptors read fine, and checks every CRC-32.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const UTF8_FLAG = 0x0800;
const STORED = 0;
const DEFLATED = 8;
const MAX_ENTRIES = 0xffff;
const MAX_SIZE = 0xffffffff;

export interface ZipOptions {
  /** Deflate level 0-9 (-1: zlib's default). */
  level?: number;
  mtime?: Date;
}

export async function writeZip(entries: readonly ArchiveEntry[], opts: ZipOptions = {}): Promise<Uint8Array> {
  if (entries.length > MAX_ENTRIES) throw new Error(`zip: ${entries.length} entries is more than a zip without ZIP64 holds (${MAX_ENTRIES})`);
  const { time, date } = dosDateTime(opts.mtime ?? new Date());
  const level = opts.level ?? -1;
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const deflated = await compress('flate', entry.data, level);
    const stored = deflated.byteLength >= entry.data.byteLength;
    const body = stored ? entry.data : deflated;
    if (entry.data.byteLength > MAX_SIZE || offset > MAX_SIZE) throw new Error('zip: archive over 4 GiB needs ZIP64, which is not supported');
    const f = { method: stored ? STORED : DEFLATED, time, date, crc: crc32(entry.data), csize: body.byteLength, usize: entry.data.byteLength, name };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(20, 4);
    writeCommon(local, 6, f);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_SIG, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: unix, so the mode in external attributes counts
    central.writeUInt16LE(20, 6);
    writeCommon(central, 8, f);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.byteLength + name.byteLength + body.byteLength;
  }
  const centralSize = centrals.reduce((n, c) => n + c.byteLength, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_SIG, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

interface CommonFields {
  method: number;
  time: number;
  date: number;
  crc: number;
  csize: number;
  usize: number;
  name: Uint8Array;
}

/** The run of fields local and central headers share, from "flags" to "extra length". */
function writeCommon(b: Buffer, at: number, f: CommonFields): void {
  b.writeUInt16LE(UTF8_FLAG, at);
  b.writeUInt16LE(f.method, at + 2);
  b.writeUInt16LE(f.time, at + 4);
  b.writeUInt16LE(f.date, at + 6);
  b.writeUInt32LE(f.crc, at + 8);
  b.writeUInt32LE(f.csize, at + 12);
  b.writeUInt32LE(f.usize, at + 16);
  b.writeUInt16LE(f.name.byteLength, at + 20);
  b.writeUInt16LE(0, at + 22);
}

/**
 * Reads every file entry (directories are skipped), in central directory
 * order. `maxTotal` bounds the sum of the members' sizes (zip bombs).
 */
export async function readZip(archive: Uint8Array, maxTotal = MAX_DECOMPRESSED_BYTES): Promise<ArchiveEntry[]> {
  let budget = maxTotal;
  const b = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const endAt = findEnd(b);
  const count = b.readUInt16LE(endAt + 10);
  let at = b.readUInt32LE(endAt + 16);
  const out: ArchiveEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > b.byteLength || b.readUInt32LE(at) !== CENTRAL_SIG) throw new Error(`zip: central directory entry ${i} is damaged`);
    const flags = b.readUInt16LE(at + 8);
    const method = b.readUInt16LE(at + 10);
    const crc = b.readUInt32LE(at + 16);
    const csize = b.readUInt32LE(at + 20);
    const usize = b.readUInt32LE(at + 24);
    const nameLen = b.readUInt16LE(at + 28);
    const extraLen = b.readUInt16LE(at + 30);
    const commentLen = b.readUInt16LE(at + 32);
    const localAt = b.readUInt32LE(at + 42);
    const name = decoder.decode(b.subarray(at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
    if (csize === MAX_SIZE || usize === MAX_SIZE || localAt === MAX_SIZE) throw new Error(`zip: entry ${name} uses ZIP64, which is not supported`);
    if ((flags & 1) !== 0) throw new Error(`zip: entry ${name} is encrypted`);
    if (name.endsWith('/')) continue;
    if (localAt + 30 > b.byteLength || b.readUInt32LE(localAt) !== LOCAL_SIG) throw new Error(`zip: local header of ${name} is damaged`);
    const dataAt = localAt + 30 + b.readUInt16LE(localAt + 26) + b.readUInt16LE(localAt + 28);
    if (dataAt + csize > b.byteLength) throw new Error(`zip: entry ${name} is truncated`);
    if (usize > budget) throw new Error(`zip: members add up to more than ${maxTotal} bytes`);
    const body = b.subarray(dataAt, dataAt + csize);
    let data: Uint8Array;
    if (method === STORED) data = Uint8Array.from(body);
    else if (method === DEFLATED) data = await decompress('flate', body, Math.max(1, budget));
    else throw new Error(`zip: entry ${name} uses compression method ${method}; only stored and deflate are supported`);
    if (data.byteLength !== usize || crc32(data) !== crc) throw new Error(`zip: entry ${name} fails its CRC-32 check`);
    budget -= data.byteLength;
    out.push({ name, data });
  }
  return out;
}

function findEnd(b: Buffer): number {
  // The end record is 22 bytes plus a comment of up to 64 KiB, so search backwards.
  const stop = Math.max(0, b.byteLength - 22 - 0xffff);
  for (let i = b.byteLength - 22; i >= stop; i--) {
    if (b.readUInt32LE(i) === END_SIG) return i;
  }
  throw new Error('zip: no end of central directory record (not a zip archive)');
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}
