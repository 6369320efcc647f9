import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Pids of live processes whose command line mentions `needle` (Linux /proc). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (cmd.includes(needle) && !/\) Z /.test(stat)) pids.push(Number(name));
    } catch {
      // gone already
    }
  }
  return pids;
}

/** Socket dirs a host with this pid left in the temp dir (hotplug-plugin-<pid>-*). */
export function socketDirsOf(pid: number): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`hotplug-plugin-${pid}-`));
}
