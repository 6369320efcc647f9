import type { Reader } from './reader.js';
import { type Lengths, type Writer, varintSize, utf8Length } from './writer.js';

/**
 * The contract's Error, as plain data. An empty `message` means "no error";
 * codecs turn it into `undefined`. At most one detail is set.
 */
export interface WireError {
  message: string;
  /** The host should wait this long before retrying. */
  backoffMs?: number;
  /** The plugin lost its connection; the host should call Connect again. */
  notConnected?: boolean;
  /** The input is finished for good. */
  endOfInput?: boolean;
  /** hotplug extension (field 1001): the stack or traceback of the throw, for the host's log. */
  stack?: string;
}

/** Tag bytes of the `stack` extension: field 1001, length-delimited. */
const STACK_TAG = 8010;
const STACK_TAG_0 = 0xca;
const STACK_TAG_1 = 0x3e;

/** Size of the stack extension field; records its length. */
export function sizeStack(stack: string | undefined, l: Lengths): number {
  if (!stack) return 0;
  const len = utf8Length(stack);
  l.list.push(len);
  return 2 + varintSize(len) + len;
}

export function writeStack(stack: string | undefined, w: Writer, l: Lengths): void {
  if (!stack) return;
  w.byte(STACK_TAG_0);
  w.byte(STACK_TAG_1);
  w.string(stack, l.take());
}

/** Body size of an Error message; records the message string length. */
export function sizeError(e: WireError, l: Lengths): number {
  let n = 0;
  const len = utf8Length(e.message);
  l.list.push(len);
  if (len > 0) n += 1 + varintSize(len) + len;
  if (e.backoffMs !== undefined) {
    const d = durationSize(e.backoffMs);
    n += 1 + varintSize(d) + d;
  } else if (e.notConnected || e.endOfInput) n += 2;
  return n + sizeStack(e.stack, l);
}

export function writeError(e: WireError, w: Writer, l: Lengths): void {
  const len = l.take();
  if (len > 0) {
    w.byte(0x0a);
    w.string(e.message, len);
  }
  if (e.backoffMs !== undefined) {
    const [seconds, nanos] = durationParts(e.backoffMs);
    w.byte(0x12);
    w.uvarint(durationSize(e.backoffMs));
    if (seconds !== 0) {
      w.byte(0x08);
      w.uvarint(seconds);
    }
    if (nanos !== 0) {
      w.byte(0x10);
      w.uvarint(nanos);
    }
  } else if (e.notConnected) {
    w.byte(0x1a);
    w.byte(0);
  } else if (e.endOfInput) {
    w.byte(0x22);
    w.byte(0);
  }
  writeStack(e.stack, w, l);
}

/** Size of an optional Error field with the given tag byte: 0 when there is no error. */
export function sizeErrorField(e: WireError | undefined, l: Lengths): number {
  if (!e || (e.message === '' && e.backoffMs === undefined && !e.notConnected && !e.endOfInput)) return 0;
  const slot = l.reserve();
  const len = sizeError(e, l);
  l.list[slot] = len;
  return 1 + varintSize(len) + len;
}

export function writeErrorField(tagByte: number, e: WireError | undefined, w: Writer, l: Lengths): void {
  if (!e || (e.message === '' && e.backoffMs === undefined && !e.notConnected && !e.endOfInput)) return;
  w.byte(tagByte);
  w.uvarint(l.take());
  writeError(e, w, l);
}

/** Reads an Error body; returns undefined when it carries no error at all. */
export function readError(r: Reader, end: number): WireError | undefined {
  const e: WireError = { message: '' };
  let any = false;
  while (r.pos < end) {
    const tag = r.uvarint();
    switch (tag) {
      case 0x0a:
        e.message = r.string();
        if (e.message !== '') any = true;
        break;
      case 0x12:
        e.backoffMs = readDurationMs(r, r.delimited());
        any = true;
        break;
      case 0x1a:
        r.pos = r.delimited();
        e.notConnected = true;
        any = true;
        break;
      case 0x22:
        r.pos = r.delimited();
        e.endOfInput = true;
        any = true;
        break;
      case STACK_TAG:
        e.stack = r.string();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return any ? e : undefined;
}

function durationParts(ms: number): [seconds: number, nanos: number] {
  const m = Math.max(0, ms);
  const seconds = Math.floor(m / 1000);
  return [seconds, Math.round((m - seconds * 1000) * 1_000_000)];
}

function durationSize(ms: number): number {
  const [seconds, nanos] = durationParts(ms);
  return (seconds !== 0 ? 1 + varintSize(seconds) : 0) + (nanos !== 0 ? 1 + varintSize(nanos) : 0);
}

function readDurationMs(r: Reader, end: number): number {
  const { seconds, nanos } = r.secondsNanos(end);
  return seconds * 1000 + nanos / 1_000_000;
}
