import type { MethodDefinition } from '@grpc/grpc-js';
import { HotplugError, ErrorCode, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { EmptyRequest, ErrorResponse, InitRequest } from '../wire/index.js';
import { PluginProcess, type ProcessOptions } from './plugin-process.js';
import { Drain } from './drain.js';
import { PluginCrashedError } from './process-errors.js';
import type { SparePool } from './warm/spare-pool.js';

/**
 * - stopped:  not running (before the first start, and after close)
 * - starting: spawning and waiting for Init
 * - ready:    serving calls
 * - crashed:  the process died; a restart is scheduled (calls wait for it)
 * - draining: closing; in-flight calls finish, new ones are refused
 * - failed:   could not start, or crashed too often in a row; calls fail fast
 */
export type PluginState = 'starting' | 'ready' | 'draining' | 'stopped' | 'crashed' | 'failed';

export interface RestartPolicy {
  /** First restart delay; doubles per consecutive failure. */
  baseMs: number;
  maxMs: number;
  /** Consecutive failures (crashes or failed restarts) after which the plugin is reported failed. */
  maxFailures: number;
}

export interface SupervisorOptions extends ProcessOptions {
  drainTimeoutMs: number;
  restart: RestartPolicy;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Init response; all carry `error`
  init: MethodDefinition<InitRequest, any>;
  close: MethodDefinition<EmptyRequest, ErrorResponse>;
  config: InitRequest['config'];
  /** Warm spares to start from, each replaced by a new one (dev mode, after a plugin's first reload). */
  spares?: SparePool | undefined;
  /** Runs after Init on every restart (inputs and outputs Connect here). */
  onRestarted?: (p: PluginProcess) => Promise<void>;
  /**
   * When set, the Close RPC of a process with nothing in flight gets only this long before the
   * process is terminated. For outputs: every Send was answered, so nothing is lost, and the official
   * SDKs' outputs never answer Close (which would cost the full closeTimeoutMs on every stop).
   */
  idleCloseMs?: number;
}

export interface InstanceHealth {
  state: PluginState;
  pid: number | undefined;
  socketDir: string | undefined;
  restarts: number;
  consecutiveFailures: number;
  inFlight: number;
  lastError: string | undefined;
}

/**
 * Keeps one plugin process alive: starts it, restarts it after a crash with
 * exponential backoff, retries calls that a crash interrupted on the next
 * process, and gives up (state `failed`) after too many failures in a row.
 */
export class Supervisor {
  private readonly opts: SupervisorOptions;
  private readonly log: Logger;
  private current: PluginState = 'stopped';
  private proc: PluginProcess | undefined;
  private starting: Promise<void> | undefined;
  private initRes: ErrorResponse | undefined;
  private failures = 0;
  private restarts = 0;
  private lastError: Error | undefined;
  private holds = 0;
  private readonly drain = new Drain();
  private closing: Promise<void> | undefined;
  private forced = false;
  private wake: (() => void) | undefined;
  private failedAt = 0;

  constructor(opts: SupervisorOptions) {
    this.opts = opts;
    this.log = opts.log;
  }

  state(): PluginState {
    return this.current;
  }

  private setState(next: PluginState): void {
    if (next === this.current) return;
    if (next === 'failed') this.failedAt = Date.now();
    this.log.debug({ from: this.current, to: next }, 'plugin state');
    this.current = next;
  }

  /** The Init response of the running process. */
  initResponse<R extends ErrorResponse>(): R | undefined {
    return this.initRes as R | undefined;
  }

  process(): PluginProcess | undefined {
    return this.proc;
  }

  /** Starts the process if it is not running; from `failed`, tries again. Rejects with the start error. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(shuttingDown(this.opts.name));
    if (this.current === 'ready') return Promise.resolve();
    if (this.starting) return this.starting;
    // A plugin that just failed to start is not respawned for every call that comes along.
    if (this.current === 'failed' && this.lastError && Date.now() - this.failedAt < this.opts.restart.maxMs) {
      return Promise.reject(this.lastError);
    }
    this.failures = 0;
    this.setState('starting');
    const p = this.spawnAndInit().then(
      () => {
        this.starting = undefined;
        this.setState('ready');
      },
      (err: unknown) => {
        this.starting = undefined;
        this.lastError = err as Error;
        if (!this.closing) this.setState('failed');
        throw err;
      },
    );
    this.starting = p;
    return p;
  }

  /**
   * Runs `fn` against a ready process. If the process dies during the call,
   * `fn` runs again on the restarted one: a crash never loses a call; only a
   * plugin that keeps failing (state `failed`) makes it reject.
   */
  async run<T>(fn: (p: PluginProcess) => Promise<T>): Promise<T> {
    this.hold();
    try {
      for (;;) {
        const p = await this.readyProcess();
        try {
          const out = await fn(p);
          this.failures = 0;
          return out;
        } catch (err) {
          if (err instanceof PluginCrashedError && p.exitInfo) {
            this.handleExit(p);
            continue;
          }
          throw err;
        }
      }
    } finally {
      this.release();
    }
  }

  /** Keeps the instance from closing while something it issued is outstanding (an input batch awaiting its ack). */
  hold(): void {
    this.holds++;
  }

  release(): void {
    this.holds--;
    if (this.holds === 0) this.drain.end();
  }

  inFlight(): number {
    return this.holds;
  }

  health(): InstanceHealth {
    return {
      state: this.current,
      pid: this.proc?.exitInfo ? undefined : this.proc?.pid,
      socketDir: this.proc?.exitInfo ? undefined : this.proc?.socket.dir,
      restarts: this.restarts,
      consecutiveFailures: this.failures,
      inFlight: this.holds,
      lastError: this.lastError?.message,
    };
  }

  /** Waits for in-flight calls and holds (bounded by drainTimeoutMs), then closes the process. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  /**
   * Closes without waiting: no drain, no Close RPC, SIGTERM to the group now
   * (SIGKILL after killTimeoutMs). Calls in flight fail as the process goes,
   * and their callers nack. For a shutdown past its deadline. Idempotent.
   */
  forceClose(): Promise<void> {
    if (!this.forced) {
      this.forced = true;
      this.drain.end();
      this.proc?.terminate();
    }
    return this.close();
  }

  private async doClose(): Promise<void> {
    if (this.current !== 'stopped') this.setState('draining');
    this.wake?.();
    if (this.holds > 0 && !this.forced) await this.drain.wait(this.opts.drainTimeoutMs);
    await this.starting?.catch(() => {});
    const idle = this.holds === 0 ? this.opts.idleCloseMs : undefined;
    await this.proc?.close(this.forced ? undefined : this.opts.close, idle);
    this.setState('stopped');
  }

  private async readyProcess(): Promise<PluginProcess> {
    for (;;) {
      if (this.closing && this.current !== 'draining') throw shuttingDown(this.opts.name);
      const p = this.proc;
      if (p?.exitInfo) this.handleExit(p);
      switch (this.current) {
        case 'ready':
        case 'draining':
          if (this.proc && !this.proc.exitInfo) return this.proc;
          if (this.current === 'draining') throw shuttingDown(this.opts.name);
          break;
        case 'stopped':
          await this.start();
          break;
        case 'starting':
        case 'crashed':
          if (this.starting) await this.starting.catch(() => {});
          else await new Promise((r) => setTimeout(r, 10));
          break;
        case 'failed':
          throw new HotplugError(ErrorCode.PluginFailed, `plugin ${this.opts.name} has failed: ${this.lastError?.message ?? 'unknown error'}`, {
            hint: 'fix the plugin and save it (dev mode reloads it), or restart the host',
            cause: this.lastError,
          });
      }
    }
  }

  private async spawnAndInit(): Promise<void> {
    const o = this.opts;
    const p = new PluginProcess({
      name: o.name, launch: o.launch, log: o.log, maxMessageBytes: o.maxMessageBytes,
      startTimeoutMs: o.startTimeoutMs, closeTimeoutMs: o.closeTimeoutMs, killTimeoutMs: o.killTimeoutMs,
      spare: o.spares?.take(o.launch),
    });
    this.proc = p;
    try {
      this.initRes = await p.start(o.init, { config: o.config });
    } catch (err) {
      p.kill();
      await p.close();
      throw err;
    } finally {
      // After the start, not during it (two cores): the next save, or a restart, finds a spare ready again.
      o.spares?.refill(o.launch);
    }
    p.exited.then(() => this.handleExit(p), () => {});
  }

  /** Called when `p` is seen dead (from its exit, or from a call that it interrupted). Idempotent per process. */
  private handleExit(p: PluginProcess): void {
    if (p !== this.proc || this.current !== 'ready' || this.closing) return;
    this.restarts++;
    this.failures++;
    this.lastError = new PluginCrashedError(this.opts.name, p.exitInfo ?? { code: null, signal: null }, p.stderrTail());
    this.log.error({ err: this.lastError.message, failures: this.failures }, 'plugin crashed');
    if (this.failures > this.opts.restart.maxFailures) {
      this.setState('failed');
      return;
    }
    this.setState('crashed');
    this.starting = this.restartLoop();
  }

  private async restartLoop(): Promise<void> {
    const { baseMs, maxMs, maxFailures } = this.opts.restart;
    for (;;) {
      await new Promise<void>((resolve) => {
        // Not unref'd: callers are waiting for this restart. close() wakes it early.
        const timer = setTimeout(resolve, Math.min(maxMs, baseMs * 2 ** Math.max(0, this.failures - 1)));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (this.closing) break;
      this.setState('starting');
      try {
        await this.spawnAndInit();
        if (this.opts.onRestarted && this.proc) await this.opts.onRestarted(this.proc);
        this.log.info({ restarts: this.restarts }, 'plugin restarted');
        this.setState('ready');
        break;
      } catch (err) {
        this.lastError = err as Error;
        this.failures++;
        this.log.error({ err: errorMessage(err), failures: this.failures }, 'plugin restart failed');
        this.proc?.kill();
        if (this.failures > maxFailures) {
          this.setState('failed');
          break;
        }
        this.setState('crashed');
      }
    }
    this.starting = undefined;
  }
}

function shuttingDown(name: string): HotplugError {
  return new HotplugError(ErrorCode.ShuttingDown, `plugin ${name} is shutting down`);
}
