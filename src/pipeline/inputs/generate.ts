import { type Batch, type Input, type InputDef, type ReadResult, Message, errorMessage } from '../../core/index.js';
import { sleep } from '../connect.js';
import { runMapping } from '../expr.js';

export interface GenerateConf {
  /** A compiled Mapping, run on an empty message for each message generated. */
  mapping: unknown;
  /** Milliseconds between batches (0 = as fast as they are read). */
  interval?: number;
  /** Messages to generate before the input ends (0 = forever). */
  count?: number;
  batch_size?: number;
  auto_replay_nacks?: boolean;
}

/**
 * `generate`: creates messages from a mapping every `interval`. With
 * `auto_replay_nacks` (the default) a nacked batch is sent again; with a
 * `count` the input ends once every generated batch is acknowledged.
 */
export class GenerateInput implements Input {
  private generated = 0;
  private nextAt = 0;
  private outstanding = 0;
  private readonly replay: Batch[] = [];
  private wake: (() => void) | undefined;

  constructor(private readonly conf: GenerateConf) {}

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
    const wait = this.nextAt - performance.now();
    if (wait > 0) {
      try {
        await sleep(wait, signal);
      } catch {
        return null;
      }
    }
    this.nextAt = performance.now() + (this.conf.interval ?? 1000);
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
      { name: 'interval', type: 'duration', default: 1000, description: 'Time between batches; 0 generates as fast as they are consumed.' },
      { name: 'count', type: 'int', default: 0, description: 'Messages to generate before the input ends; 0 = forever.' },
      { name: 'batch_size', type: 'int', default: 1, check: (v) => (typeof v === 'number' && v < 1 ? 'must be 1 or more' : undefined) },
      { name: 'auto_replay_nacks', type: 'bool', default: true },
    ],
  },
  build: (conf) => new GenerateInput(conf.config as GenerateConf),
};
