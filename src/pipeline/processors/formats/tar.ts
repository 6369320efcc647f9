/**
 * A small ustar reader and writer: enough for `archive: tar` and
 * `unarchive: tar` to exchange regular files with GNU tar, bsdtar and Go's
 * archive/tar. Names that do not fit ustar's 100-byte name (plus 155-byte
 * prefix) are written as a PAX `path` record; the reader also understands
 * GNU `L` long names. Everything that is not a regular file is skipped.
 */
export interface ArchiveEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function writeTar(entries: readonly ArchiveEntry[], mtime = new Date()): Uint8Array {
  const seconds = Math.floor(mtime.getTime() / 1000);
  // Plan every block first, so the archive is written into one allocation.
  const parts: { header: HeaderFields; data: Uint8Array }[] = [];
  for (const entry of entries) {
    const split = splitUstarName(entry.name);
    if (split === undefined) {
      const record = paxRecord('path', entry.name);
      parts.push({ header: { name: 'PaxHeaders/' + asciiTail(entry.name), size: record.byteLength, type: 'x', mtime: seconds }, data: record });
      parts.push({ header: { name: asciiTail(entry.name), size: entry.data.byteLength, type: '0', mtime: seconds }, data: entry.data });
    } else {
      parts.push({ header: { ...split, size: entry.data.byteLength, type: '0', mtime: seconds }, data: entry.data });
    }
  }
  const total = parts.reduce((n, p) => n + BLOCK + Math.ceil(p.data.byteLength / BLOCK) * BLOCK, 0) + BLOCK * 2;
  const out = Buffer.alloc(total);
  let at = 0;
  for (const p of parts) {
    writeHeader(out, at, p.header);
    out.set(p.data, at + BLOCK);
    at += BLOCK + Math.ceil(p.data.byteLength / BLOCK) * BLOCK;
  }
  return out;
}

export function readTar(archive: Uint8Array): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  if (archive.byteLength > 0 && archive.byteLength < BLOCK) throw new Error('tar: archive is shorter than one header');
  while (offset + BLOCK <= archive.byteLength) {
    const h = archive.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) break;
    if (!checksumMatches(h)) throw new Error(`tar: bad header checksum at byte ${offset}`);
    const size = readOctal(h, 124, 12);
    const type = String.fromCharCode(h[156] as number);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.byteLength) throw new Error(`tar: entry at byte ${offset} is truncated`);
    const data = archive.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longName = parsePax(data).get('path') ?? longName;
    } else if (type === 'L') {
      longName = decoder.decode(data).replace(/\0+$/, '');
    } else if (type === '0' || type === '\0' || type === '7') {
      const prefix = readString(h, 345, 155);
      const name = readString(h, 0, 100);
      out.push({ name: longName ?? (prefix ? `${prefix}/${name}` : name), data: Uint8Array.from(data) });
      longName = undefined;
    } else {
      // Directories, links, devices, global PAX headers: no payload to hand on.
      if (type !== 'g') longName = undefined;
    }
  }
  return out;
}

interface HeaderFields {
  name: string;
  prefix?: string;
  size: number;
  type: string;
  mtime: number;
}

/**
 * Writes a ustar header into the (zeroed) block at `at` of `out`. Every text
 * here is ASCII (other names travel in PAX records), so it is written byte by
 * byte: per-field Buffer calls cost more than the whole header.
 */
function writeHeader(out: Uint8Array, at: number, f: HeaderFields): void {
  writeAscii(out, at, 100, f.name);
  writeOctal(out, at + 100, 8, 0o644);
  writeOctal(out, at + 108, 8, 0);
  writeOctal(out, at + 116, 8, 0);
  writeOctal(out, at + 124, 12, f.size);
  writeOctal(out, at + 136, 12, f.mtime);
  writeAscii(out, at + 148, 8, '        ');
  out[at + 156] = f.type.charCodeAt(0);
  writeAscii(out, at + 257, 6, 'ustar');
  writeAscii(out, at + 263, 2, '00');
  if (f.prefix) writeAscii(out, at + 345, 155, f.prefix);
  let sum = 0;
  for (let i = at; i < at + BLOCK; i++) sum += out[i] as number;
  writeAscii(out, at + 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
}

/** ustar's name/prefix split, or undefined when the name needs a PAX record. */
function splitUstarName(name: string): { name: string; prefix?: string } | undefined {
  if (!/^[\x20-\x7e]*$/.test(name)) return undefined; // not plain ASCII: a PAX record keeps it exact
  if (name.length <= 100) return { name };
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { name: rest, prefix };
  }
  return undefined;
}

/** A readable ASCII stand-in for old readers that ignore PAX headers. */
function asciiTail(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_').slice(-99);
}

function paxRecord(key: string, value: string): Uint8Array {
  // A record's length prefix counts itself, so grow it until it is stable.
  const body = ` ${key}=${value}\n`;
  const bodyLen = encoder.encode(body).byteLength;
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return encoder.encode(`${len}${body}`);
}

function parsePax(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.byteLength) {
    let j = i;
    while (j < data.byteLength && data[j] !== 0x20) j++;
    const len = Number(decoder.decode(data.subarray(i, j)));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = decoder.decode(data.subarray(j + 1, i + len - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

function writeAscii(out: Uint8Array, at: number, len: number, s: string): void {
  const n = Math.min(len, s.length);
  for (let i = 0; i < n; i++) out[at + i] = s.charCodeAt(i);
}

function writeOctal(out: Uint8Array, at: number, len: number, n: number): void {
  writeAscii(out, at, len, n.toString(8).padStart(len - 1, '0') + '\0');
}

function readString(h: Uint8Array, at: number, len: number): string {
  const field = h.subarray(at, at + len);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

function readOctal(h: Uint8Array, at: number, len: number): number {
  if (((h[at] as number) & 0x80) !== 0) {
    // GNU base-256 for sizes of 8 GiB and more.
    let n = 0;
    for (let i = at + 1; i < at + len; i++) n = n * 256 + (h[i] as number);
    return n;
  }
  const text = readString(h, at, len).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumMatches(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] as number);
  return readOctal(h, 148, 8) === sum;
}
