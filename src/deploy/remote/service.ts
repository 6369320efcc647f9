import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, closeSync, writeFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { systemdUnit } from '../../bundle/systemd-unit.js';
import type { ServiceManagerKind } from '../protocol.js';
import { argvOf, isAlive, signal, sweep, waitFor } from './procs.js';
import type { ReleaseTree } from './releases.js';
import { SUPERVISOR_PIDFILE, SUPERVISOR_STATE, type SupervisorState } from './supervise.js';

/** How the VM runs the host. Both kinds are driven the same way by the agent. */
export interface ServiceManager {
  readonly kind: ServiceManagerKind;
  /** Stops whatever runs and waits until no process of `release` is left. */
  stop(release: string | undefined): Promise<void>;
  /** Starts `release` (which `current` already points at). */
  start(release: string): Promise<void>;
  /** True once the started host has exited or the service gave up: no use waiting for /ready. */
  crashed(): boolean;
  /** The last lines the running (or just failed) release logged. */
  logTail(release: string, lines: number): string;
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

  async stop(release: string | undefined): Promise<void> {
    run('systemctl', ['stop', this.unit]);
    if (release !== undefined) await sweep(this.tree.releasePath(release), 5000);
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
    this.since = new Date();
    const r = run('systemctl', ['start', this.unit]);
    if (!r.ok) throw new Error(`systemctl start ${this.unit} failed: ${r.out}`);
  }

  crashed(): boolean {
    const r = run('systemctl', ['show', '--property=NRestarts,ActiveState', this.unit]);
    return /ActiveState=failed/.test(r.out) || /NRestarts=[1-9]/.test(r.out);
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
    if (release !== undefined) await sweep(this.tree.releasePath(release), 5000);
  }

  async start(release: string): Promise<void> {
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
    return s === undefined || s.exits > 0 || this.supervisorPid() === undefined;
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

  private logFile(release: string): string {
    return join(this.tree.logDir, `${release}.log`);
  }
}
