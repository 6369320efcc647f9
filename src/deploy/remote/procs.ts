import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Processes that belong to a release dir: their working directory is inside
 * it, or an argv element names a path inside it. Plugins run with their own
 * folder as cwd and hosts run `RELEASE/start` by its physical path, so this
 * finds a release's whole tree even when something escaped its process group.
 * Linux only (/proc), which is what a bundle targets.
 */
export function processesOf(releaseDir: string): number[] {
  const inside = (p: string): boolean => p === releaseDir || p.startsWith(`${releaseDir}/`);
  const found: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (inside(cwd) || argv.some(inside)) found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to look at.
    }
  }
  return found;
}

/** True while `pid` runs. A zombie (exited, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The argv of a process, or undefined when it is gone. */
export function argvOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Polls until `check` is true or the deadline passes; resolves to the last answer. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** SIGTERM everything of a release, wait, then SIGKILL what is left. Resolves when nothing is left. */
export async function sweep(releaseDir: string, graceMs: number): Promise<void> {
  for (const pid of processesOf(releaseDir)) signal(pid, 'SIGTERM');
  if (await waitFor(() => processesOf(releaseDir).length === 0, graceMs)) return;
  for (const pid of processesOf(releaseDir)) signal(pid, 'SIGKILL');
  await waitFor(() => processesOf(releaseDir).length === 0, 5000);
}
