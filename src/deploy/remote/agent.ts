import { readFileSync, renameSync, rmSync } from 'node:fs';
import { openBundle } from '../../bundle/archive.js';
import { extractEntries } from '../../bundle/safe-extract.js';
import type { AgentFailure, AgentRequest, AgentResult, DeployRequest, RollbackRequest } from '../protocol.js';
import { readEnvFile, updateEnvFile } from './env-file.js';
import { withLock } from './lock.js';
import { readyUrl, waitReady } from './ready.js';
import { newReleaseId, ReleaseTree } from './releases.js';
import { pythonProblem } from './python-check.js';
import { pickManager, type ServiceManager } from './service.js';

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

export async function runAgent(req: AgentRequest, agentScript: string, say: Say): Promise<AgentResult> {
  const tree = new ReleaseTree(req.dir);
  tree.ensure();
  return withLock(tree.stateDir, () => (req.op === 'deploy' ? deploy(req, tree, agentScript, say) : rollback(req, tree, agentScript, say)));
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
    // A VM serves other machines (or a load balancer), so the wildcard address unless told otherwise.
    HOST: req.host ?? (before['HOST'] === undefined ? '0.0.0.0' : undefined),
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
  const target = older[older.length - 1];
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
  const host = env['HOST'] ?? '0.0.0.0';
  const url = readyUrl(host, port);
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
