// Micro-benchmark of route matching and cron next-fire: `npm run bench:routes`.
// A table of 50 streams' routes (literal, {name}, {name:regex}); each lookup is what the shared
// server does per request before handing it to a stream. Next-fire is what a scheduled generate
// input does once per fire.
import { cpus, loadavg } from 'node:os';
import { parseSchedule } from '../../src/pipeline/cron/index.js';
import type { Route } from '../../src/pipeline/http/route.js';
import { RouteTable } from '../../src/pipeline/http/route-table.js';

const route = (path: string): Route => ({ path, methods: ['POST'], owner: path, handle: () => undefined });
const paths: string[] = [];
for (let i = 0; i < 20; i++) paths.push(`/svc${i}/ingest`);
for (let i = 0; i < 15; i++) paths.push(`/svc${i}/users/{name}`);
for (let i = 0; i < 15; i++) paths.push(`/svc${i}/users/{id:[0-9]+}/orders/{order:[A-Z]{2}-[0-9]{4}}`);
const table = new RouteTable(new Map(paths.map((p) => [p, [route(p)]])));

const berlin = parseSchedule('TZ=Europe/Berlin */15 9-17 * * MON-FRI');
const utc = parseSchedule('0 */5 * * * *');
const START = Date.parse('2025-03-28T16:50:00Z'); // a Friday afternoon before Berlin's spring forward
const END = Date.parse('2025-04-05T00:00:00Z');
let at = START;

const cases: Array<{ name: string; run: () => unknown; targetNs?: number }> = [
  { name: 'match literal /svc7/ingest', run: () => table.match('/svc7/ingest'), targetNs: 200 },
  { name: 'match {name} /svc7/users/ann', run: () => table.match('/svc7/users/ann'), targetNs: 2000 },
  { name: 'match 2 regexes /svc14/users/42/orders/AB-1234', run: () => table.match('/svc14/users/42/orders/AB-1234'), targetNs: 2000 },
  { name: 'no match (404) /svc14/users/42/orders/x', run: () => table.match('/svc14/users/42/orders/x') },
  { name: 'next fire, UTC 0 */5 * * * *', run: () => utc.next(at) },
  {
    name: 'next fire, Berlin */15 9-17 MON-FRI (over a weekend and DST)',
    run: () => {
      const next = berlin.next(at) ?? START;
      at = next > END ? START : next;
    },
  },
];

function measure(run: () => unknown, n: number): number {
  for (let i = 0; i < n / 5; i++) run();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) run();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  return best;
}

const rows = cases.map((c) => {
  const ns = measure(c.run, c.name.startsWith('next fire') ? 20_000 : 500_000);
  return { case: c.name, 'ns/op': ns.toFixed(0), 'ops/s': Math.round(1e9 / ns).toLocaleString('en-US'), target: c.targetNs === undefined ? '' : `< ${c.targetNs} ns ${ns < c.targetNs ? 'ok' : 'MISSED'}` };
});

// The machine is shared: the load average says how much to trust the numbers.
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} (${cpus().length} cores), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.table(rows);
if (rows.some((r) => r.target.endsWith('MISSED'))) process.exitCode = 1;
