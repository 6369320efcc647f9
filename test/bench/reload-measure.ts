import { renameSync, writeFileSync } from 'node:fs';
import type { Load } from '../helpers/load.js';
import { waitFor } from '../helpers/poll.js';

export interface EditRun {
  latenciesMs: number[];
  failedDuring: number;
}

/**
 * Edits `file` `edits` times and measures, for each edit, the time from the write to the first response
 * at `url` showing the new version, while `load` keeps requests flowing.
 */
export async function measureEdits(opts: {
  load: Load;
  url: string;
  file: string;
  edits: number;
  render: (version: number) => string;
  marker: (version: number) => string;
  /** Save via write-to-temp + rename (vim, JetBrains) instead of writing in place (VS Code's default). */
  atomic?: boolean;
  timeoutMs?: number;
  /** Wait between one edit's new response and the next edit (a person's save cadence); default 0. */
  pauseMs?: number;
}): Promise<EditRun> {
  const latenciesMs: number[] = [];
  const failedBefore = opts.load.errors.length;
  for (let v = 1; v <= opts.edits; v++) {
    let writtenAt: number;
    if (opts.atomic) {
      const tmp = `${opts.file}.hotplug-bench-tmp`;
      writeFileSync(tmp, opts.render(v));
      writtenAt = performance.timeOrigin + performance.now();
      renameSync(tmp, opts.file);
    } else {
      writtenAt = performance.timeOrigin + performance.now();
      writeFileSync(opts.file, opts.render(v));
    }
    const marker = opts.marker(v);
    const seenAt = await waitFor(() => opts.load.firstSeen(opts.url, (b) => b.includes(marker), writtenAt), {
      timeoutMs: opts.timeoutMs ?? 30_000,
      intervalMs: 2,
      what: `a response containing ${marker} from ${opts.url}`,
    });
    latenciesMs.push(seenAt - writtenAt);
    if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
  }
  return { latenciesMs, failedDuring: opts.load.errors.length - failedBefore };
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
