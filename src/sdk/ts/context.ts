import { isStruct, type StructValue, type Value } from '../../core/value.js';

/** What every plugin function gets next to its data. */
export interface Context<C> {
  /**
   * The component's config from the pipeline file, as a plain object. The host
   * has already checked it against plugin.yaml's `fields` (types, required,
   * defaults applied), so the generic parameter can simply state its shape.
   */
  readonly config: C;
  /** Aborted when the plugin shuts down; hand it to long calls (fetch, timers, ...). */
  readonly signal: AbortSignal;
}

/** Set-up and tear-down around a plugin's calls. */
export interface Hooks<C> {
  /** Runs once, when the host sends Init; throwing fails Init with that message. */
  init?(ctx: Context<C>): void | Promise<void>;
  /** Runs once, on the Close call or on shutdown, after the last call has finished. */
  close?(ctx: Context<C>): void | Promise<void>;
}

/** The default config type: whatever the manifest's fields make. */
export type Config = StructValue;

/**
 * Init once, close once, and the context in between. Init is idempotent
 * because the host retries it until the plugin answers; a failed Init may be
 * tried again.
 */
export class Lifecycle<C> {
  private ctx: Context<C> | undefined;
  private initCall: Promise<Context<C>> | undefined;
  private closeCall: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly hooks: Hooks<C>) {}

  init(config: Value | undefined): Promise<Context<C>> {
    this.initCall ??= this.runInit(config).catch((err: unknown) => {
      this.initCall = undefined;
      throw err;
    });
    return this.initCall;
  }

  private async runInit(config: Value | undefined): Promise<Context<C>> {
    const ctx: Context<C> = { config: (isStruct(config) ? config : {}) as C, signal: this.abort.signal };
    await this.hooks.init?.(ctx);
    this.ctx = ctx;
    return ctx;
  }

  /** The context for a call; throws when the host calls before Init succeeded (a host bug). */
  context(): Context<C> {
    if (this.ctx === undefined) throw new Error('called before Init');
    return this.ctx;
  }

  get initialised(): boolean {
    return this.ctx !== undefined;
  }

  /** Aborts the signal and runs the close hook (once, and only after a successful Init). */
  close(): Promise<void> {
    this.closeCall ??= this.runClose();
    return this.closeCall;
  }

  private async runClose(): Promise<void> {
    this.abort.abort();
    if (this.ctx !== undefined) await this.hooks.close?.(this.ctx);
  }
}
