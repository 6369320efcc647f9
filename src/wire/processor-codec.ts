import { codec, readFields, EXT_TAG, EXT_TAG_0, EXT_TAG_1 } from './codec-base.js';
import { sizeBatchField, writeBatchField, readBatch } from './message-codec.js';
import { sizeErrorField, writeErrorField, readError } from './error-codec.js';
import type { ProcessBatchRequest, ProcessBatchResponse, ProcessorInitResponse } from './types.js';

/* BatchProcessorService messages, including the two hotplug extension fields (1001). */

export const processorInitResponse = codec<ProcessorInitResponse>(
  (v, l) => sizeErrorField(v.error, l) + (v.perMessage ? 3 : 0),
  (v, w, l) => {
    writeErrorField(0x0a, v.error, w, l);
    if (v.perMessage) {
      w.byte(EXT_TAG_0);
      w.byte(EXT_TAG_1);
      w.byte(1);
    }
  },
  (r) => {
    const out: ProcessorInitResponse = {};
    readFields(r, (tag) => {
      if (tag === 0x0a) out.error = readError(r, r.delimited());
      else if (tag === EXT_TAG) out.perMessage = r.uvarint() !== 0;
      else return false;
      return true;
    });
    return out;
  },
);

export const processBatchRequest = codec<ProcessBatchRequest>(
  (v, l) => sizeBatchField(v.batch, l) + (v.perMessageResults ? 3 : 0),
  (v, w, l) => {
    writeBatchField(0x0a, v.batch, w, l);
    if (v.perMessageResults) {
      w.byte(EXT_TAG_0);
      w.byte(EXT_TAG_1);
      w.byte(1);
    }
  },
  (r) => {
    const out: ProcessBatchRequest = { batch: [] };
    readFields(r, (tag) => {
      if (tag === 0x0a) out.batch = readBatch(r, r.delimited());
      else if (tag === EXT_TAG) out.perMessageResults = r.uvarint() !== 0;
      else return false;
      return true;
    });
    return out;
  },
);

export const processBatchResponse = codec<ProcessBatchResponse>(
  (v, l) => {
    let n = 0;
    for (const b of v.batches) n += sizeBatchField(b, l);
    return n + sizeErrorField(v.error, l);
  },
  (v, w, l) => {
    for (const b of v.batches) writeBatchField(0x0a, b, w, l);
    writeErrorField(0x12, v.error, w, l);
  },
  (r) => {
    const out: ProcessBatchResponse = { batches: [] };
    readFields(r, (tag) => {
      if (tag === 0x0a) out.batches.push(readBatch(r, r.delimited()));
      else if (tag === 0x12) out.error = readError(r, r.delimited());
      else return false;
      return true;
    });
    return out;
  },
);

