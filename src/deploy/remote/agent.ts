import { readFileSync, renameSync, rmSync } from 'node:fs';
import { openBundle } from '../../bundle/archive.js';
import { extractEntries } from '../../bundle/safe-extract.js';
import type { AgentFailure, AgentRequest, AgentResult, DeployRequest, RollbackRequest, StatusRequest, StopRequest, VmStatus } from '../protocol.js';
import { readClusterStatus } from './cluster-status.js';
import { isAlive, waitFor } from './procs.js';
import { readEnvFile, updateEnvFile } from './env-file.js';
import { withLock } from './lock.js';
import { readyUrl, waitReady } from './ready.js';
import { newReleaseId, ReleaseTree } from './releases.js';
import { pythonProblem } from './python-check.js';
import { pickManager, type ServiceManager } from './service.js';

/** Where a deployed host listens unless `deploy --host` says otherwise. */
export const DEFAULT_HOST = '127.0.0.1';

/** A failure the agent reports as such (everything else is a bug or an I/O error, reported as `failed`). */
export class AgentError extends Error {
  readonly failure: AgentFailure;
  constructor(failure: AgentFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

export type Say = (message: string) => void;

const DEFAULT_PORT = 4195;
const LOG_LINES = 30;

/** A reload is bounded by the host's own --reload-timeout (60 s); the agent waits that and some. */
const RELOAD_WAIT_MS = 90_000;

export async function runAgent(req: DeployRequest | RollbackRequest | StopRequest, agentScript: string, say: Say): Promise<AgentResult> {
  const tree = new ReleaseTree(req.dir);
  tree.ensure();
  return withLock(tree.stateDir, () => (req.op === 'deploy' ? deploy(req, tree, agentScript, say) : req.op === 'rollback' ? rollback(req, tree, agentScript, say) : stop(req, tree, agentScript, say)));
}

/** What the VM runs: releases, the service, the cluster, /ready. Takes no lock (read only). */
export async function vmStatus(req: StatusRequest, agentScript: string): Promise<VmStatus> {
  const tree = new ReleaseTree(req.dir);
  const manager = pickManager(req.manager, tree, req.service, agentScript);
  const env = readEnvFile(tree.envFile);
  const port = Number(env['PORT'] ?? DEFAULT_PORT);
  const host = env['HOST'] ?? DEFAULT_HOST;
  const running = manager.running();
  const c = running ? readClusterStatus(tree) : undefined;
  const status: VmStatus = {
    dir: tree.dir,
    current: tree.current(),
    releases: tree.list(),
    manager: manager.kind,
    running,
    ready: running && (await waitReady(readyUrl(host, port), 0, () => true)),
    port,
    host,
  };
  if (c !== undefined && isAlive(c.pid)) {
    status.cluster = {
      pid: c.pid,
      phase: c.phase,
      workers: c.workers,
      generation: c.generation,
      release: c.release?.split('/').pop(),
      pids: c.slots.filter((x) => x.generation === c.generation && x.pid !== undefined).map((x) => x.pid as number),
      ...(c.reload
        ? { lastReload: { state: c.reload.state, release: c.reload.release?.split('/').pop(), ...(c.reload.error ? { error: c.reload.error } : {}), at: new Date(c.reload.at).toISOString() } }
        : {}),
    };
  }
  return status;
}

/** Stops the service and every process of every release; `current` stays, so the next deploy or a start brings it back. */
async function stop(req: StopRequest, tree: ReleaseTree, agentScript: string, say: Say): Promise<AgentResult> {
  const current = tree.current();
  if (current === undefined) throw new AgentError({ kind: 'failed', message: `nothing is deployed in ${tree.dir}` });
  const manager = pickManager(req.manager, tree, req.service, agentScript);
  say(`stopping ${current} (${manager.kind}): draining every worker`);
  await manager.stop(current, true);
  const env = readEnvFile(tree.envFile);
  return { release: current, previous: undefined, port: Number(env['PORT'] ?? DEFAULT_PORT), host: env['HOST'] ?? DEFAULT_HOST, manager: manager.kind, pruned: [] };
}

async function deploy(req: DeployRequest, tree: ReleaseTree, agentScript: string, say: Say): Promise<AgentResult> {
  say('verifying the bundle');
  let opened;
  try {
    opened = openBundle(readFileSync(req.bundle));
  } catch (err) {
    throw new AgentError({ kind: 'failed', message: `the uploaded bundle was refused: ${(err as Error).message}` });
  } finally {
    rmSync(req.bundle, { force: true });
  }
  if (opened.manifest.python) {
    const problem = pythonProblem(readEnvFile(tree.envFile));
    if (problem !== undefined) {
      throw new AgentError({
        kind: 'failed',
        message: problem,
        hint: 'install them on the VM (Debian/Ubuntu: apt install python3-grpcio python3-protobuf), or set HOTPLUG_PYTHON in DIR/hotplug.env to an interpreter that has them; the running release was not touched',
      });
    }
  }
  const id = newReleaseId(opened.manifest.digest);
  const partial = tree.releasePath(`.partial-${id}`);
  rmSync(partial, { recursive: true, force: true });
  try {
    await extractEntries(opened.entries, partial);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw new AgentError({ kind: 'failed', message: `could not unpack the bundle: ${(err as Error).message}` });
  }
  rmSync(tree.releasePath(id), { recursive: true, force: true });
  renameSync(partial, tree.releasePath(id));
  say(`unpacked release ${id}`);

  const before = readEnvFile(tree.envFile);
  updateEnvFile(tree.envFile, {
    PORT: req.port !== undefined ? String(req.port) : before['PORT'] === undefined ? String(DEFAULT_PORT) : undefined,
    // Safe by default: loopback (a proxy or balancer on the VM reaches it); `deploy --host 0.0.0.0`
    // (or a private address) exposes it to other machines.
    HOST: req.host ?? (before['HOST'] === undefined ? DEFAULT_HOST : undefined),
    // Every core, as workers sharing the port; kept from the last deploy unless told.
    HOTPLUG_WORKERS: req.workers ?? (before['HOTPLUG_WORKERS'] === undefined ? 'auto' : undefined),
    HOTPLUG_NODE: process.execPath,
  });
  const manager = pickManager(req.manager, tree, req.service, agentScript);
  const result = await activate(tree, manager, id, tree.current(), req, say);
  result.pruned = tree.prune(req.keep);
  return result;
}

async function rollback(req: RollbackRequest, tree: ReleaseTree, agentScript: string, say: Say): Promise<AgentResult> {
  const current = tree.current();
  const older = tree.list().filter((id) => current === undefined || id < current);
  if (req.release !== undefined && !tree.list().includes(req.release)) {
    throw new AgentError({ kind: 'failed', message: `release ${req.release} is not in ${tree.dir} (kept: ${tree.list().join(', ') || 'none'})` });
  }
  const target = req.release ?? older[older.length - 1];
  if (target === undefined) {
    throw new AgentError({
      kind: 'failed',
      message: current === undefined ? `nothing is deployed in ${tree.dir}` : `there is no release older than ${current} in ${tree.dir} to roll back to`,
    });
  }
  const manager = pickManager(req.manager, tree, req.service, agentScript);
  return activate(tree, manager, target, current, req, say);
}

/**
 * Stops what runs, switches `current` to `next` and starts it; when it does
 * not answer /ready in time, stops it and brings `previous` back the same way.
 * A release that failed on deploy is deleted (never something to roll back to).
 */
async function activate(
  tree: ReleaseTree,
  manager: ServiceManager,
  next: string,
  previous: string | undefined,
  req: DeployRequest | RollbackRequest,
  say: Say,
): Promise<AgentResult> {
  const env = readEnvFile(tree.envFile);
  const port = Number(env['PORT'] ?? DEFAULT_PORT);
  const host = env['HOST'] ?? DEFAULT_HOST;
  const url = readyUrl(host, port);
  if (previous !== undefined && manager.reloadable()) return reloadTo(tree, manager, next, previous, req, say, { url, port, host });
  say(previous === undefined ? `starting ${next} (${manager.kind})` : `replacing ${previous} with ${next} (${manager.kind})`);
  await manager.stop(previous);
  // From here on the old release is down: whatever fails, bring it back.
  let problem: string;
  try {
    tree.switchTo(next);
    await manager.start(next);
    say(`waiting up to ${Math.round(req.readyTimeoutMs / 1000)} s for ${url}`);
    if (await waitReady(url, req.readyTimeoutMs, () => manager.crashed())) {
      return { release: next, previous, port, host, manager: manager.kind, pruned: [] };
    }
    const why = manager.crashed() ? 'its host exited' : `waited ${Math.round(req.readyTimeoutMs / 1000)} s`;
    problem = `release ${next} did not answer ${url} with 200 (${why})`;
  } catch (err) {
    problem = `release ${next} could not be started: ${(err as Error).message}`;
  }

  const logTail = manager.logTail(next, LOG_LINES);
  say(`${next} did not become ready; stopping it`);
  await manager.stop(next);
  const failure: AgentFailure = { kind: 'not_ready', message: problem, logTail };
  if (req.op === 'deploy') tree.remove(next);
  if (previous === undefined) {
    tree.clearCurrent();
    failure.hint = 'nothing was running before, so nothing was rolled back; the log lines above say why the host did not start';
    throw new AgentError(failure);
  }
  say(`rolling back to ${previous}`);
  tree.switchTo(previous);
  await manager.start(previous);
  failure.rolledBackTo = previous;
  failure.rollbackReady = await waitReady(url, req.readyTimeoutMs, () => manager.crashed());
  throw new AgentError(failure);
}

/**
 * Zero-downtime switch: `current` is pointed at `next` and the running
 * cluster primary is told to reload (SIGHUP); it starts workers from `next`
 * next to the serving ones and drains the old ones only once every new one is
 * ready. When the new workers crash, report a failed plugin or are not ready
 * in time, the primary abandons them (the old ones never stopped serving) and
 * `current` goes back to `previous`. The primary's answer comes through its
 * status file, so a failure is known the moment it happens.
 */
async function reloadTo(
  tree: ReleaseTree,
  manager: ServiceManager,
  next: string,
  previous: string,
  req: DeployRequest | RollbackRequest,
  say: Say,
  at: { url: string; port: number; host: string },
): Promise<AgentResult> {
  const before = readClusterStatus(tree);
  const seq = before?.reload?.seq ?? 0;
  const primary = before?.pid;
  tree.switchTo(next);
  say(`starting ${next}'s workers next to ${previous}'s, which keep serving until the new ones are ready`);
  let problem: string;
  let tookOver = false;
  try {
    manager.reload();
    let outcome: NonNullable<ReturnType<typeof readClusterStatus>>['reload'];
    await waitFor(() => {
      const s = readClusterStatus(tree);
      if (s?.reload !== undefined && s.reload.seq > seq && s.reload.state !== 'running') outcome = s.reload;
      return outcome !== undefined || primary === undefined || !isAlive(primary);
    }, RELOAD_WAIT_MS);
    if (outcome?.state === 'done') {
      tookOver = true;
      // Done when the old workers are gone, so that nothing answers from `previous` once this returns.
      say(`${next}'s workers are ready; ${previous}'s are draining`);
      const drained = await waitFor(() => {
        const s = readClusterStatus(tree);
        return s !== undefined && s.slots.every((x) => x.generation === s.generation);
      }, RELOAD_WAIT_MS);
      if (!drained) say(`${previous}'s workers are still draining after ${RELOAD_WAIT_MS / 1000} s (they are killed at their shutdown deadline)`);
      if (await waitReady(at.url, 10_000, () => false)) {
        say(`${next} serves; ${previous}'s workers have drained`);
        return { release: next, previous, port: at.port, host: at.host, manager: manager.kind, pruned: [] };
      }
      problem = `release ${next} took over, but ${at.url} did not answer 200 afterwards`;
    } else if (outcome?.state === 'failed') {
      problem = `release ${next} did not become ready: ${outcome.error ?? 'no reason given'}`;
    } else {
      problem = primary !== undefined && !isAlive(primary) ? `the host exited while ${next}'s workers started` : `the host did not finish the reload within ${RELOAD_WAIT_MS / 1000} s`;
    }
  } catch (err) {
    problem = `could not reload onto ${next}: ${(err as Error).message}`;
  }
  const logTail = manager.logTail(next, LOG_LINES);
  say(`${next} did not take over; back to ${previous}`);
  tree.switchTo(previous);
  if (tookOver || primary === undefined || !isAlive(primary)) {
    // The old workers are gone (or the whole host): bring `previous` back the plain way.
    await manager.stop(next);
    await manager.start(previous);
  }
  if (req.op === 'deploy') tree.remove(next);
  const rollbackReady = await waitReady(at.url, req.readyTimeoutMs, () => manager.crashed());
  throw new AgentError({ kind: 'not_ready', message: problem, logTail, rolledBackTo: previous, rollbackReady });
}
