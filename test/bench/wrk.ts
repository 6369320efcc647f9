import { spawnSync } from 'node:child_process';

/** One wrk run: req/s, latency percentiles as wrk prints them, and failed requests (non-2xx/3xx and socket errors). */
export interface Result {
  name: string;
  rps: number;
  p50: string;
  p99: string;
  errors: number;
  /** Requests wrk completed. */
  requests: number;
}

/** Runs wrk (a separate process) against `url` for `secs` with a Lua `script`, two threads. */
export function wrk(url: string, secs: number, script: string, connections: number): Result & { raw: string } {
  const res = spawnSync('wrk', ['-t2', `-c${connections}`, `-d${secs}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  const out = res.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p50 = /\s50%\s+(\S+)/.exec(out)?.[1] ?? '?';
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1] ?? '?';
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (sock ? sock.slice(1).reduce((n, x) => n + Number(x), 0) : 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  return { name: url, rps, p50, p99, errors, requests, raw: out };
}

/** The median of runs by req/s. */
export function medianRun<T extends Result>(rs: readonly T[]): T {
  return [...rs].sort((a, b) => a.rps - b.rps)[Math.floor((rs.length - 1) / 2)] as T;
}
