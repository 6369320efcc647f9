import type { Message } from '../../core/message.js';
import { type Config, type Context, type Hooks, Lifecycle } from './context.js';
import { errorText, stackOf, toWireError } from './errors.js';
import { ErrorCode } from '../../core/errors.js';
import { Batches, collect, isThenable, type ProcessResult } from './result.js';
import { servePlugin, type Plugin } from './serve.js';
import { ProcessorService, codecs, type ProcessBatchResponse } from '../../wire/index.js';

/** Processes one message; see {@link ProcessResult} for what it may return. Throwing flags the message with the error. */
export type ProcessFn<C> = (msg: Message, ctx: Context<C>) => ProcessResult | Promise<ProcessResult>;

/**
 * Processes a whole batch: returns the output batch (an array of results, or
 * `undefined` for the input batch as changed in place), `null` to drop it, or
 * {@link batches}(...) for several batches. New payloads (strings, values)
 * become messages without metadata; to keep an input's metadata, change the
 * input message itself (`msg.setBytes(...)`) and return it. Throwing fails the
 * whole batch; to fail one message, set its `error`.
 */
export type BatchProcessFn<C> = (batch: Message[], ctx: Context<C>) => BatchResult | Promise<BatchResult>;
export type BatchResult = ProcessResult | Batches;

export type ProcessorOptions<C> = Hooks<C>;

/**
 * Serves a processor that handles each message on its own:
 *
 * ```ts
 * processor((msg) => msg.text().toUpperCase());
 * ```
 *
 * Messages of a batch are processed concurrently when the function is async,
 * and their results keep the batch's order. Because messages are independent,
 * the plugin tells the host so (the `hotplug_per_message` extension), and the
 * host may then merge concurrent batches into one call.
 */
export function processor<C = Config>(fn: ProcessFn<C>, options: ProcessorOptions<C> = {}): Plugin {
  const life = new Lifecycle<C>(options);
  return serveProcessor(life, true, (batch, perMessageResults) => processEach(batch, fn, life.context(), perMessageResults));
}

/** Serves a processor that sees whole batches (for work that needs them together: grouping, bulk calls). */
export function batchProcessor<C = Config>(fn: BatchProcessFn<C>, options: ProcessorOptions<C> = {}): Plugin {
  const life = new Lifecycle<C>(options);
  return serveProcessor(life, false, (batch, perMessageResults) => {
    if (perMessageResults) throw new Error('the host asked for per-message results from a batch processor');
    const res = fn(batch, life.context());
    return isThenable<BatchResult>(res) ? Promise.resolve(res).then((r) => toBatches(r, batch)) : toBatches(res, batch);
  });
}

type Process = (batch: Message[], perMessageResults: boolean) => Message[][] | Promise<Message[][]>;

// grpc-js copies a server's response before serialisation returns, so results can be encoded into a reused buffer.
const service = {
  ...ProcessorService,
  processBatch: { ...ProcessorService.processBatch, responseSerialize: codecs.processBatchResponse.encodeTransient },
};

function serveProcessor<C>(life: Lifecycle<C>, perMessage: boolean, run: Process): Plugin {
  const failed = (err: unknown): ProcessBatchResponse => ({ batches: [], error: toWireError(err) });
  return servePlugin(
    service,
    {
      init: (req) =>
        life.init(req.config).then(
          () => ({ perMessage }),
          (err: unknown) => ({ error: toWireError(err), perMessage }),
        ),
      processBatch: (req) => {
        let out: Message[][] | Promise<Message[][]>;
        try {
          out = run(req.batch, req.perMessageResults === true);
        } catch (err) {
          return failed(err);
        }
        const answer = req.perMessageResults === true ? (batches: Message[][]): ProcessBatchResponse => ({ batches }) : withFailureSummary;
        return isThenable<Message[][]>(out) ? out.then(answer, failed) : answer(out);
      },
      close: () => life.close().then(() => ({}), (err: unknown) => ({ error: toWireError(err) })),
    },
    () => life.close(),
  );
}

/**
 * In the contract's own shape (what Redpanda Connect sends), a batch with flagged messages also
 * carries a batch-level error: Connect reads only that one (it ignores Message.error) and fails the
 * batch, rather than passing failed messages on as if they had succeeded. hotplug's host sees the
 * flagged messages and keeps the per-message outcome.
 */
function withFailureSummary(batches: Message[][]): ProcessBatchResponse {
  let failed = 0;
  let total = 0;
  let first: string | undefined;
  for (const b of batches) {
    for (const m of b) {
      total++;
      if (m.error) {
        failed++;
        first ??= m.error;
      }
    }
  }
  return failed === 0 ? { batches } : { batches, error: { message: `${failed} of ${total} messages failed: ${first ?? ''}` } };
}

/**
 * Calls `fn` for every message. Synchronous results are taken as they come;
 * only when a call returns a promise are the pending ones awaited together,
 * so a plain function costs no promise per message.
 */
function processEach<C>(batch: Message[], fn: ProcessFn<C>, ctx: Context<C>, perMessageResults: boolean): Message[][] | Promise<Message[][]> {
  const results: ProcessResult[] = new Array(batch.length);
  let pending: Promise<void>[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    const msg = batch[i] as Message;
    try {
      const r = fn(msg, ctx);
      if (isThenable<ProcessResult>(r)) {
        (pending ??= []).push(
          Promise.resolve(r).then(
            (v) => void (results[i] = v),
            (err: unknown) => void (results[i] = flag(msg, err)),
          ),
        );
      } else {
        results[i] = r;
      }
    } catch (err) {
      results[i] = flag(msg, err);
    }
  }
  const assemble = (): Message[][] => gather(batch, results, perMessageResults);
  return pending === undefined ? assemble() : Promise.all(pending).then(assemble);
}

/** Flags the message with the error; the stack travels with it (the contract's Error, hotplug's stack extension). */
function flag(msg: Message, err: unknown): Message {
  const text = errorText(err);
  msg.error = text;
  msg.failure = { text, status: 500, code: ErrorCode.Processing, stack: stackOf(err) };
  return msg;
}

function gather(batch: Message[], results: ProcessResult[], perMessageResults: boolean): Message[][] {
  if (perMessageResults) {
    const out: Message[][] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const r = results[i];
      // The common case, one message in and the same one out, skips collect().
      if (r === undefined || r === batch[i]) out[i] = [batch[i] as Message];
      else {
        const one: Message[] = [];
        collect(r, batch[i], one);
        out[i] = one;
      }
    }
    return out;
  }
  const flat: Message[] = [];
  for (let i = 0; i < batch.length; i++) collect(results[i], batch[i], flat);
  return flat.length === 0 ? [] : [flat];
}

function toBatches(result: BatchResult, input: Message[]): Message[][] {
  if (result === undefined) return input.length === 0 ? [] : [input];
  const parts = result instanceof Batches ? result.parts : [result];
  const out: Message[][] = [];
  for (const part of parts) {
    const msgs: Message[] = [];
    if (part === undefined) msgs.push(...input);
    else collect(part, undefined, msgs);
    if (msgs.length > 0) out.push(msgs);
  }
  return out;
}
