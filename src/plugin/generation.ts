import type { MethodDefinition } from '@grpc/grpc-js';
import type { Logger } from '../core/log.js';
import type { PluginManifest } from '../core/spec.js';
import type { Value } from '../core/value.js';
import type { EmptyRequest, ErrorResponse, InitRequest } from '../wire/index.js';
import { resolveLaunch } from './launch.js';
import { Drain } from './drain.js';
import type { ResolvedOptions } from './options.js';
import type { PluginProcess } from './plugin-process.js';
import { Supervisor, type InstanceHealth } from './supervisor.js';

export interface KindMethods {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Init response; all carry `error`
  init: MethodDefinition<InitRequest, any>;
  close: MethodDefinition<EmptyRequest, ErrorResponse>;
  onRestarted?: (p: PluginProcess) => Promise<void>;
  /** How long Close may take when nothing is in flight (outputs; see SupervisorOptions.idleCloseMs). */
  idleCloseMs?: number;
}

/**
 * One version of a plugin: its manifest, config and processes (one per
 * `instances`). A component routes new calls to its newest generation; an
 * older one keeps serving what was routed to it, drains and closes.
 */
export class Generation {
  readonly id: number;
  readonly manifest: PluginManifest;
  private readonly opts: ResolvedOptions;
  private readonly config: Value;
  private readonly methods: KindMethods;
  private readonly log: Logger;
  private instances: Supervisor[] = [];
  private starting: Promise<void> | undefined;
  private active = 0;
  private readonly drain = new Drain();
  private closing: Promise<void> | undefined;
  private forced = false;

  constructor(id: number, manifest: PluginManifest, config: Value, methods: KindMethods, opts: ResolvedOptions) {
    this.id = id;
    this.manifest = manifest;
    this.config = config;
    this.methods = methods;
    this.opts = opts;
    this.log = opts.log.child({ plugin: manifest.name, generation: id });
  }

  /** Resolves the launch (compiling TS, finding Python) and starts every instance. Retries from scratch after a failure. */
  start(): Promise<void> {
    this.starting ??= this.doStart().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    if (this.instances.length === 0) {
      const launch = await resolveLaunch(this.manifest, this.opts.repoRoot);
      const n = Math.max(1, this.manifest.instances ?? 1);
      const o = this.opts;
      for (let i = 0; i < n; i++) {
        this.instances.push(
          new Supervisor({
            name: this.manifest.name, launch, log: n > 1 ? this.log.child({ instance: i }) : this.log,
            maxMessageBytes: o.maxMessageBytes, startTimeoutMs: o.startTimeoutMs, closeTimeoutMs: o.closeTimeoutMs,
            killTimeoutMs: o.killTimeoutMs, drainTimeoutMs: o.drainTimeoutMs, restart: o.restart,
            // A reload is watched by someone: its Init error is reported at once, not retried.
            initRetryMs: this.id > 1 ? 0 : o.initRetryMs,
            init: this.methods.init, close: this.methods.close, config: this.config,
            // A plugin that has been reloaded once is being edited: keep a warm spare for its next save
            // (in dev, from its first start, so the first save is fast too).
            spares: !this.manifest.exclusive && (this.id > 1 || o.warmFromStart) ? o.spares : undefined,
            ...(this.methods.onRestarted ? { onRestarted: this.methods.onRestarted } : {}),
            ...(this.methods.idleCloseMs !== undefined ? { idleCloseMs: this.methods.idleCloseMs } : {}),
          }),
        );
      }
    }
    const results = await Promise.allSettled(this.instances.map((s) => s.start()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  supervisors(): readonly Supervisor[] {
    return this.instances;
  }

  /** The instance with the fewest calls in flight, preferring ready ones over restarting ones over failed ones. */
  pick(): Supervisor {
    let best: Supervisor | undefined;
    let bestRank = Infinity;
    for (const s of this.instances) {
      const st = s.state();
      const rank = (s.serving() ? 0 : st === 'failed' ? 2 : 1) * 1e9 + s.inFlight();
      if (rank < bestRank) {
        best = s;
        bestRank = rank;
      }
    }
    if (!best) throw new Error(`plugin ${this.manifest.name}: generation ${this.id} is not started`);
    return best;
  }

  /** Marks a call (or an outstanding input batch) routed to this generation. */
  enter(): void {
    this.active++;
  }

  leave(): void {
    this.active--;
    if (this.active === 0) this.drain.end();
  }

  health(): InstanceHealth[] {
    return this.instances.map((s) => s.health());
  }

  /** Waits for what was routed here (bounded by drainTimeoutMs), then closes every instance. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  /** Closes every instance without draining (see Supervisor.forceClose). Idempotent. */
  forceClose(): Promise<void> {
    if (!this.forced) {
      this.forced = true;
      this.drain.end();
      for (const s of this.instances) void s.forceClose();
    }
    return this.close();
  }

  private async doClose(): Promise<void> {
    if (this.active > 0 && !this.forced) await this.drain.wait(this.opts.drainTimeoutMs);
    const close = (s: Supervisor): Promise<void> => (this.forced ? s.forceClose() : s.close());
    // Closing an instance cuts a start in progress short (Init errors being retried), so close before
    // waiting for the start; then again (idempotent) for instances the start created meanwhile.
    for (const s of this.instances) void close(s).catch(() => {});
    await this.starting?.catch(() => {});
    const results = await Promise.allSettled(this.instances.map(close));
    for (const r of results) if (r.status === 'rejected') this.log.warn({ err: r.reason }, 'closing a plugin instance failed');
  }
}
