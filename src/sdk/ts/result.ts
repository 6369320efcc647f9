import { Message } from '../../core/message.js';
import type { Value } from '../../core/value.js';

/**
 * What a processor function may return for one input message:
 * - `undefined` (or nothing): the input message, with whatever changes were made to it;
 * - `null`: drop the message;
 * - a `Message`: that message;
 * - a `string` or `Uint8Array`: a new payload, keeping the input's metadata;
 * - any other value (object, number, boolean, Date, ...): a structured payload, keeping the metadata;
 * - an array: several output messages, each one of the above. To emit a JSON
 *   array as one payload, wrap it: `Message.structured([...])`.
 */
export type ProcessResult = Message | Value | undefined | void | readonly ProcessResult[];

/** Several output batches from one input batch; see {@link batches}. */
export class Batches {
  constructor(readonly parts: readonly ProcessResult[]) {}
}

/**
 * Returns several output batches from a batch processor, each part converted
 * like a {@link ProcessResult} (an empty part is dropped).
 */
export function batches(...parts: ProcessResult[]): Batches {
  return new Batches(parts);
}

/**
 * Appends the messages `result` stands for to `out`. New messages share the
 * input's metadata map: the input is owned by the SDK and is encoded and
 * dropped right after the call, so copying it per output would be waste.
 */
export function collect(result: ProcessResult, input: Message | undefined, out: Message[]): void {
  if (result === undefined) {
    if (input !== undefined) out.push(input);
  } else if (result === null) {
    // dropped
  } else if (result instanceof Message) {
    out.push(result);
  } else if (typeof result === 'string' || result instanceof Uint8Array) {
    const m = new Message(result, input?.metadata);
    if (input !== undefined) m.origin = input.origin;
    out.push(m);
  } else if (Array.isArray(result)) {
    for (const r of result as readonly ProcessResult[]) collect(r, input, out);
  } else {
    out.push(Message.structured(result as Value, input?.metadata));
  }
}

/** True for anything with a `then` method, as `await` would treat it. */
export function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}
