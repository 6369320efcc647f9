import type { Logger } from '../core/log.js';
import type { RestartPolicy } from './supervisor.js';
import type { SparePool } from './warm/spare-pool.js';

export interface PluginRuntimeOptions {
  log: Logger;
  /** The hotplug checkout (for the TS SDK import and the Python SDK path); default: where this file lives. */
  repoRoot?: string;
  /** Spawn to Init answered; default 30 s. */
  startTimeoutMs?: number;
  /** gRPC message size limit, both directions; default 64 MiB. */
  maxMessageBytes?: number;
  /** How long the Close RPC may take; default 5 s. */
  closeTimeoutMs?: number;
  /** How long an output's Close RPC may take when no Send is in flight (then SIGTERM); default 300 ms. */
  idleCloseMs?: number;
  /** SIGTERM to SIGKILL; default 3 s. */
  killTimeoutMs?: number;
  /** How long a closing or swapped-out generation waits for in-flight calls and acks; default 30 s. */
  drainTimeoutMs?: number;
  /** Restart backoff after a crash or a failed start (50 ms doubling, capped at 30 s); restarts never stop. */
  restart?: Partial<RestartPolicy>;
  /** How long a first start retries an Init that answered with an error (as Connect retries a constructor); default 30 s. Reloads do not retry. */
  initRetryMs?: number;
  /** The default deadline of a plugin call when neither the manifest nor the stream's route sets one; default 30 s. */
  callDeadlineMs?: number;
  /** ProcessBatch calls in flight per process for per-message plugins (the rest coalesce); default 2. */
  coalesceInFlight?: number;
  /** Keep a warm spare process for each plugin that has been reloaded (see warm/spare-pool.ts); default true, unless HOTPLUG_WARM_SPARES=0. */
  warmSpares?: boolean;
  /**
   * Start the warm spares with a plugin's first process rather than after its first reload, so the
   * first save is as fast as the next ones (dev mode, where every plugin may be edited; one idle
   * process per plugin launch shape). Default false.
   */
  warmFromStart?: boolean;
}

export type ResolvedOptions = Required<Omit<PluginRuntimeOptions, 'restart'>> & {
  restart: RestartPolicy;
  /** The runtime's warm spares; generations after the first start from them. */
  spares?: SparePool;
};

export const MiB = 1024 * 1024;

export function resolveOptions(o: PluginRuntimeOptions): ResolvedOptions {
  return {
    log: o.log,
    repoRoot: o.repoRoot ?? new URL('../../../', import.meta.url).pathname,
    startTimeoutMs: o.startTimeoutMs ?? 30_000,
    maxMessageBytes: o.maxMessageBytes ?? 64 * MiB,
    closeTimeoutMs: o.closeTimeoutMs ?? 5_000,
    idleCloseMs: o.idleCloseMs ?? 300,
    killTimeoutMs: o.killTimeoutMs ?? 3_000,
    drainTimeoutMs: o.drainTimeoutMs ?? 30_000,
    restart: { baseMs: 50, maxMs: 30_000, ...o.restart },
    initRetryMs: o.initRetryMs ?? 30_000,
    callDeadlineMs: o.callDeadlineMs ?? 30_000,
    coalesceInFlight: o.coalesceInFlight ?? 2,
    warmSpares: o.warmSpares ?? process.env['HOTPLUG_WARM_SPARES'] !== '0',
    warmFromStart: o.warmFromStart ?? false,
  };
}
