import type { MethodDefinition } from '@grpc/grpc-js';
import { HotplugError, ErrorCode, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { EmptyRequest, ErrorResponse, InitRequest } from '../wire/index.js';
import { PluginProcess, type ProcessOptions } from './plugin-process.js';
import { Drain } from './drain.js';
import { CallLane } from './call-lane.js';
import { PluginCrashedError, PluginDeadlineError, unavailable } from './process-errors.js';
import type { SparePool } from './warm/spare-pool.js';

/**
 * - stopped:  not running (before the first start, and after close)
 * - starting: spawning and waiting for Init (calls wait, up to their deadline)
 * - ready:    serving calls
 * - crashed:  the process died; a restart is scheduled (calls wait, up to their deadline)
 * - draining: closing; in-flight calls finish, new ones are refused
 * - failed:   the last start failed; calls fail fast (503) while the next
 *             attempt waits its backoff. Never for good: restarts go on.
 */
export type PluginState = 'starting' | 'ready' | 'draining' | 'stopped' | 'crashed' | 'failed';

export interface RestartPolicy {
  /** First restart delay; doubles per consecutive failure (crashes and failed starts). */
  baseMs: number;
  /** The cap of that delay. Restarts never stop while the host runs. */
  maxMs: number;
}

/** Options of one call through `Supervisor.run`. */
export interface RunOptions {
  /** How long the call may take once sent; past it the process is killed (PluginDeadlineError). */
  deadlineMs?: number;
  /** How long to wait for a ready process (starting, restarting) before PluginUnavailable; default: deadlineMs. */
  waitMs?: number;
  /** Alone on the process: waits for the calls in flight, and later calls wait for it. */
  exclusive?: boolean;
  /** On a crash, throw the PluginCrashedError instead of running the call again on the restarted process. */
  noRetry?: boolean;
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
  /** Calls that ran past their deadline (each killed the process). */
  deadlineMisses: number;
  /** The last lines the current (or last) process wrote to stderr: for dev tooling, not for production /ready. */
  stderrTail: string;
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
  private deadlineMisses = 0;
  private deadlineKill: Error | undefined;
  private restarting: Promise<void> | undefined;
  private lastError: Error | undefined;
  private holds = 0;
  private readonly drain = new Drain();
  private closing: Promise<void> | undefined;
  private forced = false;
  private wake: (() => void) | undefined;
  private readonly lane = new CallLane();
  /** Resolved (and replaced) on every state change, for calls waiting for a ready process. */
  private changed = deferred();

  constructor(opts: SupervisorOptions) {
    this.opts = opts;
    this.log = opts.log;
  }

  state(): PluginState {
    return this.current;
  }

  /** Ready with a process that can take a call now (not one killed whose exit is not seen yet). */
  serving(): boolean {
    return this.current === 'ready' && this.proc !== undefined && !this.proc.killed && this.proc.exitInfo === undefined;
  }

  private setState(next: PluginState): void {
    if (next === this.current) return;
    this.log.debug({ from: this.current, to: next }, 'plugin state');
    this.current = next;
    const changed = this.changed;
    this.changed = deferred();
    changed.resolve();
  }

  /** The Init response of the running process. */
  initResponse<R extends ErrorResponse>(): R | undefined {
    return this.initRes as R | undefined;
  }

  process(): PluginProcess | undefined {
    return this.proc;
  }

  /**
   * Starts the process if it is not running. Rejects with the start error;
   * after a failed start, the next attempts go on by themselves with backoff
   * (a plugin is never given up on while the host runs), and start() rejects
   * at once with the last error until one succeeds.
   */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(shuttingDown(this.opts.name));
    if (this.current === 'ready') return Promise.resolve();
    if (this.starting) return this.starting;
    if (this.current !== 'stopped') return Promise.reject(this.lastError ?? unavailable(this.opts.name, this.current, undefined));
    this.setState('starting');
    const p = this.spawnAndInit().then(
      () => {
        this.starting = undefined;
        this.failures = 0;
        this.setState('ready');
      },
      (err: unknown) => {
        this.starting = undefined;
        this.lastError = err as Error;
        if (!this.closing) {
          this.failures++;
          // A reload's new generation (no Init retries) is reported by whoever swaps it in, and closed if it fails.
          const level = this.opts.initRetryMs === 0 ? 'debug' : 'error';
          this.log[level]({ err: errorMessage(err), failures: this.failures, retryInMs: this.backoffMs() }, 'plugin failed to start; retrying');
          this.setState('failed');
          this.restarting = this.restartLoop();
        }
        throw err;
      },
    );
    this.starting = p;
    return p;
  }

  /**
   * Runs `fn` against a ready process, waiting for one up to `deadlineMs`
   * (then: PluginUnavailable, with the last error). A call still running at
   * its deadline fails with PluginDeadlineError and the process is killed
   * (and restarted): a hung plugin is replaced. If the process dies during
   * the call, `fn` runs again on the restarted one (unless `noRetry`: the
   * caller isolates what crashed it).
   */
  async run<T>(fn: (p: PluginProcess) => Promise<T>, o: RunOptions = {}): Promise<T> {
    const exclusive = o.exclusive === true;
    // Waiting for a ready process and the call itself each get the deadline.
    const wait = o.waitMs ?? o.deadlineMs;
    const waitUntil = wait === undefined ? undefined : performance.now() + wait;
    this.hold();
    const turn = this.lane.acquire(exclusive);
    try {
      if (turn !== undefined) await turn;
      for (;;) {
        const p = await this.readyProcess(waitUntil);
        try {
          const out = await (o.deadlineMs === undefined ? fn(p) : this.withDeadline(p, fn(p), performance.now() + o.deadlineMs, o.deadlineMs));
          this.failures = 0;
          return out;
        } catch (err) {
          if (err instanceof PluginCrashedError && p.exitInfo) {
            this.handleExit(p);
            if (o.noRetry === true) throw err;
            continue;
          }
          throw err;
        }
      }
    } finally {
      this.lane.release(exclusive);
      this.release();
    }
  }

  /** The call's answer, or PluginDeadlineError at the deadline (the process is then killed). */
  private withDeadline<T>(p: PluginProcess, call: Promise<T>, deadline: number, deadlineMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        if (p.killed || p.exitInfo) {
          // Already being replaced for another call (whose miss was logged and counted): nothing is
          // known about this one, which re-runs alone like any work caught in a crash.
          reject(new PluginDeadlineError(this.opts.name, deadlineMs, false));
          return;
        }
        const err = new PluginDeadlineError(this.opts.name, deadlineMs, p.inFlight <= 1);
        this.lastError = err;
        this.deadlineKill = err;
        this.log.error({ err: err.message, pid: p.pid, alone: err.alone }, 'plugin call missed its deadline; killing the process');
        this.deadlineMisses++;
        p.kill();
        reject(err);
      }, Math.max(0, deadline - performance.now()));
      call.then(
        (v) => {
          clearTimeout(timer);
          if (!late) resolve(v);
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (!late) reject(err as Error);
        },
      );
    });
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
      deadlineMisses: this.deadlineMisses,
      pid: this.proc?.exitInfo ? undefined : this.proc?.pid,
      socketDir: this.proc?.exitInfo ? undefined : this.proc?.socket.dir,
      restarts: this.restarts,
      consecutiveFailures: this.failures,
      inFlight: this.holds,
      lastError: this.lastError?.message,
      stderrTail: this.proc?.stderrTail() ?? '',
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
    // A start still in progress (a slow start, Init errors being retried) is cut short: it never served.
    if (this.proc && !this.proc.started && !this.proc.exitInfo) this.proc.kill();
    await this.restarting;
    if (this.holds > 0 && !this.forced) await this.drain.wait(this.opts.drainTimeoutMs);
    await this.starting?.catch(() => {});
    const idle = this.holds === 0 ? this.opts.idleCloseMs : undefined;
    await this.proc?.close(this.forced ? undefined : this.opts.close, idle);
    this.setState('stopped');
  }

  /** A ready process; waits while one is starting or restarting, up to `deadline` (then PluginUnavailable). */
  private async readyProcess(deadline: number | undefined): Promise<PluginProcess> {
    for (;;) {
      if (this.closing && this.current !== 'draining') throw shuttingDown(this.opts.name);
      const p = this.proc;
      if (p?.exitInfo) this.handleExit(p);
      switch (this.current) {
        case 'ready':
        case 'draining':
          if (this.proc && !this.proc.exitInfo && !this.proc.killed) return this.proc;
          if (this.current === 'draining') throw shuttingDown(this.opts.name);
          // Killed (a missed deadline) and its exit not seen yet: wait for the restart, not for a crash on it.
          if (this.proc?.killed && !(await this.stateChange(deadline))) throw unavailable(this.opts.name, 'crashed', this.lastError);
          break;
        case 'stopped':
          await this.start();
          break;
        case 'starting':
        case 'crashed':
          if (!(await this.stateChange(deadline))) throw unavailable(this.opts.name, this.current, this.lastError);
          break;
        case 'failed':
          throw unavailable(this.opts.name, this.current, this.lastError);
      }
    }
  }

  /** True once the state changed; false when `deadline` passed first. */
  private stateChange(deadline: number | undefined): Promise<boolean> {
    const changed = this.changed.promise.then(() => true);
    if (deadline === undefined) return changed;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()));
      void changed.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private async spawnAndInit(): Promise<void> {
    const o = this.opts;
    const p = new PluginProcess({
      name: o.name, launch: o.launch, log: o.log, maxMessageBytes: o.maxMessageBytes,
      startTimeoutMs: o.startTimeoutMs, closeTimeoutMs: o.closeTimeoutMs, killTimeoutMs: o.killTimeoutMs,
      initRetryMs: o.initRetryMs, onInitError: (err) => (this.lastError = err),
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
    this.lastError = this.lastError instanceof PluginDeadlineError && this.lastError === this.deadlineKill ? this.lastError : new PluginCrashedError(this.opts.name, p.exitInfo ?? { code: null, signal: null }, p.stderrTail());
    this.log.error({ err: this.lastError.message, failures: this.failures, retryInMs: this.backoffMs() }, 'plugin crashed');
    this.setState('crashed');
    this.restarting = this.restartLoop();
  }

  /** The delay before the next start: baseMs doubling per consecutive failure, capped at maxMs. */
  private backoffMs(): number {
    const { baseMs, maxMs } = this.opts.restart;
    return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, this.failures - 1)));
  }

  /** Starts again after each failure, with backoff, until a start succeeds or the supervisor closes. */
  private async restartLoop(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => {
        // Not unref'd: callers may be waiting for this restart. close() wakes it early.
        const timer = setTimeout(resolve, this.backoffMs());
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
        if (this.closing) break;
        this.lastError = err as Error;
        this.failures++;
        this.log.error({ err: errorMessage(err), failures: this.failures, retryInMs: this.backoffMs() }, 'plugin restart failed');
        this.proc?.kill();
        this.setState('failed');
      }
    }
    this.restarting = undefined;
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function shuttingDown(name: string): HotplugError {
  return new HotplugError(ErrorCode.ShuttingDown, `plugin ${name} is shutting down`);
}
