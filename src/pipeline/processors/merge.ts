import type { Batch, Message, Origin } from '../../core/index.js';

/**
 * One message made of a whole batch (archive). It takes the first message's
 * metadata, as Connect does, and an origin that stands for every source: a
 * response recorded for it (sync_response) goes to each request whose
 * message went into it, not only the first (Connect's flaw with merged
 * batches). Acks need nothing from this: the stream counts derived batches.
 */
export function mergedMessage(batch: Batch, payload: Uint8Array | string): Message {
  const out = (batch[0] as Message).derive(payload);
  out.origin = combineOrigins(batch);
  return out;
}

export function combineOrigins(batch: Batch): Origin | undefined {
  const origins = [...new Set(batch.map((m) => m.origin).filter((o): o is Origin => o !== undefined))];
  if (origins.length <= 1) return origins[0];
  return {
    addResponse(msg) {
      for (const o of origins) o.addResponse(msg);
    },
  };
}

/**
 * A message with a new payload and everything else of `msg` kept: metadata
 * (copied), origin, and the error flag, which must survive processors that
 * merely transform the payload so a later `catch` still sees it.
 */
export function withPayload(msg: Message, payload: Uint8Array | string): Message {
  const out = msg.copy();
  out.setBytes(payload);
  return out;
}
