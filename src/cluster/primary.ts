import cluster, { type Worker } from 'node:cluster';
import { renameSync, writeFileSync } from 'node:fs';
import type { Logger } from '../core/index.js';
import { errorMessage } from '../core/index.js';
import { nextGeneration, type CodeSource, type Generation } from './generation.js';
import { isHotplugMessage, type ClusterView, type ToPrimary } from './messages.js';
import { createMetricsHub } from './metrics-hub.js';

export interface PrimaryOptions extends CodeSource {
  workers: number;
  log: Logger;
  /** Where the cluster's state is written (JSON, replaced atomically on every change); for deploy. */
  statusFile: string | undefined;
  /** How long a reload's new workers get to become ready before they are abandoned. */
  reloadTimeoutMs: number;
  /** How long a draining worker gets before it is killed (its streams' shutdown budget and slack). */
  drainTimeoutMs: number;
}

/**
 * The primary's phases:
 *   starting   the first workers are coming up; /ready is 503 until all are ready
 *   serving    the serving generation answers; a crashed worker is replaced at once
 *   reloading  a new generation is starting next to the serving one (SIGHUP)
 *   stopping   every worker drains and exits (SIGTERM/SIGINT)
 */
export type Phase = 'starting' | 'serving' | 'reloading' | 'stopping';

interface Slot {
  worker: Worker;
  gen: Generation;
  ready: boolean;
  failed: string | undefined;
  /** Asked to go (drain, abandon, stop): its exit is expected. */
  leaving: boolean;
}

/** One reload's outcome, in the status file (`seq` counts reloads, so a caller can wait for its own). */
export interface ReloadStatus {
  seq: number;
  state: 'running' | 'done' | 'failed';
  release: string | undefined;
  error?: string;
  at: number;
}

export interface ClusterStatus {
  pid: number;
  phase: Phase;
  ready: boolean;
  workers: number;
  generation: number;
  release: string | undefined;
  slots: { pid: number | undefined; generation: number; ready: boolean; failed?: string }[];
  reload: ReloadStatus | undefined;
  /** Why the first workers do not come up (a crash, a failed component), while starting. */
  error?: string;
}

const MAX_BACKOFF_MS = 30_000;
const KILL_AFTER_TERM_MS = 10_000;

/**
 * `hotplug run --workers N`: N worker processes (node:cluster) share the
 * listening socket, which the primary holds open, so it outlives any one
 * worker; connections queued on it wait for whichever worker accepts next. SIGHUP rolls the workers onto new code: a full new generation
 * starts next to the old one, and only when every new worker is ready are the
 * old ones told to drain; a generation that crashes, reports a failed
 * component or is not ready in time is abandoned and the old one keeps serving.
 * Resolves with the exit code once stopped.
 */
