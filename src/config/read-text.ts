import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { ErrorCode, errorMessage, type Diagnostic } from '../core/errors.js';

/**
 * Largest pipeline or plugin.yaml file read, in bytes (default 2 MiB;
 * HOTPLUG_CONFIG_MAX_BYTES changes it). Configs are a few KiB; a file far
 * bigger is a mistake or an attack, and parsing it would stall the host.
 */
export function configMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env['HOTPLUG_CONFIG_MAX_BYTES']);
  return Number.isSafeInteger(v) && v > 0 ? v : 2 * 1024 * 1024;
}

/**
 * Reads a config file as UTF-8 text, or says why it cannot: not a regular
 * file, bigger than `maxBytes` (checked before reading), or not valid UTF-8
 * (with the line:col of the first bad byte, rather than a silent U+FFFD).
 */
export function readConfigText(file: string, what: string, maxBytes = configMaxBytes()): { text: string } | { error: Diagnostic } {
  const fail = (message: string, hint?: string, code: ErrorCode = ErrorCode.Io, line?: number, col?: number): { error: Diagnostic } => ({
    error: { severity: 'error', code, message, ...(hint !== undefined && { hint }), location: { file, ...(line !== undefined && { line, col: col ?? 1 }) } },
  });
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    return fail(`cannot read ${what}: ${errorMessage(err)}`);
  }
  let buf: Buffer;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return fail(`cannot read ${what}: not a regular file`);
    if (st.size > maxBytes) return fail(`${what} is ${st.size} bytes, over the ${maxBytes}-byte limit for config files`, 'split the file, or raise HOTPLUG_CONFIG_MAX_BYTES', ErrorCode.FileTooLarge);
    // One byte more than allowed tells a file that grew since fstat.
    buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, n)) > 0; ) n += r;
    if (n > maxBytes) return fail(`${what} is over the ${maxBytes}-byte limit for config files`, 'split the file, or raise HOTPLUG_CONFIG_MAX_BYTES', ErrorCode.FileTooLarge);
    buf = buf.subarray(0, n);
  } catch (err) {
    return fail(`cannot read ${what}: ${errorMessage(err)}`);
  } finally {
    closeSync(fd);
  }
  if (!isUtf8(buf)) {
    const bad = firstInvalidUtf8(buf);
    const lineStart = buf.lastIndexOf(0x0a, bad - 1) + 1;
    const line = countNewlines(buf, lineStart) + 1;
    const col = buf.subarray(lineStart, bad).toString('utf8').length + 1;
    return fail(`${what} is not valid UTF-8: byte 0x${(buf[bad] ?? 0).toString(16).padStart(2, '0')} at offset ${bad}`, 'save the file as UTF-8', ErrorCode.InvalidUtf8, line, col);
  }
  return { text: buf.toString('utf8') };
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i >= 0 && i < end; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

// Offset of the first byte that does not start or continue a well-formed
// sequence (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return b.length;
}
