import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private socket directories, one per plugin process:
 * `<tmp>/hotplug-plugin-<hostpid>-<rand>/plugin.sock`, mode 0700, with an
 * `owner.json` naming the host pid and the plugin's process group. A host
 * that dies without cleaning up (SIGKILL) leaves those behind; the next host
 * removes the dirs and kills the groups still running in them.
 */

export const SOCKET_DIR_PREFIX = 'hotplug-plugin-';
const OWNER_FILE = 'owner.json';

export interface SocketDir {
  dir: string;
  socketPath: string;
  /** `unix:<dir>/plugin.sock`, the value of REDPANDA_CONNECT_PLUGIN_ADDRESS. */
  address: string;
}

interface Owner {
  hostPid: number;
  pgid?: number;
}

export function createSocketDir(): SocketDir {
  // mkdtemp creates the directory with mode 0700.
  const dir = mkdtempSync(join(tmpdir(), `${SOCKET_DIR_PREFIX}${process.pid}-`));
  writeOwner(dir, { hostPid: process.pid });
  const socketPath = join(dir, 'plugin.sock');
  return { dir, socketPath, address: `unix:${socketPath}` };
}

/** Records the plugin's process group so a later host can clean up after us. */
export function recordProcessGroup(dir: string, pgid: number): void {
  writeOwner(dir, { hostPid: process.pid, pgid });
}

export function removeSocketDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function writeOwner(dir: string, owner: Owner): void {
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
}

export interface CleanupReport {
  removedDirs: string[];
  killedGroups: number[];
}

/**
 * Removes socket dirs whose host is gone, after SIGKILLing the plugin process
 * group recorded in each (only when a process of that group still carries
 * the dir in its environment, so a recycled pid is never hit).
 */
export function cleanStaleSocketDirs(root: string = tmpdir()): CleanupReport {
  const report: CleanupReport = { removedDirs: [], killedGroups: [] };
  const uid = process.getuid?.();
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return report;
  }
  for (const name of names) {
    const m = /^hotplug-plugin-(\d+)-/.exec(name);
    if (!m) continue;
    const dir = join(root, name);
    try {
      const st = statSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
    } catch {
      continue;
    }
    const owner = readOwner(dir) ?? { hostPid: Number(m[1]) };
    if (owner.hostPid === process.pid || isAlive(owner.hostPid)) continue;
    if (owner.pgid !== undefined && groupCarries(owner.pgid, dir)) {
      try {
        process.kill(-owner.pgid, 'SIGKILL');
        report.killedGroups.push(owner.pgid);
      } catch {
        // already gone
      }
    }
    removeSocketDir(dir);
    report.removedDirs.push(dir);
  }
  return report;
}

function readOwner(dir: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Owner;
    return typeof o.hostPid === 'number' ? o : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when some live process in group `pgid` has `dir` in its environment (Linux /proc). */
function groupCarries(pgid: number, dir: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return false;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(dir)) return true;
    } catch {
      // raced with an exit, or not ours to read
    }
  }
  return false;
}
