import type { Batch, Message } from '../../core/index.js';

/**
 * One message made of a whole batch (archive). It takes the first message's
 * metadata, as Connect does, and its origin.
 *
 * TODO(origins): Message carries a single origin, so the other sources'
 * origins ride on the first one's; the stream's ack tracking must treat the
 * merged message as settling every source of the batch it came from.
 */
export function mergedMessage(batch: Batch, payload: Uint8Array | string): Message {
  return (batch[0] as Message).derive(payload);
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
