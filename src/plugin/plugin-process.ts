import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { status, type MethodDefinition } from '@grpc/grpc-js';
import { HotplugError, ErrorCode, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { UnaryChannel, type CallError, type EmptyRequest, type ErrorResponse, type InitRequest } from '../wire/index.js';
import type { LaunchSpec } from './launch.js';
import { drainLines, LineTail } from './log-drain.js';
import { type ExitInfo, describeExit, withTail, PluginCrashedError } from './process-errors.js';
import { createSocketDir, recordProcessGroup, removeSocketDir, type SocketDir } from './socket-dir.js';
import type { Spare } from './warm/spare-pool.js';
import { withDeathSignal } from './death-signal.js';

export interface ProcessOptions {
  name: string;
  launch: LaunchSpec;
  log: Logger;
  maxMessageBytes: number;
  startTimeoutMs: number;
  closeTimeoutMs: number;
  killTimeoutMs: number;
  /**
   * How long an Init that answers with an error is retried (backoff 100 ms
   * ×1.5 up to 5 s, as Redpanda Connect retries a constructor) before the
   * start fails; 0: not retried.
   */
  initRetryMs?: number | undefined;
  /** Told about each Init error that is going to be retried (for health and /ready). */
  onInitError?: ((err: HotplugError) => void) | undefined;
  /** A warm spare started for this launch (see warm/spare-pool.ts): it becomes this process instead of a fresh spawn. */
  spare?: Spare | undefined;
}

interface PendingCall {
  reject(err: Error): void;
  settled: boolean;
}

/** Processes alive in this host, so an exiting host can still kill them synchronously. */
export const liveProcesses = new Set<PluginProcess>();

/**
 * One plugin OS process and the gRPC channel to it. It owns the process
 * group, the socket dir and the client: `close()` (or the process dying)
 * releases all three. It does not restart anything; the supervisor does.
 */
export class PluginProcess {
  readonly name: string;
  readonly socket: SocketDir;
  readonly exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | undefined;
  /** SIGKILL was sent: the process is as good as gone, though its exit may not have been seen yet. */
  killed = false;
  inFlight = 0;
  private readonly child: ChildProcess;
  private readonly opts: ProcessOptions;
  private readonly log: Logger;
  private readonly tail = new LineTail();
  private client: UnaryChannel | undefined;
  private readonly calls = new Set<PendingCall>();
  private ready = false;
  private closing: Promise<void> | undefined;

  constructor(opts: ProcessOptions) {
    this.opts = opts;
    this.name = opts.name;
    const { launch, spare } = opts;
    this.socket = spare?.socket ?? createSocketDir();
    try {
      // Started through setpriv --pdeathsig, so it cannot outlive this host (see death-signal.ts).
      this.child = spare?.child ?? spawn(...withDeathSignal(launch.file, launch.args), {
        cwd: launch.cwd,
        env: { ...launch.env, REDPANDA_CONNECT_PLUGIN_ADDRESS: this.socket.address },
        // Its own process group, so one signal reaches everything it started.
        detached: true,
        // stdin stays open: the SDKs exit when it closes, i.e. when this host dies.
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (err) {
      removeSocketDir(this.socket.dir);
      throw new HotplugError(ErrorCode.PluginExited, `plugin ${this.name} could not be started: ${errorMessage(err)}`, {
        hint: 'check `command` in the plugin manifest', cause: err,
      });
    }
    this.log = opts.log.child({ pid: this.child.pid });
    if (this.child.pid !== undefined && !spare) recordProcessGroup(this.socket.dir, this.child.pid);
    this.child.stdin?.on('error', () => {}); // EPIPE once the plugin is gone
    if (this.child.stdout) drainLines(this.child.stdout, this.log, 'stdout');
    if (this.child.stderr) drainLines(this.child.stderr, this.log, 'stderr', this.tail);
    liveProcesses.add(this);
    this.exited = new Promise<ExitInfo>((resolve) => {
      let exit: ExitInfo | undefined;
      const finish = (): void => {
        if (this.exitInfo || !exit) return;
        this.exitInfo = exit;
        liveProcesses.delete(this);
        removeSocketDir(this.socket.dir);
        this.client?.close();
        const err = new PluginCrashedError(this.name, exit, this.tail.text());
        for (const c of this.calls) {
          c.settled = true;
          c.reject(err);
        }
        this.calls.clear();
        resolve(exit);
      };
      this.child.on('error', (spawnError) => {
        exit = { code: null, signal: null, spawnError };
        finish();
      });
      this.child.on('exit', (code, signal) => {
        exit = { code, signal };
        // Whatever the leader left behind in its group goes with it.
        this.killGroup('SIGKILL');
        // Wait for the pipes to flush (the stderr tail), but not forever.
        setTimeout(finish, 500).unref();
      });
      this.child.on('close', () => finish());
    });
    spare?.handOff(launch);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Init answered: the process serves. */
  get started(): boolean {
    return this.ready;
  }

  stderrTail(): string {
    return this.tail.text();
  }

  /**
   * Waits for the socket, then calls Init until it answers: first try within
   * milliseconds of the socket appearing, then backing off. Rejects with
   * PluginExited when the process dies first, PluginStartTimeout when the
   * deadline passes, PluginInit when the plugin rejects its config.
   */
  async start<R extends ErrorResponse>(init: MethodDefinition<InitRequest, R>, req: InitRequest): Promise<R> {
    let deadline = Date.now() + this.opts.startTimeoutMs;
    let socketSeen = false;
    let delay = 5;
    let initRetryUntil: number | undefined;
    let initDelay = INIT_RETRY_FIRST_MS;
    for (;;) {
      if (this.exitInfo) throw this.exitedDuringStart(this.exitInfo);
      const left = deadline - Date.now();
      if (left <= 0) {
        this.kill();
        throw new HotplugError(
          ErrorCode.PluginStartTimeout,
          withTail(`plugin ${this.name} did not answer Init within ${this.opts.startTimeoutMs} ms (${socketSeen ? 'its socket exists but Init got no answer' : `it never listened on ${this.socket.socketPath}`}; pid ${this.pid} was still running and has been killed)`, this.tail.text()),
          { hint: 'the plugin must serve gRPC on the unix socket named by REDPANDA_CONNECT_PLUGIN_ADDRESS; raise the start timeout if it is just slow to start' },
        );
      }
      if (!socketSeen && existsSync(this.socket.socketPath)) socketSeen = true;
      if (socketSeen) {
        try {
          const res = await this.raceExit(this.unary(init, req, left));
          if (res.error) {
            const err = new HotplugError(ErrorCode.PluginInit, `plugin ${this.name} rejected its config: ${res.error.message}`, {
              hint: 'check the component config against the fields in the plugin manifest',
            });
            initRetryUntil ??= Date.now() + (this.opts.initRetryMs ?? 0);
            if (Date.now() + initDelay > initRetryUntil) throw err;
            this.log.warn({ err: err.message, retryInMs: Math.round(initDelay) }, 'plugin Init failed; retrying');
            this.opts.onInitError?.(err);
            await this.raceExit(sleep(initDelay));
            initDelay = Math.min(initDelay * 1.5, INIT_RETRY_MAX_MS);
            deadline = Math.max(deadline, Date.now() + this.opts.startTimeoutMs);
            continue;
          }
          this.ready = true;
          return res;
        } catch (err) {
          if (err instanceof HotplugError) throw err;
          const code = (err as CallError).code;
          if (code === status.UNIMPLEMENTED) {
            throw new HotplugError(ErrorCode.PluginInit, `plugin ${this.name} does not implement ${init.path.split('/')[1]}`, {
              hint: 'check `type` in the plugin manifest: it must match the kind of component the plugin serves', cause: err,
            });
          }
          if (code !== status.UNAVAILABLE && code !== status.DEADLINE_EXCEEDED) {
            throw new HotplugError(ErrorCode.PluginInit, `plugin ${this.name} failed Init: ${(err as Error).message}`, { cause: err });
          }
        }
      }
      await this.raceExit(sleep(Math.min(delay, Math.max(0, deadline - Date.now())))).catch(() => {});
      if (socketSeen) delay = Math.min(delay * 2, 250);
    }
  }

  /** A unary call. Rejects with PluginCrashedError when the process dies meanwhile. */
  call<Req, Res>(method: MethodDefinition<Req, Res>, req: Req, signal?: AbortSignal): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (this.exitInfo || !this.client) {
        reject(new PluginCrashedError(this.name, this.exitInfo ?? { code: null, signal: null }, this.tail.text()));
        return;
      }
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const pending: PendingCall = { reject, settled: false };
      this.calls.add(pending);
      this.inFlight++;
      this.client.call(method, req, { signal }).then(
        (res) => {
          this.inFlight--;
          this.calls.delete(pending);
          if (pending.settled) return;
          pending.settled = true;
          resolve(res);
        },
        (err: CallError) => {
          this.inFlight--;
          this.calls.delete(pending);
          if (pending.settled) return;
          if (err.code === status.UNAVAILABLE || (err.code === status.CANCELLED && !signal?.aborted) || err.code === status.INTERNAL && /RST_STREAM|drop|closed/i.test(err.message)) {
            // The connection broke: the process is dying, or wedged. Either
            // way it is done; the exit handler rejects this call as a crash.
            this.calls.add(pending);
            this.suspectCrash();
            return;
          }
          pending.settled = true;
          reject(this.callError(method.path, err));
        },
      );
    });
  }

  /**
   * Close RPC (bounded), then SIGTERM to the group, then SIGKILL after a
   * deadline. The socket dir is gone when this resolves. Idempotent.
   */
  close(closeMethod?: MethodDefinition<EmptyRequest, ErrorResponse>, idleCloseMs?: number): Promise<void> {
    this.closing ??= this.doClose(closeMethod, idleCloseMs);
    return this.closing;
  }

  /** SIGTERM to the whole group now, without the Close RPC (a forced close; close() still follows up with SIGKILL). */
  terminate(): void {
    if (!this.exitInfo) this.killGroup('SIGTERM');
  }

  /** SIGKILL the whole group now (safe to call twice). */
  kill(): void {
    this.killed = true;
    this.killGroup('SIGKILL');
  }

  private async doClose(closeMethod?: MethodDefinition<EmptyRequest, ErrorResponse>, idleCloseMs?: number): Promise<void> {
    const { closeTimeoutMs, killTimeoutMs } = this.opts;
    if (!this.exitInfo && this.ready && closeMethod && this.client) {
      const deadline = idleCloseMs !== undefined ? Math.min(idleCloseMs, closeTimeoutMs) : closeTimeoutMs;
      try {
        const res = await this.raceExit(this.unary(closeMethod, {}, deadline));
        if (res.error) this.log.warn({ error: res.error.message }, 'plugin reported an error on Close');
      } catch (err) {
        if (this.exitInfo) {
          // gone already
        } else if (idleCloseMs !== undefined) {
          this.log.debug({ afterMs: deadline }, 'idle output did not answer Close; terminating it (nothing was in flight)');
        } else {
          this.log.debug({ err }, 'Close RPC failed; terminating');
        }
      }
    }
    this.child.stdin?.end();
    if (!this.exitInfo) {
      this.killGroup('SIGTERM');
      if (!(await settlesWithin(this.exited, killTimeoutMs))) {
        this.log.warn({ afterMs: killTimeoutMs }, 'plugin ignored SIGTERM; killing it');
        this.killGroup('SIGKILL');
      }
    }
    await this.exited;
    this.client?.close();
    removeSocketDir(this.socket.dir);
  }

  private unary<Req, Res>(method: MethodDefinition<Req, Res>, req: Req, timeoutMs: number): Promise<Res> {
    this.client ??= new UnaryChannel(this.socket.address, { maxMessageBytes: this.opts.maxMessageBytes });
    return this.client.call(method, req, { timeoutMs });
  }

  private raceExit<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.exited.then((e) => Promise.reject(this.exitedDuringStart(e)))]);
  }

  private exitedDuringStart(e: ExitInfo): HotplugError {
    return new HotplugError(ErrorCode.PluginExited, withTail(`plugin ${this.name} ${describeExit(e)} before it answered Init`, this.tail.text()), {
      hint: e.spawnError ? `check the command in the manifest: ${[this.opts.launch.file, ...this.opts.launch.args].join(' ')}` : 'see the plugin output above for the cause',
    });
  }

  private suspectCrash(): void {
    void settlesWithin(this.exited, 1000).then((gone) => {
      if (!gone) {
        this.log.warn('lost the connection to a live plugin; killing it');
        this.kill();
      }
    });
  }

  private callError(path: string, err: CallError): HotplugError {
    const rpc = path.slice(path.lastIndexOf('/') + 1);
    if (err.code === status.RESOURCE_EXHAUSTED && /larger|size|length|max/i.test(err.message)) {
      return new HotplugError(ErrorCode.MessageTooLarge, `plugin ${this.name}: ${rpc} message too large: ${err.details || err.message}`, {
        hint: `the limit is ${this.opts.maxMessageBytes} bytes per message in each direction; send smaller batches or raise maxMessageBytes`,
        cause: err,
      });
    }
    return new HotplugError(ErrorCode.PluginCall, `plugin ${this.name}: ${rpc} failed: ${err.details || err.message}`, { cause: err });
  }

  private killGroup(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // the group is already gone
    }
  }
}

/** Init retries: Redpanda Connect's constructor backoff (100 ms ×1.5, at most 5 s apart). */
const INIT_RETRY_FIRST_MS = 100;
const INIT_RETRY_MAX_MS = 5_000;

/** Not unref'd: a start in progress is real work, not housekeeping. */
function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** True when `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
    timer.unref();
  });
  const done = p.then(() => true, () => true);
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}
