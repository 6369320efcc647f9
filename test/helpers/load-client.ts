/**
 * A load generator run as its own process (never inside the process under
 * test): N concurrent clients POST to one or more URLs in a loop and report
 * every distinct response body as it is first seen, plus each failure, as
 * JSON lines on stdout. It stops on SIGTERM or stdin EOF and prints a summary.
 *
 * argv: JSON { urls: string[], concurrency: number, body?: string, maxSeconds?: number, track?: string[], expectPrefix?: string }
 *   For URLs in `track`, every request body is unique (`<client>-<n>`) and each
 *   acknowledged one is reported, so a test can check none was lost. With
 *   `expectPrefix`, a 2xx whose body is not that prefix + the request body is
 *   counted as `wrong` (and reported as an error line).
 * stdout lines: {"t":<epoch ms, fractional>,"url":...,"body":...,"first":true}
 *               {"t":...,"url":...,"body":...}          (a sample, at most every 50 ms per URL)
 *               {"t":...,"url":...,"error":"..."}   (a failed request: refused, reset, non-2xx)
 *               {"acked":"<body>","url":...}             (for tracked URLs)
 *               {"summary":{"ok":N,"failed":N,"wrong":N,"p50Ms":N,"p99Ms":N,"maxMs":N,"byUrl":{...}}}
 *               (latency percentiles of the 2xx answers)
 */
import { request, Agent } from 'undici';

interface Options {
  urls: string[];
  concurrency: number;
  body?: string;
  maxSeconds?: number;
  track?: string[];
  expectPrefix?: string;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
const agent = new Agent({ connections: opts.concurrency * 2, pipelining: 1, keepAliveTimeout: 10_000 });
const seen = new Set<string>();
const tracking = new Set(opts.track ?? []);
const lastSample = new Map<string, number>();
let ok = 0;
let failed = 0;
let wrong = 0;
const latencies: number[] = [];
const byUrl: Record<string, { ok: number; failed: number }> = {};
let stopping = false;
const deadline = Date.now() + (opts.maxSeconds ?? 600) * 1000;

const now = (): number => performance.timeOrigin + performance.now();
const emit = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

async function client(i: number): Promise<void> {
  let n = 0;
  while (!stopping && Date.now() < deadline) {
    const url = opts.urls[(i + n++) % opts.urls.length] as string;
    const stats = (byUrl[url] ??= { ok: 0, failed: 0 });
    const tracked = tracking.has(url);
    const body = tracked ? `m-${i}-${n}` : (opts.body ?? `hello from client ${i}`);
    const sent = performance.now();
    try {
      const res = await request(url, { method: 'POST', body, dispatcher: agent, headersTimeout: 30_000, bodyTimeout: 30_000 });
      const text = await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) {
        latencies.push(performance.now() - sent);
        if (opts.expectPrefix !== undefined && text !== opts.expectPrefix + body) {
          wrong++;
          emit({ t: now(), url, error: `wrong answer to ${body}: ${text.slice(0, 200)}` });
        }
        ok++;
        stats.ok++;
        if (tracked) emit({ acked: body, url });
        const key = `${url} ${text}`;
        const t = now();
        if (!seen.has(key)) {
          seen.add(key);
          lastSample.set(url, t);
          emit({ t, url, body: text, first: true });
        } else if (t - (lastSample.get(url) ?? 0) >= 50) {
          // A sample of what the URL answers now, so a test can see it is still served.
          lastSample.set(url, t);
          emit({ t, url, body: text });
        }
      } else {
        failed++;
        stats.failed++;
        emit({ t: now(), url, error: `HTTP ${res.statusCode}: ${text.slice(0, 200)}` });
      }
    } catch (err) {
      failed++;
      stats.failed++;
      emit({ t: now(), url, error: (err as Error).message });
      // A refused connection comes back at once; don't spin the CPU the server needs to restart.
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

const stop = (): void => {
  stopping = true;
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();

await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => client(i)));
latencies.sort((a, b) => a - b);
const pct = (p: number): number => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 10) / 10;
emit({ summary: { ok, failed, wrong, p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: pct(1), byUrl } });
await agent.close();
process.exit(0);
