import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, closeSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { systemdUnit } from '../../bundle/systemd-unit.js';
import type { ServiceManagerKind } from '../protocol.js';
import { argvOf, isAlive, signal, sweep, waitFor } from './procs.js';
import type { ReleaseTree } from './releases.js';
import { SUPERVISOR_PIDFILE, SUPERVISOR_STATE, type SupervisorState } from './supervise.js';
import { readClusterStatus } from './cluster-status.js';

/** Everything of every release: a primary started from an older release may run a newer one's workers. */
async function sweepAll(tree: ReleaseTree): Promise<void> {
  for (const id of tree.list()) await sweep(tree.releasePath(id), 5000);
}

/** How the VM runs the host. Both kinds are driven the same way by the agent. */
export interface ServiceManager {
  readonly kind: ServiceManagerKind;
  /** Stops whatever runs and waits until no process of any release is left; `disable`: not started at boot either. */
  stop(release: string | undefined, disable?: boolean): Promise<void>;
  /** Starts `release` (which `current` already points at). */
  start(release: string): Promise<void>;
  /** True once the started host has exited or the service gave up: no use waiting for /ready. */
  crashed(): boolean;
  /** The last lines the running (or just failed) release logged. */
  logTail(release: string, lines: number): string;
  /** Whether a host runs that rolls its workers onto `current` on reload() (a cluster primary following it). */
  reloadable(): boolean;
  /** Asks the running host to roll its workers onto what `current` points at now (SIGHUP). */
  reload(): void;
  /** Whether the service runs at all. */
  running(): boolean;
}

const STOP_TIMEOUT_MS = 30_000;

/** systemd when it is PID 1 and we may manage system units; a supervised process otherwise. */
export function pickManager(kind: 'auto' | ServiceManagerKind, tree: ReleaseTree, service: string, agentScript: string): ServiceManager {
  const systemd = kind === 'systemd' || (kind === 'auto' && systemdUsable());
  return systemd ? new SystemdManager(tree, service) : new SupervisedManager(tree, agentScript);
}

function systemdUsable(): boolean {
  let pid1 = '';
  try {
    pid1 = readFileSync('/proc/1/comm', 'utf8').trim();
  } catch {
    return false;
  }
  return pid1 === 'systemd' && existsSync('/run/systemd/system') && process.getuid?.() === 0 && run('systemctl', ['--version']).ok;
}

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: STOP_TIMEOUT_MS + 10_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

class SystemdManager implements ServiceManager {
  readonly kind = 'systemd' as const;
  private readonly unit: string;
  private since = new Date();
  constructor(
    private readonly tree: ReleaseTree,
    service: string,
  ) {
    this.unit = `${service}.service`;
  }

  async stop(release: string | undefined, disable = false): Promise<void> {
    run('systemctl', ['stop', this.unit]);
    if (disable) run('systemctl', ['disable', '--quiet', this.unit]);
    if (release !== undefined) await sweepAll(this.tree);
  }

  async start(_release: string): Promise<void> {
    const file = join('/etc/systemd/system', this.unit);
    const text = systemdUnit({ dir: this.tree.dir, user: userInfo().username });
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      writeFileSync(file, text, { mode: 0o644 });
      const reload = run('systemctl', ['daemon-reload']);
      if (!reload.ok) throw new Error(`systemctl daemon-reload failed: ${reload.out}`);
    }
    run('systemctl', ['enable', '--quiet', this.unit]);
    run('systemctl', ['reset-failed', this.unit]);
    rmSync(this.tree.statusFile, { force: true });
    this.since = new Date();
    const r = run('systemctl', ['start', this.unit]);
    if (!r.ok) throw new Error(`systemctl start ${this.unit} failed: ${r.out}`);
  }

  crashed(): boolean {
    const r = run('systemctl', ['show', '--property=NRestarts,ActiveState', this.unit]);
    return /ActiveState=failed/.test(r.out) || /NRestarts=[1-9]/.test(r.out) || readClusterStatus(this.tree)?.error !== undefined;
  }

  running(): boolean {
    return /ActiveState=active/.test(run('systemctl', ['show', '--property=ActiveState', this.unit]).out);
  }

  reloadable(): boolean {
    const s = readClusterStatus(this.tree);
    return this.running() && s !== undefined && isAlive(s.pid) && s.phase === 'serving';
  }

  reload(): void {
    const r = run('systemctl', ['reload', this.unit]);
    if (!r.ok) throw new Error(`systemctl reload ${this.unit} failed: ${r.out}`);
  }

  logTail(_release: string, lines: number): string {
    // `@epoch` is time-zone proof, unlike a formatted date (read in the VM's local time).
    const since = `@${Math.floor(this.since.getTime() / 1000)}`;
    return run('journalctl', ['-u', this.unit, '--since', since, '-n', String(lines), '--no-pager', '-o', 'cat']).out;
  }
}

