import type { AckFn, Input, ReadResult } from '../core/input.js';
import type { Batch } from '../core/message.js';
import type { PluginManifest } from '../core/spec.js';
import type { Value } from '../core/value.js';
import { InputService, errorFromWire, EndOfInputError, type InputInitResponse } from '../wire/index.js';
import { PluginComponent } from './component.js';
import type { Generation } from './generation.js';
import type { ResolvedOptions } from './options.js';
import type { PluginProcess } from './plugin-process.js';
import type { Supervisor } from './supervisor.js';
import { connectUntilDone, callConnect } from './connect.js';

interface Replay {
  batch: Batch;
  ack: AckFn;
}

/**
 * An input plugin as a core Input: Init on connect, then Connect; ReadBatch
 * per readBatch; each batch's ack goes as Ack to the very process that
 * issued it (even after a restart or a swap). With auto_replay_nacks the
 * host re-delivers nacked batches itself and the plugin only sees the final
 * ack. An input always runs one process (`instances` is ignored).
 */
export class PluginInput extends PluginComponent implements Input {
  private connected = false;
  private readonly replay: Replay[] = [];
  /** Batches handed out whose ack has not settled: after end of input, a nack may still bring one back. */
  private unsettled = 0;
  private wakeAfterEnd: (() => void) | undefined;

  constructor(manifest: PluginManifest, config: Value, opts: ResolvedOptions) {
    const single = { ...manifest, instances: 1 };
    super('input', single, config, {
      init: InputService.init,
      close: InputService.close,
      onRestarted: (p) => connectUntilDone(p, InputService.connect, () => this.current()),
    }, opts);
  }

  /** The plugin's Init answer; undefined before connect(). */
  get autoReplayNacks(): boolean {
    return this.latest().supervisors()[0]?.initResponse<InputInitResponse>()?.autoReplayNacks === true;
  }

  async connect(signal: AbortSignal): Promise<void> {
    await this.prepare(this.current(), signal);
    this.connected = true;
  }

  override swap(manifest: PluginManifest, config?: Value): Promise<void> {
    return super.swap({ ...manifest, instances: 1 }, config);
  }

  protected async prepare(gen: Generation, signal?: AbortSignal): Promise<void> {
    await gen.start();
    if (this.connected || signal) await callConnect(gen.pick(), InputService.connect, signal);
  }

  async readBatch(signal: AbortSignal): Promise<ReadResult | null> {
    const replay = this.replay.shift();
    if (replay) return replay;
    const gen = this.current();
    const sup = gen.pick();
    gen.enter();
    let handedOff = false;
    try {
      const { proc, res } = await sup.run(async (p) => ({ proc: p, res: await p.call(InputService.readBatch, {}, signal) }));
      if (res.error) {
        const err = errorFromWire(res.error);
        if (err instanceof EndOfInputError) return await this.afterEnd(signal);
        throw err;
      }
      handedOff = true;
      return { batch: res.batch, ack: this.ackFor(gen, sup, proc, res.batchId, res.batch) };
    } catch (err) {
      if (signal.aborted) throw signal.reason ?? err;
      throw err;
    } finally {
      if (!handedOff) gen.leave();
    }
  }

  /**
   * The plugin has no more data, but batches it handed out may still be nacked and, with
   * auto_replay_nacks, must be read again: the input ends only once every ack has settled.
   */
  private async afterEnd(signal: AbortSignal): Promise<ReadResult | null> {
    for (;;) {
      const replay = this.replay.shift();
      if (replay) return replay;
      if (this.unsettled === 0 || !this.autoReplayNacks || signal.aborted) return null;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.wakeAfterEnd = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.wakeAfterEnd = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** One ack per batch; until it settles the issuing generation and process are kept open. */
  private ackFor(gen: Generation, sup: Supervisor, proc: PluginProcess, batchId: bigint, batch: Batch): AckFn {
    sup.hold();
    this.unsettled++;
    let settled = false;
    const ack: AckFn = async (err) => {
      if (settled) return;
      if (err && this.autoReplayFor(sup)) {
        // The host replays: the same batch (and the same ack) comes out of readBatch again.
        this.replay.push({ batch, ack });
        this.wakeAfterEnd?.();
        return;
      }
      settled = true;
      this.unsettled--;
      this.wakeAfterEnd?.();
      try {
        const res = await proc.call(InputService.ack, { batchId, ...(err ? { error: { message: err.message || 'nack' } } : {}) });
        if (res.error) this.log.warn({ batchId: String(batchId), error: res.error.message }, 'plugin reported an error on Ack');
      } catch (callErr) {
        // The process that issued the batch is gone; the ack has nowhere to go.
        this.log.warn({ batchId: String(batchId), err: (callErr as Error).message }, 'ack lost: the plugin process that issued the batch has exited');
      } finally {
        sup.release();
        gen.leave();
      }
    };
    return ack;
  }

  private autoReplayFor(sup: Supervisor): boolean {
    return sup.initResponse<InputInitResponse>()?.autoReplayNacks === true;
  }
}
