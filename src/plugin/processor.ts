import type { Batch, Message } from '../core/message.js';
import type { Processor } from '../core/processor.js';
import type { PluginManifest } from '../core/spec.js';
import type { Value } from '../core/value.js';
import { ProcessorService, errorFromWire, type ProcessorInitResponse, type WireError } from '../wire/index.js';
import { Coalescer } from './coalescer.js';
import { PluginComponent } from './component.js';
import type { Generation } from './generation.js';
import type { ResolvedOptions } from './options.js';

interface GenState {
  perMessage: boolean;
  coalescer: Coalescer | undefined;
}

/**
 * A processor plugin as a core Processor. The process starts on the first
 * batch (or `start()`). Plugins that answered Init with hotplug_per_message
 * get concurrent batches coalesced into fewer ProcessBatch calls; others get
 * every batch as its own call, never merged.
 */
export class PluginProcessor extends PluginComponent implements Processor {
  private readonly genState = new WeakMap<Generation, GenState>();

  constructor(manifest: PluginManifest, config: Value, opts: ResolvedOptions) {
    super('processor', manifest, config, { init: ProcessorService.init, close: ProcessorService.close }, opts);
  }

  /** Starts the plugin now instead of on the first batch (surfaces Init errors early). */
  async start(): Promise<void> {
    await this.prepare(this.current());
  }

  protected async prepare(gen: Generation): Promise<void> {
    await gen.start();
    if (this.genState.has(gen)) return;
    const init = gen.supervisors()[0]?.initResponse<ProcessorInitResponse>();
    const perMessage = init?.perMessage === true;
    const coalescer = perMessage
      ? new Coalescer((batch) => this.callPerMessage(gen, batch), this.opts.coalesceInFlight * gen.supervisors().length, this.opts.maxMessageBytes / 2)
      : undefined;
    this.genState.set(gen, { perMessage, coalescer });
  }

  processBatch(batch: Batch): Promise<Batch[]> {
    let gen: Generation;
    try {
      gen = this.current();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const origin = batch[0]?.origin;
    if (origin !== undefined) origin.generation = gen.id;
    const st = this.genState.get(gen);
    if (st?.coalescer) {
      // The hot path of per-message plugins (one call per HTTP request): no async frames on the way in.
      gen.enter();
      const out = st.coalescer.submit(batch);
      const leave = (): void => gen.leave();
      out.then(leave, leave);
      return out;
    }
    return this.processSlow(gen, batch);
  }

  private async processSlow(gen: Generation, batch: Batch): Promise<Batch[]> {
    gen.enter();
    try {
      await this.prepare(gen);
      const st = this.genState.get(gen) as GenState;
      if (st.coalescer) return await st.coalescer.submit(batch);
      const res = await gen.pick().run((p) => p.call(ProcessorService.processBatch, { batch }));
      if (res.error) throw this.batchError(res.error);
      copyOrigins(batch, res.batches);
      return res.batches;
    } finally {
      gen.leave();
    }
  }

  private async callPerMessage(gen: Generation, batch: Batch): Promise<Batch[]> {
    const res = await gen.pick().run((p) => p.call(ProcessorService.processBatch, { batch, perMessageResults: true }));
    if (res.error) throw this.batchError(res.error);
    return res.batches;
  }

  private batchError(e: WireError): Error {
    const err = errorFromWire(e);
    err.message = `plugin ${this.name}: ${err.message}`;
    return err;
  }
}

/**
 * Without per-message results the mapping from inputs to outputs is only
 * known when it is one-to-one, or when every input shares one origin.
 */
function copyOrigins(inputs: Batch, outputs: Batch[]): void {
  const first = inputs[0]?.origin;
  const shared = first !== undefined && inputs.every((m) => m.origin === first);
  const total = outputs.reduce((n, b) => n + b.length, 0);
  if (!shared && total !== inputs.length) return;
  let i = 0;
  for (const b of outputs) {
    for (const m of b as Message[]) m.origin = shared ? first : (inputs[i++] as Message).origin;
  }
}
