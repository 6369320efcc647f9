import { HotplugError, ErrorCode, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { ComponentKind, PluginManifest } from '../core/spec.js';
import type { Value } from '../core/value.js';
import { Generation, type KindMethods } from './generation.js';
import type { ResolvedOptions } from './options.js';
import type { InstanceHealth, PluginState } from './supervisor.js';

export interface ComponentHealth {
  name: string;
  kind: ComponentKind;
  /** The generation new calls go to (1 for the first, +1 per swap). */
  generation: number;
  /** The worst state among the current generation's instances that matters: ready when any is ready. */
  state: PluginState;
  instances: InstanceHealth[];
  /** Older generations still draining. */
  retiring: number;
}

/**
 * What the three plugin component kinds share: generations, swap, health and
 * close. Subclasses implement the core interface (Processor, Input, Output)
 * on top of `current()`.
 */
export abstract class PluginComponent {
  readonly kind: ComponentKind;
  protected readonly opts: ResolvedOptions;
  protected readonly log: Logger;
  protected readonly methods: KindMethods;
  private gen: Generation;
  private nextId = 1;
  private config: Value;
  private readonly retiring = new Set<Generation>();
  private swapping: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private forced = false;
  /** Called once the component is closed, so the runtime can forget it. */
  onClosed: (() => void) | undefined;

  constructor(kind: ComponentKind, manifest: PluginManifest, config: Value, methods: KindMethods, opts: ResolvedOptions) {
    this.kind = kind;
    this.opts = opts;
    this.methods = methods;
    this.config = config;
    this.log = opts.log.child({ plugin: manifest.name });
    this.gen = this.newGeneration(manifest);
  }

  get name(): string {
    return this.gen.manifest.name;
  }

  /** The generation new calls go to; throws once closed. */
  protected current(): Generation {
    if (this.closing) throw new HotplugError(ErrorCode.ShuttingDown, `plugin ${this.name} is closed`);
    return this.gen;
  }

  /** The newest generation, also after close (for getters that must not throw). */
  protected latest(): Generation {
    return this.gen;
  }

  /** Brings a new generation to where the current one is (started; inputs and outputs also connected). */
  protected abstract prepare(gen: Generation): Promise<void>;

  /**
   * Starts `manifest` (and `config`, when given) as a new generation and, once
   * it answered Init (and Connect, for connected inputs and outputs), routes
   * new calls to it; the old generation finishes what it has in flight (an
   * input's outstanding acks still go to the process that issued the batch)
   * and closes. When the new generation fails to start, the old one keeps
   * serving and swap rejects with the failure (including the plugin's stderr).
   */
  swap(manifest: PluginManifest, config?: Value): Promise<void> {
    const next = this.swapping.then(() => this.doSwap(manifest, config));
    this.swapping = next.catch(() => {});
    return next;
  }

  private async doSwap(manifest: PluginManifest, config: Value | undefined): Promise<void> {
    if (this.closing) throw new HotplugError(ErrorCode.ShuttingDown, `plugin ${this.name} is closed`);
    if (config !== undefined) this.config = config;
    // A debugged plugin's port is taken until its old process is gone: stop it first (calls meanwhile fail).
    if (manifest.exclusive) await this.retireNow();
    const gen = this.newGeneration(manifest);
    try {
      await this.prepare(gen);
    } catch (err) {
      await gen.close();
      throw err instanceof HotplugError
        ? err
        : new HotplugError(ErrorCode.PluginFailed, `plugin ${manifest.name}: the new version failed to start: ${errorMessage(err)}`, { cause: err });
    }
    if (this.closing) {
      await gen.close();
      throw new HotplugError(ErrorCode.ShuttingDown, `plugin ${this.name} is closed`);
    }
    const old = this.gen;
    this.gen = gen;
    // debug: whoever asked for the swap reports it (dev logs one line per reload).
    this.log.debug({ generation: gen.id, previous: old.id }, 'plugin swapped');
    this.retire(old);
  }

  /** Drains and closes the current generation before a new one starts (exclusive plugins). */
  private async retireNow(): Promise<void> {
    await this.gen.close().catch((err: unknown) => this.log.warn({ err, generation: this.gen.id }, 'closing the generation being replaced failed'));
  }

  private retire(old: Generation): void {
    this.retiring.add(old);
    old.close().then(
      () => this.retiring.delete(old),
      (err: unknown) => {
        this.retiring.delete(old);
        this.log.warn({ err, generation: old.id }, 'closing a retired generation failed');
      },
    );
  }

  private newGeneration(manifest: PluginManifest): Generation {
    return new Generation(this.nextId++, manifest, this.config, this.methods, this.opts);
  }

  /** The component's state: ready when any process of the current generation is. */
  state(): PluginState {
    return this.health().state;
  }

  health(): ComponentHealth {
    const instances = this.gen.health();
    const states = instances.map((i) => i.state);
    const state: PluginState = states.length === 0 ? 'stopped' : states.includes('ready') ? 'ready' : (states[0] as PluginState);
    return { name: this.name, kind: this.kind, generation: this.gen.id, state, instances, retiring: this.retiring.size };
  }

  /** Drains and closes every generation. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.swapping;
      const gens = [this.gen, ...this.retiring];
      await Promise.allSettled(gens.map((g) => (this.forced ? g.forceClose() : g.close())));
      this.onClosed?.();
    })();
    return this.closing;
  }

  /**
   * A shutdown past its deadline (the pipeline's ForceClosable): every
   * generation closes without draining or a Close RPC, its processes get
   * SIGTERM now, and calls still in flight fail so their batches are nacked.
   * Also cuts short a close() that is still draining. Idempotent.
   */
  forceClose(): Promise<void> {
    if (!this.forced) {
      this.forced = true;
      for (const g of [this.gen, ...this.retiring]) void g.forceClose();
    }
    return this.close();
  }
}