export function runPrimary(opts: PrimaryOptions): Promise<number> {
  const { log } = opts;
  const slots = new Map<number, Slot>();
  let phase: Phase = 'starting';
  let serving = nextGeneration(1, opts, undefined);
  let pending: Generation | undefined;
  let pendingTimer: NodeJS.Timeout | undefined;
  let reload: ReloadStatus | undefined;
  let startError: string | undefined;
  let crashes = 0;
  let exitCode = 0;
  let finish: ((code: number) => void) | undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const metrics = createMetricsHub(log);
  const of = (gen: Generation): Slot[] => [...slots.values()].filter((s) => s.gen === gen && !s.leaving);
  const clusterReady = (): boolean => phase !== 'starting' && phase !== 'stopping' && of(serving).some((s) => s.ready);

  const status = (): ClusterStatus => ({
    pid: process.pid,
    phase,
    ready: clusterReady(),
    workers: opts.workers,
    generation: serving.n,
    release: serving.release,
    slots: [...slots.values()].map((s) => ({ pid: s.worker.process.pid, generation: s.gen.n, ready: s.ready, ...(s.failed ? { failed: s.failed } : {}) })),
    reload,
    ...(startError !== undefined ? { error: startError } : {}),
  });

  let lastView = '';
  const changed = (): void => {
    const s = status();
    const view: ClusterView = {
      hotplug: 'cluster',
      ready: s.ready,
      detail: { phase, workers: opts.workers, ready: of(serving).filter((x) => x.ready).length, generation: serving.n },
    };
    const key = JSON.stringify(view);
    if (key !== lastView) {
      lastView = key;
      for (const slot of slots.values()) if (slot.worker.isConnected()) slot.worker.send(view);
    }
    if (opts.statusFile !== undefined) {
      const tmp = `${opts.statusFile}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, `${JSON.stringify(s)}\n`);
        renameSync(tmp, opts.statusFile);
      } catch (err) {
        log.warn({ file: opts.statusFile, err: errorMessage(err) }, 'could not write the cluster status file');
      }
    }
  };

  const fork = (gen: Generation): void => {
    cluster.setupPrimary({ exec: gen.exec, args: gen.args, cwd: gen.cwd, silent: false });
    const worker = cluster.fork({ ...gen.env, HOTPLUG_WORKER_GENERATION: String(gen.n) });
    const slot: Slot = { worker, gen, ready: false, failed: undefined, leaving: false };
    slots.set(worker.id, slot);
    worker.on('message', (m: unknown) => {
      if (!isHotplugMessage<ToPrimary>(m)) return;
      if (m.hotplug === 'metrics?') metrics.ask(worker, m.id, () => [...slots.values()].map((s) => s.worker).filter((w) => w.isConnected()));
      else if (m.hotplug === 'metrics-json') metrics.part(m.id, m.json);
      else if (m.hotplug === 'ready') {
        slot.ready = m.ready;
        slot.failed = m.failed;
        if (m.ready) crashes = gen === serving ? 0 : crashes;
        settle();
      }
    });
    worker.on('exit', (code, signal) => exited(slot, signal ? `signal ${signal}` : `code ${code}`, code ?? 1));
    worker.on('error', (err) => log.warn({ worker: worker.process.pid, err: err.message }, 'worker IPC error'));
    changed();
  };

  const leave = (slot: Slot, how: 'drain' | 'terminate'): void => {
    if (slot.leaving) return;
    slot.leaving = true;
    slot.ready = false;
    if (how === 'drain' && slot.worker.isConnected()) slot.worker.send({ hotplug: 'drain' });
    else slot.worker.process.kill('SIGTERM');
    const killer = setTimeout(() => slot.worker.process.kill('SIGKILL'), how === 'drain' ? opts.drainTimeoutMs : KILL_AFTER_TERM_MS);
    killer.unref();
    slot.worker.once('exit', () => clearTimeout(killer));
  };

  /** Moves the phase on from what the workers report. */
  const settle = (): void => {
    if (phase === 'starting') {
      const first = of(serving);
      startError = first.find((s) => s.failed)?.failed ?? startError;
      if (first.length === opts.workers && first.every((s) => s.ready)) {
        phase = 'serving';
        startError = undefined;
        log.info({ workers: opts.workers, pids: first.map((s) => s.worker.process.pid) }, 'all workers ready');
      }
    } else if (phase === 'reloading' && pending !== undefined) {
      const fresh = of(pending);
      const failed = fresh.find((s) => s.failed !== undefined);
      if (failed) abandon(`a new worker reports ${failed.failed}`);
      else if (fresh.length === opts.workers && fresh.every((s) => s.ready)) commit();
    }
    changed();
  };

  const commit = (): void => {
    const old = serving;
    serving = pending as Generation;
    pending = undefined;
    clearTimeout(pendingTimer);
    phase = 'serving';
    reload = { ...(reload as ReloadStatus), state: 'done', at: Date.now() };
    for (const s of slots.values()) if (s.gen === old) leave(s, 'drain');
    log.info({ generation: serving.n, release: serving.release }, 'reload done: new workers ready, old ones draining');
  };

  const abandon = (why: string): void => {
    if (pending === undefined) return;
    const gen = pending;
    pending = undefined;
    clearTimeout(pendingTimer);
    phase = 'serving';
    reload = { ...(reload as ReloadStatus), state: 'failed', error: why, at: Date.now() };
    for (const s of slots.values()) if (s.gen === gen) leave(s, 'terminate');
    log.error({ generation: gen.n, release: gen.release, why }, 'reload abandoned: the serving workers keep serving');
    changed();
  };

  const startReload = (): void => {
    if (phase !== 'serving') {
      log.warn({ phase }, `SIGHUP ignored: the cluster is ${phase}`);
      return;
    }
    const seq = (reload?.seq ?? 0) + 1;
    let gen: Generation;
    try {
      gen = nextGeneration(serving.n + 1, opts, serving);
    } catch (err) {
      reload = { seq, state: 'failed', release: undefined, error: errorMessage(err), at: Date.now() };
      log.error({ err: errorMessage(err) }, 'reload failed: the serving workers keep serving');
      changed();
      return;
    }
    pending = gen;
    phase = 'reloading';
    reload = { seq, state: 'running', release: gen.release, at: Date.now() };
    log.info({ generation: gen.n, release: gen.release, workers: opts.workers }, 'reloading: starting new workers next to the serving ones');
    pendingTimer = setTimeout(() => abandon(`the new workers were not ready within ${Math.round(opts.reloadTimeoutMs / 1000)} s`), opts.reloadTimeoutMs);
    for (let i = 0; i < opts.workers; i++) fork(gen);
  };

  const exited = (slot: Slot, how: string, code: number): void => {
    slots.delete(slot.worker.id);
    if (phase === 'stopping') {
      exitCode = Math.max(exitCode, code);
      if (slots.size === 0) finish?.(exitCode);
      changed();
      return;
    }
    if (slot.leaving) {
      changed();
      return;
    }
    if (slot.gen === pending) {
      abandon(`a new worker (pid ${slot.worker.process.pid}) exited before it was ready (${how})`);
      return;
    }
    if (phase === 'starting') {
      // Never ready yet (a config error, a crash at start): fail like a single `run` does; whoever runs us restarts us.
      startError = `a worker exited before the cluster was ready (${how})`;
      log.error({ worker: slot.worker.process.pid, how }, 'a worker exited before the cluster was ready; stopping');
      exitCode = Math.max(exitCode, code === 0 ? 1 : code);
      stop('startup failure');
      return;
    }
    // A serving worker died: replace it at once (the others keep serving); back off if it keeps dying.
    const delay = crashes === 0 ? 0 : Math.min(1000 * 2 ** (crashes - 1), MAX_BACKOFF_MS);
    crashes++;
    log.warn({ worker: slot.worker.process.pid, how, replaceInMs: delay }, 'worker exited; replacing it');
    const again = setTimeout(() => {
      if (phase !== 'stopping') fork(serving);
    }, delay);
    again.unref();
    changed();
  };

  const stop = (signal: string): void => {
    if (phase === 'stopping') {
      log.warn('second signal: killing the workers');
      for (const s of slots.values()) s.worker.process.kill('SIGKILL');
      process.exit(130);
    }
    clearTimeout(pendingTimer);
    phase = 'stopping';
    log.info({ signal, workers: slots.size }, 'shutting down: draining every worker');
    for (const s of slots.values()) leave(s, 'drain');
    if (slots.size === 0) finish?.(exitCode);
    changed();
  };

  // Every worker accepts on the one listening socket itself (the primary only keeps it open), rather than the
  // primary accepting and handing connections over (round-robin): a handover to a worker that just died
  // leaves that connection hanging in the primary, and a worker that stops accepting leaves nothing behind.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => startReload());
  log.info({ workers: opts.workers, pid: process.pid, ...(opts.follow ? { follow: opts.follow, release: serving.release } : {}) }, 'starting workers');
  for (let i = 0; i < opts.workers; i++) fork(serving);
  return done;
}