class SupervisedManager implements ServiceManager {
  readonly kind = 'supervised' as const;
  constructor(
    private readonly tree: ReleaseTree,
    private readonly agentScript: string,
  ) {}

  private get pidfile(): string {
    return join(this.tree.stateDir, SUPERVISOR_PIDFILE);
  }

  private state(): SupervisorState | undefined {
    try {
      return JSON.parse(readFileSync(join(this.tree.stateDir, SUPERVISOR_STATE), 'utf8')) as SupervisorState;
    } catch {
      return undefined;
    }
  }

  /** The supervisor's pid when the pidfile names a live supervisor (not a recycled pid). */
  private supervisorPid(): number | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(this.pidfile, 'utf8').trim());
    } catch {
      return undefined;
    }
    const argv = argvOf(pid);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) && argv?.includes('supervise') ? pid : undefined;
  }

  async stop(release: string | undefined): Promise<void> {
    const pid = this.supervisorPid();
    if (pid !== undefined) {
      signal(pid, 'SIGTERM');
      if (!(await waitFor(() => !isAlive(pid), STOP_TIMEOUT_MS))) {
        signal(pid, 'SIGKILL');
        const child = this.state()?.child;
        if (child !== undefined) signal(-child, 'SIGKILL');
      }
    }
    if (release !== undefined) await sweepAll(this.tree);
  }

  running(): boolean {
    return this.supervisorPid() !== undefined;
  }

  reloadable(): boolean {
    const s = readClusterStatus(this.tree);
    return this.running() && s !== undefined && s.pid === this.state()?.child && isAlive(s.pid) && s.phase === 'serving';
  }

  reload(): void {
    const s = readClusterStatus(this.tree);
    if (s === undefined || !isAlive(s.pid)) throw new Error('the host is not running');
    signal(s.pid, 'SIGHUP');
  }

  async start(release: string): Promise<void> {
    rmSync(this.tree.statusFile, { force: true });
    const log = openSync(this.logFile(release), 'a', 0o600);
    try {
      const child = spawn(process.execPath, [this.agentScript, 'supervise', this.tree.dir, release], {
        detached: true,
        stdio: ['ignore', log, log],
        cwd: this.tree.dir,
      });
      child.unref();
      const pid = child.pid;
      if (pid === undefined) throw new Error('could not start the supervisor process');
      const up = await waitFor(() => this.state()?.pid === pid && this.supervisorPid() === pid, 10_000);
      if (!up) throw new Error(`the supervisor did not start; see ${this.logFile(release)}`);
    } finally {
      closeSync(log);
    }
  }

  crashed(): boolean {
    const s = this.state();
    return s === undefined || s.exits > 0 || this.supervisorPid() === undefined || readClusterStatus(this.tree)?.error !== undefined;
  }

  logTail(release: string, lines: number): string {
    try {
      const file = this.logFile(release);
      const size = statSync(file).size;
      const text = readFileSync(file, 'utf8').slice(Math.max(0, size - 64 * 1024));
      return text.split('\n').slice(-lines - 1).join('\n').trim();
    } catch {
      return '';
    }
  }

  /** One log for the supervised host, whichever release its workers run (they change on reload). */
  private logFile(_release: string): string {
    return join(this.tree.logDir, 'hotplug.log');
  }
}
