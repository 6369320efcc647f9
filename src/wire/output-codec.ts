import { parseDuration } from '../core/duration.js';
import type { BatchPolicyConfig } from '../core/output.js';
import { codec, readFields } from './codec-base.js';
import type { Reader } from './reader.js';
import { varintSize, utf8Length, int64Halves } from './writer.js';
import { sizeBatchField, writeBatchField, readBatch } from './message-codec.js';
import { sizeErrorField, writeErrorField, readError } from './error-codec.js';
import type { OutputInitResponse, SendRequest } from './types.js';

/* BatchOutputService messages. */

interface PolicyParts {
  byteSize: number;
  count: number;
  check: string;
  checkLen: number;
  period: string;
  periodLen: number;
}

function policyParts(p: BatchPolicyConfig): PolicyParts {
  const check = p.check ?? '';
  const period = p.periodMs ? `${p.periodMs}ms` : '';
  return { byteSize: p.byteSize ?? 0, count: p.count ?? 0, check, checkLen: utf8Length(check), period, periodLen: period.length };
}

function policyBodySize(p: PolicyParts): number {
  let n = 0;
  if (p.byteSize) n += 1 + varintSize(p.byteSize);
  if (p.count) n += 1 + varintSize(p.count);
  if (p.checkLen) n += 1 + varintSize(p.checkLen) + p.checkLen;
  if (p.periodLen) n += 1 + varintSize(p.periodLen) + p.periodLen;
  return n;
}

function readPolicy(r: Reader, end: number): BatchPolicyConfig | undefined {
  const p: BatchPolicyConfig = {};
  while (r.pos < end) {
    const tag = r.uvarint();
    if (tag === 0x08) p.byteSize = Number(r.int64());
    else if (tag === 0x10) p.count = Number(r.int64());
    else if (tag === 0x1a) p.check = r.string();
    else if (tag === 0x22) {
      const ms = parseDuration(r.string());
      if (ms) p.periodMs = ms;
    } else r.skip(tag & 7);
  }
  if (!p.byteSize) delete p.byteSize;
  if (!p.count) delete p.count;
  if (!p.check) delete p.check;
  return Object.keys(p).length > 0 ? p : undefined;
}

export const outputInitResponse = codec<OutputInitResponse>(
  (v, l) => {
    let n = sizeErrorField(v.error, l);
    if (v.maxInFlight) n += 1 + (v.maxInFlight < 0 ? 10 : varintSize(v.maxInFlight));
    if (v.batchPolicy) {
      const len = policyBodySize(policyParts(v.batchPolicy));
      n += 1 + varintSize(len) + len;
    }
    return n;
  },
  (v, w, l) => {
    writeErrorField(0x0a, v.error, w, l);
    if (v.maxInFlight) {
      w.byte(0x10);
      if (v.maxInFlight < 0) w.varint64(...int64Halves(v.maxInFlight));
      else w.uvarint(v.maxInFlight);
    }
    if (v.batchPolicy) {
      const p = policyParts(v.batchPolicy);
      w.byte(0x1a);
      w.uvarint(policyBodySize(p));
      if (p.byteSize) {
        w.byte(0x08);
        w.uvarint(p.byteSize);
      }
      if (p.count) {
        w.byte(0x10);
        w.uvarint(p.count);
      }
      if (p.checkLen) {
        w.byte(0x1a);
        w.string(p.check, p.checkLen);
      }
      if (p.periodLen) {
        w.byte(0x22);
        w.string(p.period, p.periodLen);
      }
    }
  },
  (r) => {
    const out: OutputInitResponse = { maxInFlight: 0 };
    readFields(r, (tag) => {
      if (tag === 0x0a) out.error = readError(r, r.delimited());
      else if (tag === 0x10) out.maxInFlight = Number(r.int64()) | 0;
      else if (tag === 0x1a) out.batchPolicy = readPolicy(r, r.delimited());
      else return false;
      return true;
    });
    return out;
  },
);

export const sendRequest = codec<SendRequest>(
  (v, l) => sizeBatchField(v.batch, l),
  (v, w, l) => writeBatchField(0x0a, v.batch, w, l),
  (r) => {
    const out: SendRequest = { batch: [] };
    readFields(r, (tag) => {
      if (tag !== 0x0a) return false;
      out.batch = readBatch(r, r.delimited());
      return true;
    });
    return out;
  },
);
