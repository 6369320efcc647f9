import { readFileSync } from 'node:fs';

/** CPU and memory of one process, from Linux /proc (undefined elsewhere or once it is gone). */
export interface ProcessUsage {
  /** Percent of one core since the previous sample of this pid (undefined on the first). */
  cpu: number | undefined;
  /** Resident set size in bytes. */
  rss: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on every Linux architecture Node runs on
const PAGE_SIZE = 4096;

/**
 * Samples plugin processes: CPU as the share of one core used between two
 * samples, RSS as now. Keeps the previous sample per pid; pids not sampled
 * in a round are forgotten.
 */
export function createProcessSampler(): { sample(pids: readonly number[]): Map<number, ProcessUsage> } {
  let previous = new Map<number, { ticks: number; at: number }>();
  return {
    sample(pids) {
      const out = new Map<number, ProcessUsage>();
      const next = new Map<number, { ticks: number; at: number }>();
      for (const pid of pids) {
        const now = readUsage(pid);
        if (now === undefined) continue;
        const at = performance.now();
        const before = previous.get(pid);
        const cpu = before && at > before.at ? ((now.ticks - before.ticks) / TICKS_PER_SECOND / ((at - before.at) / 1000)) * 100 : undefined;
        next.set(pid, { ticks: now.ticks, at });
        out.set(pid, { cpu: cpu === undefined ? undefined : Math.max(0, Math.round(cpu * 10) / 10), rss: now.rss });
      }
      previous = next;
      return out;
    },
  };
}

function readUsage(pid: number): { ticks: number; rss: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after it follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15)
    const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return { ticks, rss: rssPages * PAGE_SIZE };
  } catch {
    return undefined;
  }
}
