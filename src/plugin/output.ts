import type { Batch } from '../core/message.js';
import type { BatchPolicyConfig, Output } from '../core/output.js';
import type { PluginManifest } from '../core/spec.js';
import type { Value } from '../core/value.js';
import { OutputService, errorFromWire, type OutputInitResponse } from '../wire/index.js';
import { PluginComponent } from './component.js';
import type { Generation } from './generation.js';
import type { ResolvedOptions } from './options.js';
import { connectUntilDone, callConnect } from './connect.js';

/**
 * An output plugin as a core Output: Init and Connect on connect(), Send per
 * writeBatch (a Send interrupted by a crash is sent again on the restarted
 * process: at least once; one that misses its deadline fails, and the hung
 * process is replaced). maxInFlight and batchPolicy come from the Init
 * response and are readable after connect().
 */
export class PluginOutput extends PluginComponent implements Output {
  private connected = false;

  constructor(manifest: PluginManifest, config: Value, opts: ResolvedOptions) {
    super('output', manifest, config, {
      init: OutputService.init,
      close: OutputService.close,
      idleCloseMs: opts.idleCloseMs,
      onRestarted: (p) => connectUntilDone(p, OutputService.connect, () => this.current()),
    }, opts);
  }

  private init(): OutputInitResponse | undefined {
    return this.latest().supervisors()[0]?.initResponse<OutputInitResponse>();
  }

  /** The plugin's max_in_flight (at least 1) times its instances; 1 before connect(). */
  get maxInFlight(): number {
    const n = this.init()?.maxInFlight ?? 1;
    return Math.max(1, n) * Math.max(1, this.latest().supervisors().length);
  }

  get batchPolicy(): BatchPolicyConfig | undefined {
    return this.init()?.batchPolicy;
  }

  async connect(signal: AbortSignal): Promise<void> {
    await this.prepare(this.current(), signal);
    this.connected = true;
  }

  protected async prepare(gen: Generation, signal?: AbortSignal): Promise<void> {
    await gen.start();
    if (this.connected || signal) await Promise.all(gen.supervisors().map((s) => callConnect(s, OutputService.connect, signal)));
  }

  async writeBatch(batch: Batch): Promise<void> {
    const gen = this.current();
    gen.enter();
    try {
      // A Send past its deadline (the manifest's `deadline`, else 30 s) fails the batch with 504 and the process is replaced.
      const res = await gen.pick().run((p) => p.call(OutputService.send, { batch }), { deadlineMs: gen.manifest.deadlineMs ?? this.opts.callDeadlineMs });
      if (res.error) throw errorFromWire(res.error);
    } finally {
      gen.leave();
    }
  }
}
