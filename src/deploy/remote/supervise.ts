import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readEnvFile } from './env-file.js';
import { signal, sweep, waitFor } from './procs.js';
import { ReleaseTree } from './releases.js';

/** What the supervisor writes to DIR/.hotplug/supervisor.json after every change. */
export interface SupervisorState {
  pid: number;
  release: string;
  /** The running host's pid (its process group id too), if one runs. */
  child: number | undefined;
  starts: number;
  exits: number;
  lastExit: string | undefined;
}

export const SUPERVISOR_PIDFILE = 'supervisor.pid';
export const SUPERVISOR_STATE = 'supervisor.json';
const STOP_GRACE_MS = 20_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * The stand-in for systemd on a VM without it: runs `DIR/current/start
 * --follow DIR/current` (a cluster primary; `hotplug deploy` SIGHUPs it to
 * roll its workers onto a new release) in its own process group, restarts it
 * when it fails (backoff doubling to 30 s, like Restart=on-failure) from
 * whatever `current` points at then, and on SIGTERM stops the whole group —
 * then sweeps anything left that still lives in a release dir — before it exits.
 * Started detached (own session) with its output going to the release's log.
 */
export async function supervise(dir: string, release: string): Promise<void> {
  const tree = new ReleaseTree(dir);
  const pidfile = join(tree.stateDir, SUPERVISOR_PIDFILE);
  const state: SupervisorState = { pid: process.pid, release, child: undefined, starts: 0, exits: 0, lastExit: undefined };
  const save = (): void => writeFileSync(join(tree.stateDir, SUPERVISOR_STATE), JSON.stringify(state));
  writeFileSync(pidfile, `${process.pid}\n`);
  save();

  let stopping = false;
  let child: ChildProcess | undefined;
  let wake: (() => void) | undefined;
  const stop = (): void => {
    stopping = true;
    if (child?.pid !== undefined) signal(-child.pid, 'SIGTERM');
    wake?.();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {});

  let backoff = 1000;
  while (!stopping) {
    const env = { ...process.env, ...readEnvFile(tree.envFile), HOTPLUG_NODE: process.execPath };
    const started = Date.now();
    // What `current` points at now: after reloads (SIGHUP to the host) that is a newer release than the first one.
    let releaseDir: string;
    try {
      releaseDir = realpathSync(tree.currentLink);
    } catch {
      releaseDir = tree.releasePath(release);
    }
    state.release = basename(releaseDir);
    child = spawn(join(releaseDir, 'start'), ['--follow', tree.currentLink, '--status-file', tree.statusFile], {
      cwd: releaseDir,
      env,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise<string>((resolve) => {
      child?.once('error', (err) => resolve(`spawn error: ${err.message}`));
      child?.once('exit', (code, sig) => resolve(sig ? `signal ${sig}` : `code ${code}`));
    });
    state.child = child.pid;
    state.starts++;
    save();
    const how = await exited;
    state.child = undefined;
    state.exits++;
    state.lastExit = how;
    save();
    if (stopping) break;
    if (how === 'code 0') break;
    process.stderr.write(`hotplug supervisor: the host exited (${how}); restarting in ${backoff} ms\n`);
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, backoff);
    });
    wake = undefined;
    backoff = Date.now() - started > 60_000 ? 1000 : Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
  // The group first (the host and whatever it spawned), then stragglers by their cwd.
  const pid = child?.pid;
  if (pid !== undefined && !(await waitFor(() => !groupAlive(pid), STOP_GRACE_MS))) signal(-pid, 'SIGKILL');
  for (const id of tree.list()) await sweep(tree.releasePath(id), 5000);
  try {
    if (readFileSync(pidfile, 'utf8').trim() === String(process.pid)) rmSync(pidfile);
  } catch {
    // Already replaced or removed.
  }
  process.exit(0);
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
