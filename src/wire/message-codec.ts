import { Message, type Batch } from '../core/message.js';
import { ErrorCode } from '../core/errors.js';
import type { Value } from '../core/value.js';
import { Reader } from './reader.js';
import { type Lengths, type Writer, varintSize, utf8Length } from './writer.js';
import { sizeValue, writeValue, sizeEntry, writeEntry } from './value-encode.js';
import { readValue, readEntry } from './value-decode.js';
import { readError, sizeStack, writeStack } from './error-codec.js';

/*
 * redpanda.runtime.v1alpha1.Message / MessageBatch <-> core Message / Batch.
 *
 * A message whose payload is held structured (not yet serialised) travels as
 * `structured`; everything else as `bytes`. Metadata is sent only when
 * non-empty; the error flag as Error{message}. Decoded byte payloads are
 * subarrays of the received buffer (no copy).
 */

// Metadata is walked with Map.forEach and one module-level callback: a for-of over entries
// allocated an iterator and a [key, value] pair per entry, a measurable share of the host's GC
// on the HTTP path (every request carries its headers as metadata). Encoding is synchronous.
let mdSize = 0;
let mdLengths: Lengths;
let mdWriter: Writer;
const sizeOne = (v: Value, k: string): void => {
  mdSize += sizeEntry(k, v, mdLengths);
};
const writeOne = (v: Value, k: string): void => {
  writeEntry(k, v, mdWriter, mdLengths);
};

/** Body size of a Message; records nested lengths. */
export function sizeMessage(m: Message, l: Lengths): number {
  let n: number;
  if (m.isStructured()) {
    const slot = l.reserve();
    const len = sizeValue(m.structured(), l);
    l.list[slot] = len;
    n = 1 + varintSize(len) + len;
  } else {
    const len = m.bytes().byteLength;
    n = 1 + varintSize(len) + len;
  }
  const wire = m.wireMetadata();
  if (wire !== undefined) {
    n += 1 + varintSize(wire.byteLength) + wire.byteLength;
  } else if (m.hasMetadata()) {
    const slot = l.reserve();
    mdSize = 0;
    mdLengths = l;
    m.metadata.forEach(sizeOne);
    const md = mdSize;
    l.list[slot] = md;
    n += 1 + varintSize(md) + md;
  }
  if (m.error) {
    const len = utf8Length(m.error);
    l.list.push(len);
    const slot = l.reserve();
    const errLen = 1 + varintSize(len) + len + sizeStack(stackOf(m), l);
    l.list[slot] = errLen;
    n += 1 + varintSize(errLen) + errLen;
  }
  return n;
}

export function writeMessage(m: Message, w: Writer, l: Lengths): void {
  if (m.isStructured()) {
    w.byte(0x12);
    w.uvarint(l.take());
    writeValue(m.structured(), w, l);
  } else {
    w.byte(0x0a);
    w.bytes(m.bytes());
  }
  const wire = m.wireMetadata();
  if (wire !== undefined) {
    w.byte(0x1a);
    w.bytes(wire);
  } else if (m.hasMetadata()) {
    w.byte(0x1a);
    w.uvarint(l.take());
    mdWriter = w;
    mdLengths = l;
    m.metadata.forEach(writeOne);
  }
  if (m.error) {
    const len = l.take();
    w.byte(0x22);
    w.uvarint(l.take());
    w.byte(0x0a);
    w.string(m.error, len);
    writeStack(stackOf(m), w, l);
  }
}

/** The stack of the message's current error, when it has one. */
function stackOf(m: Message): string | undefined {
  const f = m.failure;
  return f !== undefined && f.text === m.error ? f.stack : undefined;
}

/** Body size of a MessageBatch. */
export function sizeBatch(batch: Batch, l: Lengths): number {
  let n = 0;
  for (const m of batch) {
    const slot = l.reserve();
    const len = sizeMessage(m, l);
    l.list[slot] = len;
    n += 1 + varintSize(len) + len;
  }
  return n;
}

export function writeBatch(batch: Batch, w: Writer, l: Lengths): void {
  for (const m of batch) {
    w.byte(0x0a);
    w.uvarint(l.take());
    writeMessage(m, w, l);
  }
}

/** A MessageBatch field (tag + length + body). Always written, like a set message field. */
export function sizeBatchField(batch: Batch, l: Lengths): number {
  const slot = l.reserve();
  const len = sizeBatch(batch, l);
  l.list[slot] = len;
  return 1 + varintSize(len) + len;
}

export function writeBatchField(tagByte: number, batch: Batch, w: Writer, l: Lengths): void {
  w.byte(tagByte);
  w.uvarint(l.take());
  writeBatch(batch, w, l);
}

export function readMessage(r: Reader, end: number): Message {
  let payload: Uint8Array | undefined;
  let structured: Value | undefined;
  let isStructured = false;
  let metadata: Map<string, Value> | undefined;
  let wireMetadata: Uint8Array | undefined;
  let error: string | undefined;
  let stack: string | undefined;
  while (r.pos < end) {
    const tag = r.uvarint();
    switch (tag) {
      case 0x0a:
        payload = r.bytes();
        isStructured = false;
        break;
      case 0x12:
        structured = readValue(r, r.delimited());
        isStructured = true;
        break;
      case 0x1a: {
        const mdEnd = r.delimited();
        if (metadata === undefined && wireMetadata === undefined) {
          // The usual single metadata field: checked for framing now, decoded when first read.
          wireMetadata = r.buf.subarray(r.pos, mdEnd);
          checkEntries(r, mdEnd);
          break;
        }
        // A repeated field merges (protobuf): decode what was kept, then this one.
        metadata = readEntries(r, mdEnd, metadata ?? (wireMetadata === undefined ? new Map() : decodeMetadata(wireMetadata)));
        wireMetadata = undefined;
        break;
      }
      case 0x22: {
        const e = readError(r, r.delimited());
        error = e ? e.message || 'error' : undefined;
        stack = e?.stack;
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  const m = isStructured ? Message.structured(structured as Value, metadata) : new Message(payload ?? null, metadata);
  if (wireMetadata !== undefined && wireMetadata.byteLength > 0) m.setWireMetadata(wireMetadata, decodeMetadata);
  if (error !== undefined) {
    m.error = error;
    if (stack !== undefined) m.failure = { text: error, status: 500, code: ErrorCode.Processing, stack };
  }
  return m;
}

/** The entries of one metadata field (a StructValue body). */
function decodeMetadata(bytes: Uint8Array): Map<string, Value> {
  const r = new Reader(bytes);
  return readEntries(r, r.end, new Map());
}

/** Reads StructValue entries up to `end` into `out`. */
function readEntries(r: Reader, end: number, out: Map<string, Value>): Map<string, Value> {
  while (r.pos < end) {
    const t = r.uvarint();
    if (t !== 0x0a) {
      r.skip(t & 7);
      continue;
    }
    const [k, v] = readEntry(r, r.delimited());
    out.set(k, v);
  }
  return out;
}

/** Walks a metadata field's framing without decoding it, so a malformed answer still fails at decode time. */
function checkEntries(r: Reader, end: number): void {
  while (r.pos < end) {
    const t = r.uvarint();
    if (t === 0x0a) r.pos = r.delimited();
    else r.skip(t & 7);
  }
  if (r.pos !== end) throw new Error('metadata field overruns its length');
}

export function readBatch(r: Reader, end: number): Batch {
  const out: Batch = [];
  while (r.pos < end) {
    const tag = r.uvarint();
    if (tag === 0x0a) out.push(readMessage(r, r.delimited()));
    else r.skip(tag & 7);
  }
  return out;
}
