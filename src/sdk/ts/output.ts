import type { Message } from '../../core/message.js';
import { parseDuration } from '../../core/duration.js';
import type { BatchPolicyConfig } from '../../core/output.js';
import { type Config, type Context, type Hooks, Lifecycle } from './context.js';
import { toWireError } from './errors.js';
import { servePlugin, type Plugin } from './serve.js';
import { OutputService, type OutputInitResponse } from '../../wire/index.js';

/** Delivers one batch; resolving means every message was delivered, throwing means none may be assumed delivered. */
export type SendFn<C> = (batch: Message[], ctx: Context<C>) => void | Promise<void>;

/** How the host should form batches before calling the output (a pipeline's own `batching:` wins). */
export interface BatchPolicy {
  count?: number;
  byteSize?: number;
  /** A duration such as "1s" or "500ms". */
  period?: string;
  /** A boolean expression evaluated on each message; true flushes the batch. */
  check?: string;
}

export interface OutputOptions<C> extends Hooks<C> {
  /** Runs on Connect (and again after a send threw `NotConnectedError`); throwing fails the connection attempt. */
  connect?(ctx: Context<C>): void | Promise<void>;
  /** How many sends may be in flight at once (default 1); a function reads it from the config. */
  maxInFlight?: number | ((config: C) => number);
  /** The batch policy the host applies before sending; a function reads it from the config. */
  batching?: BatchPolicy | ((config: C) => BatchPolicy | undefined);
}

/**
 * Serves an output:
 *
 * ```ts
 * output(async (batch) => { await db.insert(batch.map((m) => m.structured())); }, { maxInFlight: 4 });
 * ```
 */
export function output<C = Config>(send: SendFn<C>, options: OutputOptions<C> = {}): Plugin {
  const life = new Lifecycle<C>(options);
  const ok = () => ({});
  const failed = (err: unknown) => ({ error: toWireError(err) });
  return servePlugin(
    OutputService,
    {
      init: (req) =>
        life
          .init(req.config)
          .then((ctx): OutputInitResponse => ({ maxInFlight: maxInFlight(options, ctx.config), batchPolicy: batchPolicy(options, ctx.config) }))
          .catch((err: unknown): OutputInitResponse => ({ error: toWireError(err), maxInFlight: 1 })),
      connect: async () => {
        try {
          await options.connect?.(life.context());
          return {};
        } catch (err) {
          return failed(err);
        }
      },
      send: async (req) => {
        try {
          await send(req.batch, life.context());
          return ok();
        } catch (err) {
          return failed(err);
        }
      },
      close: () => life.close().then(ok, failed),
    },
    () => life.close(),
  );
}

function maxInFlight<C>(options: OutputOptions<C>, config: C): number {
  const n = typeof options.maxInFlight === 'function' ? options.maxInFlight(config) : options.maxInFlight;
  if (n === undefined) return 1;
  if (!Number.isInteger(n) || n < 1) throw new Error(`maxInFlight must be a positive integer, got ${n}`);
  return n;
}

function batchPolicy<C>(options: OutputOptions<C>, config: C): BatchPolicyConfig | undefined {
  const p = typeof options.batching === 'function' ? options.batching(config) : options.batching;
  if (p === undefined) return undefined;
  const out: BatchPolicyConfig = {};
  if (p.count !== undefined) out.count = p.count;
  if (p.byteSize !== undefined) out.byteSize = p.byteSize;
  if (p.check !== undefined) out.check = p.check;
  if (p.period !== undefined) {
    const ms = parseDuration(p.period);
    if (ms === undefined) throw new Error(`batching.period: "${p.period}" is not a duration (use e.g. "500ms" or "1s")`);
    out.periodMs = ms;
  }
  return out;
}
