import { codec, readFields } from './codec-base.js';
import type { Writer } from './writer.js';
import { int64Halves, int64HalvesSize } from './writer.js';
import { sizeBatchField, writeBatchField, readBatch } from './message-codec.js';
import { sizeErrorField, writeErrorField, readError } from './error-codec.js';
import type { AckRequest, InputInitResponse, ReadResponse } from './types.js';

/* BatchInputService messages. */

export const inputInitResponse = codec<InputInitResponse>(
  (v, l) => sizeErrorField(v.error, l) + (v.autoReplayNacks ? 2 : 0),
  (v, w, l) => {
    writeErrorField(0x0a, v.error, w, l);
    if (v.autoReplayNacks) {
      w.byte(0x10);
      w.byte(1);
    }
  },
  (r) => {
    const out: InputInitResponse = {};
    readFields(r, (tag) => {
      if (tag === 0x0a) out.error = readError(r, r.delimited());
      else if (tag === 0x10) out.autoReplayNacks = r.uvarint() !== 0;
      else return false;
      return true;
    });
    return out;
  },
);

function uint64Size(v: bigint): number {
  if (v === 0n) return 0;
  const [lo, hi] = int64Halves(BigInt.asIntN(64, v));
  return 1 + int64HalvesSize(lo, hi);
}

function writeUint64(tagByte: number, v: bigint, w: Writer): void {
  if (v === 0n) return;
  w.byte(tagByte);
  w.varint64(...int64Halves(BigInt.asIntN(64, v)));
}

export const readResponse = codec<ReadResponse>(
  (v, l) => uint64Size(v.batchId) + sizeBatchField(v.batch, l) + sizeErrorField(v.error, l),
  (v, w, l) => {
    writeUint64(0x08, v.batchId, w);
    writeBatchField(0x12, v.batch, w, l);
    writeErrorField(0x1a, v.error, w, l);
  },
  (r) => {
    const out: ReadResponse = { batchId: 0n, batch: [] };
    readFields(r, (tag) => {
      if (tag === 0x08) out.batchId = r.uint64();
      else if (tag === 0x12) out.batch = readBatch(r, r.delimited());
      else if (tag === 0x1a) out.error = readError(r, r.delimited());
      else return false;
      return true;
    });
    return out;
  },
);

export const ackRequest = codec<AckRequest>(
  (v, l) => uint64Size(v.batchId) + sizeErrorField(v.error, l),
  (v, w, l) => {
    writeUint64(0x08, v.batchId, w);
    writeErrorField(0x12, v.error, w, l);
  },
  (r) => {
    const out: AckRequest = { batchId: 0n };
    readFields(r, (tag) => {
      if (tag === 0x08) out.batchId = r.uint64();
      else if (tag === 0x12) out.error = readError(r, r.delimited());
      else return false;
      return true;
    });
    return out;
  },
);

