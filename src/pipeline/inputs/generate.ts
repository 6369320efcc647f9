import { type Batch, type Input, type InputDef, type ReadResult, Message, errorMessage } from '../../core/index.js';
import type { Clock } from '../clock.js';
import { sleep } from '../connect.js';
import { type Schedule, waitUntil, wallClock } from '../cron/index.js';
import { runMapping } from '../expr.js';
import { parseInterval } from './generate-interval.js';

export interface GenerateConf {
  /** A compiled Mapping, run on an empty message for each message generated. */
  mapping: unknown;
  /**
   * Milliseconds between batches, the first one at once (0 = as fast as they
   * are read); or a schedule (cron, `@every`), the first batch at its first fire.
   */
  interval?: number | Schedule;
  /** Messages to generate before the input ends (0 = forever). */
  count?: number;
  batch_size?: number;
  auto_replay_nacks?: boolean;
}

/**
 * `generate`: creates messages from a mapping every `interval`, or at each
 * fire of a schedule. With `auto_replay_nacks` (the default) a nacked batch is
 * sent again at once; with a `count` the input ends once every generated
 * batch is acknowledged.
 *
 * A schedule behaves like a ticker: a fire missed while downstream was busy
 * is delivered once, as soon as the next batch is read; further missed fires
 * are dropped, not replayed in a burst.
 */
export class GenerateInput implements Input {
  private generated = 0;
  private nextAt = 0;
  private outstanding = 0;
  private readonly replay: Batch[] = [];
  private wake: (() => void) | undefined;
  /** The next fire of a schedule (epoch ms); undefined until the first read. */
  private due: number | undefined;

  /** `clock` (epoch time) drives schedules; durations use the monotonic clock. */
  constructor(
    private readonly conf: GenerateConf,
    private readonly clock: Clock = wallClock,
  ) {}

  connect(): Promise<void> {
    return Promise.resolve();
  }

  async readBatch(signal: AbortSignal): Promise<ReadResult | null> {
    const count = this.conf.count ?? 0;
    for (;;) {
      const again = this.replay.shift();
      if (again) return this.issue(again);
      if (signal.aborted) return null;
      if (count === 0 || this.generated < count) break;
      if (this.outstanding === 0) return null;
      // Everything is generated: wait for the last acks, which may bring a nacked batch back.
      await new Promise<void>((r) => (this.wake = r));
    }
    if (!(await this.pace(signal))) return null;
    const size = Math.max(1, this.conf.batch_size ?? 1);
    const n = count > 0 ? Math.min(size, count - this.generated) : size;
    this.generated += n;
    const batch: Batch = [];
    for (let i = 0; i < n; i++) {
      const seed = [new Message()];
      try {
        const m = runMapping(this.conf.mapping, seed, 0);
        if (m !== undefined) batch.push(m);
      } catch (err) {
        const m = seed[0] as Message;
        m.error = errorMessage(err);
        batch.push(m);
      }
    }
    return this.issue(batch);
  }

  /** Waits until the next batch is due; false when the input should end (stopped, or a schedule with no fire left). */
  private async pace(signal: AbortSignal): Promise<boolean> {
    const interval = this.conf.interval ?? 1000;
    if (typeof interval === 'object') {
      this.due ??= interval.next(this.clock.now());
      if (this.due === undefined || !(await waitUntil(this.clock, this.due, signal))) return false;
      this.due = interval.next(Math.max(this.due, this.clock.now()));
      return true;
    }
    const wait = this.nextAt - performance.now();
    if (wait > 0) {
      try {
        await sleep(wait, signal);
      } catch {
        return false;
      }
    }
    this.nextAt = performance.now() + interval;
    return true;
  }

  close(): Promise<void> {
    this.wake?.();
    return Promise.resolve();
  }

  private issue(batch: Batch): ReadResult {
    this.outstanding++;
    return {
      batch,
      ack: (err) => {
        this.outstanding--;
        if (err !== undefined && this.conf.auto_replay_nacks !== false) this.replay.push(batch.map((m) => m.copy()));
        const w = this.wake;
        this.wake = undefined;
        w?.();
        return Promise.resolve();
      },
    };
  }
}

export const generateInput: InputDef = {
  spec: {
    name: 'generate',
    kind: 'input',
    summary: 'Generates messages from a mapping at an interval.',
    fields: [
      { name: 'mapping', type: 'string', expression: 'mapping', description: 'Builds each message, e.g. `root = {"n": counter()}`.' },
      {
        name: 'interval',
        type: 'duration',
        default: 1000,
        parse: parseInterval,
        description:
          'A duration (first batch at once, then one per interval), or a cron expression: 5 or 6 fields (seconds first), `@hourly`/`@daily`/`@weekly`/`@monthly`/`@yearly` or `@every 5m`, optionally prefixed `TZ=Area/City ` (default UTC); first batch at the first fire. Empty or 0: as fast as they are consumed.',
      },
      { name: 'count', type: 'int', default: 0, description: 'Messages to generate before the input ends; 0 = forever.' },
      { name: 'batch_size', type: 'int', default: 1, check: (v) => (typeof v === 'number' && v < 1 ? 'must be 1 or more' : undefined) },
      { name: 'auto_replay_nacks', type: 'bool', default: true },
    ],
  },
  build: (conf) => new GenerateInput(conf.config as GenerateConf),
};
