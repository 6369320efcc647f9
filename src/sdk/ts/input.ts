import { Message } from '../../core/message.js';
import type { Value } from '../../core/value.js';
import { type Config, type Context, type Hooks, Lifecycle } from './context.js';
import { EndOfInputError, NotConnectedError, toWireError } from './errors.js';
import { collect } from './result.js';
import { servePlugin, type Plugin } from './serve.js';
import { InputService, codecs, type ReadResponse, type WireError } from '../../wire/index.js';

/** Told the fate of a batch: no error once it was delivered, the host's reason when it was not (a nack). */
export type AckFn = (err?: Error) => void | Promise<void>;

/** A batch with its own acknowledgement; see {@link withAck}. */
export class Delivery {
  constructor(
    readonly batch: InputItem,
    readonly ack: AckFn,
  ) {}
}

/**
 * What an input yields: one message (a `Message`, a string, bytes or a
 * structured value), an array of them (one batch), or a {@link Delivery}.
 */
export type InputItem = Message | Value | readonly (Message | Value)[] | Delivery;

/**
 * Makes the batches an input reads, usually an async generator. It is called
 * on Connect; throwing `NotConnectedError` from it (or while iterating) makes
 * the host connect again, which calls it anew. Finishing it, or throwing
 * `EndOfInputError`, ends the input; `BackoffError` asks the host to wait.
 */
export type InputSource<C> = (ctx: Context<C>) => AsyncIterable<InputItem> | Iterable<InputItem>;

export interface InputOptions<C> extends Hooks<C> {
  /**
   * Let the host replay nacked batches itself (the default), so acks reach
   * the plugin only once delivered. With `false` the host passes nacks on:
   * a batch with an ack function (see {@link withAck}) hands the nack to it,
   * and any other nacked batch is read again before new data.
   */
  autoReplayNacks?: boolean;
}

/**
 * Calls `ack` once the host has settled the batch: with no argument when it
 * was delivered, with the reason when it was not.
 */
export function withAck(batch: InputItem, ack: AckFn): Delivery {
  return new Delivery(batch, ack);
}

// grpc-js copies a server's response before serialisation returns, so batches can be encoded into a reused buffer.
const service = { ...InputService, readBatch: { ...InputService.readBatch, responseSerialize: codecs.readResponse.encodeTransient } };

interface Pending {
  messages: Message[];
  ack: AckFn | undefined;
}

/**
 * Serves an input:
 *
 * ```ts
 * input(async function* ({ config }) {
 *   for (let i = 0; i < config.count; i++) yield { n: i };
 * });
 * ```
 */
export function input<C = Config>(source: InputSource<C>, options: InputOptions<C> = {}): Plugin {
  const life = new Lifecycle<C>(options);
  const autoReplayNacks = options.autoReplayNacks ?? true;
  let iterator: AsyncIterator<InputItem> | Iterator<InputItem> | undefined;
  let ended = false;
  let nextId = 1n;
  const pending = new Map<bigint, Pending>();
  const replay: Message[][] = [];

  const deliver = (messages: Message[], ack: AckFn | undefined): ReadResponse => {
    const batchId = nextId++;
    pending.set(batchId, { messages, ack });
    return { batchId, batch: messages };
  };
  const failed = (error: WireError): ReadResponse => ({ batchId: 0n, batch: [], error });

  async function read(): Promise<ReadResponse> {
    for (;;) {
      const again = replay.shift();
      if (again !== undefined) return deliver(again, undefined);
      if (ended) return failed(toWireError(new EndOfInputError()));
      if (iterator === undefined) return failed(toWireError(new NotConnectedError()));
      let step: IteratorResult<InputItem>;
      try {
        step = await iterator.next();
      } catch (err) {
        // A generator that threw is finished: connecting again starts a fresh one.
        iterator = undefined;
        if (err instanceof EndOfInputError) ended = true;
        return failed(toWireError(err));
      }
      if (step.done === true) {
        ended = true;
        continue;
      }
      const item = step.value;
      const ack = item instanceof Delivery ? item.ack : undefined;
      const messages = toMessages(item instanceof Delivery ? item.batch : item);
      if (messages.length > 0) return deliver(messages, ack);
      if (ack !== undefined) await ack();
    }
  }

  return servePlugin(
    service,
    {
      init: (req) =>
        life.init(req.config).then(
          () => ({ autoReplayNacks }),
          (err: unknown) => ({ error: toWireError(err), autoReplayNacks }),
        ),
      connect: async () => {
        try {
          if (iterator === undefined && !ended) {
            const src = source(life.context());
            iterator = Symbol.asyncIterator in src ? src[Symbol.asyncIterator]() : src[Symbol.iterator]();
          }
          return {};
        } catch (err) {
          return { error: toWireError(err) };
        }
      },
      // An ack function that threw on an empty batch is the only way read() can reject.
      readBatch: () => read().catch((err: unknown) => failed(toWireError(err))),
      ack: async (req) => {
        const p = pending.get(req.batchId);
        if (p === undefined) return {};
        pending.delete(req.batchId);
        try {
          if (req.error === undefined) await p.ack?.();
          else if (p.ack !== undefined) await p.ack(new Error(req.error.message));
          else replay.push(p.messages);
          return {};
        } catch (err) {
          return { error: toWireError(err) };
        }
      },
      close: () => closeInput().then(() => ({}), (err: unknown) => ({ error: toWireError(err) })),
    },
    () => closeInput(),
  );

  async function closeInput(): Promise<void> {
    const it = iterator;
    iterator = undefined;
    ended = true;
    // Lets a generator's finally blocks release what it holds, but a generator
    // stuck waiting for data cannot run them until it wakes: do not wait for that.
    if (it?.return !== undefined) await settleWithin(Promise.resolve(it.return()), RETURN_WAIT_MS);
    await life.close();
  }
}

const RETURN_WAIT_MS = 1_000;

async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()));
  try {
    await Promise.race([p.then(() => {}, () => {}), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function toMessages(item: InputItem): Message[] {
  const out: Message[] = [];
  collect(item as Value, undefined, out);
  return out;
}
