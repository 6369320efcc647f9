/**
 * A small ustar reader and writer, enough for hotplug bundles and no more.
 *
 * Written here rather than taken from npm because reproducibility is the
 * point: every header field is set by us (fixed mtime, uid/gid 0, no user
 * names, modes 0644/0755), so the same entries always give the same bytes.
 * Only regular files, directories and symlinks exist; long names use the
 * ustar prefix field, and anything needing pax or GNU extensions is refused.
 */

export type TarEntryType = 'file' | 'dir' | 'symlink';

export interface TarEntry {
  /** Relative path with `/` separators; directories without a trailing slash. */
  path: string;
  type: TarEntryType;
  /** Permission bits (e.g. 0o644). */
  mode: number;
  /** Contents of a file; empty for directories and symlinks. */
  data: Uint8Array;
  /** Target of a symlink. */
  linkTarget?: string;
}

const BLOCK = 512;
const TYPE_FLAG: Record<TarEntryType, string> = { file: '0', dir: '5', symlink: '2' };

/** Thrown for an archive that is not a well-formed hotplug tar. */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

/** Serialises entries in the order given, with `mtime` (seconds) on each. */
export function writeTar(entries: readonly TarEntry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const size = e.type === 'file' ? e.data.byteLength : 0;
    parts.push(header(e, size, mtime));
    if (size > 0) {
      parts.push(Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength));
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad > 0) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function header(e: TarEntry, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const { name, prefix } = splitName(e.type === 'dir' ? `${e.path}/` : e.path);
  h.write(name, 0, 100, 'utf8');
  writeOctal(h, 100, 8, e.mode & 0o7777);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, mtime);
  h.write(TYPE_FLAG[e.type], 156, 1, 'latin1');
  if (e.type === 'symlink') {
    const target = e.linkTarget ?? '';
    if (Buffer.byteLength(target) > 100) throw new TarFormatError(`symlink target too long for ustar: ${target}`);
    h.write(target, 157, 100, 'utf8');
  }
  h.write('ustar\u000000', 257, 8, 'latin1');
  writeOctal(h, 329, 8, 0);
  writeOctal(h, 337, 8, 0);
  h.write(prefix, 345, 155, 'utf8');
  // The checksum is computed with its own field read as spaces.
  h.fill(0x20, 148, 156);
  writeOctal(h, 148, 7, sum(h));
  return h;
}

/** Splits a path into ustar's name (≤100 bytes) and prefix (≤155 bytes), at a slash. */
function splitName(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { name, prefix };
  }
  throw new TarFormatError(`path too long for a ustar archive: ${path}`);
}

function writeOctal(h: Buffer, offset: number, width: number, value: number): void {
  const text = value.toString(8).padStart(width - 1, '0');
  if (text.length > width - 1) throw new TarFormatError(`value ${value} does not fit a ${width}-byte tar field`);
  h.write(text, offset, width - 1, 'latin1');
  h[offset + width - 1] = 0;
}

function sum(h: Buffer): number {
  let s = 0;
  for (const b of h) s += b;
  return s;
}

/** Parses a whole archive. Checks header checksums; refuses entry types other than file, dir and symlink. */
export function readTar(buf: Uint8Array): TarEntry[] {
  const data = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const entries: TarEntry[] = [];
  let off = 0;
  while (off + BLOCK <= data.length) {
    const h = data.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) return entries;
    const stored = readOctal(h, 148, 8);
    const expected = sum(Buffer.concat([h.subarray(0, 148), Buffer.alloc(8, 0x20), h.subarray(156)]));
    if (stored !== expected) throw new TarFormatError(`bad header checksum at offset ${off}`);
    const name = readString(h, 0, 100);
    const prefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? readString(h, 345, 155) : '';
    let path = prefix ? `${prefix}/${name}` : name;
    const flag = String.fromCharCode(h[156] as number);
    const size = readOctal(h, 124, 12);
    const mode = readOctal(h, 100, 8);
    off += BLOCK;
    if (off + size > data.length) throw new TarFormatError(`entry ${path} runs past the end of the archive`);
    const body = data.subarray(off, off + size);
    off += Math.ceil(size / BLOCK) * BLOCK;
    if (flag === '0' || flag === '\0') {
      entries.push({ path, type: 'file', mode, data: body });
    } else if (flag === '5') {
      if (path.endsWith('/')) path = path.slice(0, -1);
      entries.push({ path, type: 'dir', mode, data: new Uint8Array(0) });
    } else if (flag === '2') {
      entries.push({ path, type: 'symlink', mode, data: new Uint8Array(0), linkTarget: readString(h, 157, 100) });
    } else {
      throw new TarFormatError(`entry ${path} has unsupported type '${flag === '1' ? 'hard link' : flag}'`);
    }
  }
  throw new TarFormatError('archive ends without its end-of-archive marker');
}

function readString(h: Buffer, offset: number, width: number): string {
  const field = h.subarray(offset, offset + width);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? width : end).toString('utf8');
}

function readOctal(h: Buffer, offset: number, width: number): number {
  const text = readString(h, offset, width).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`bad number field in tar header: ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}
