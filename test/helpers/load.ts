import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface LoadEvent {
  t: number;
  url: string;
  body?: string;
  error?: string;
}

export interface LoadSummary {
  ok: number;
  failed: number;
  /** 2xx answers that were not `expectPrefix` + the request body. */
  wrong: number;
  /** Latency of the 2xx answers. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  byUrl: Record<string, { ok: number; failed: number }>;
}

/** A running load generator process; see load-client.ts. */
export interface Load {
  readonly events: LoadEvent[];
  /** Bodies of acknowledged requests to tracked URLs. */
  readonly acked: string[];
  readonly errors: LoadEvent[];
  /** First time (epoch ms) a body matching `pred` was seen for `url` at or after `since`. */
  firstSeen(url: string, pred: (body: string) => boolean, since?: number): number | undefined;
  stop(): Promise<LoadSummary>;
}

export function startLoad(opts: { urls: string[]; concurrency: number; body?: string; maxSeconds?: number; track?: string[]; expectPrefix?: string }): Load {
  const script = fileURLToPath(new URL('./load-client.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const events: LoadEvent[] = [];
  const errors: LoadEvent[] = [];
  const acked: string[] = [];
  let summary: LoadSummary | undefined;
  const done = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const o = JSON.parse(line) as LoadEvent & { summary?: LoadSummary; acked?: string };
    if (o.summary) summary = o.summary;
    else if (o.acked !== undefined) acked.push(o.acked);
    else if (o.error !== undefined) errors.push(o);
    else events.push(o);
  });
  let stopped: Promise<LoadSummary> | undefined;
  return {
    events,
    errors,
    acked,
    firstSeen(url, pred, since = 0) {
      return events.find((e) => e.url === url && e.t >= since && e.body !== undefined && pred(e.body))?.t;
    },
    stop() {
      stopped ??= (async () => {
        child.stdin!.end();
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await done;
        clearTimeout(killer);
        if (!summary) throw new Error('load generator exited without a summary');
        return summary;
      })();
      return stopped;
    },
  };
}
