/**
 * npm run bench:shutdown — SIGTERM → exit of `hotplug run`, per scenario:
 * a clean drain (a batch only shutdown flushes, to an answering target), a
 * request stuck in an http_client whose target never answers, and a batch
 * stuck in a TS plugin output whose Send never returns — the last two with
 * `shutdown_timeout: 1s`. Prints wall time, exit code and the stuck
 * request's status, median of RUNS runs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitForPing } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { percentile, printTable } from './reload-measure.js';

const RUNS = Number(process.env['RUNS'] ?? 3);

interface Scenario {
  name: string;
  files(dir: string, target: string): void;
  /** The target answers (200) or never does. */
  answers: boolean;
  /** When the request has reached the point the scenario is about. */
  ready(received: number, stderr: string, base: string): boolean | Promise<boolean>;
}

const pipeline = (output: string): string => `shutdown_timeout: 1s\ninput:\n  http_server:\n    path: /in\n    timeout: 60s\noutput:\n${output}`;
const scenarios: Scenario[] = [
  {
    name: 'clean drain (batch flushed at shutdown)',
    answers: true,
    files: (dir, target) => writeFileSync(join(dir, 'p.yaml'), pipeline(`  http_client:\n    url: ${target}\n    batching:\n      count: 100\n      period: 1h\n`)),
    ready: async (_n, _stderr, base) => /hotplug_input_received_total\{[^}]*\} 1/.test(await (await fetch(`${base}/metrics`)).text()),
  },
  {
    name: 'http_client target never answers',
    answers: false,
    files: (dir, target) => writeFileSync(join(dir, 'p.yaml'), pipeline(`  http_client:\n    url: ${target}\n    timeout: 60s\n    retries: 0\n`)),
    ready: (n) => n > 0,
  },
  {
    name: 'TS plugin output Send never returns',
    answers: false,
    files: (dir) => {
      mkdirSync(join(dir, 'hole'));
      writeFileSync(join(dir, 'hole', 'plugin.yaml'), 'name: hole\ntype: output\ncommand: ["node", "main.ts"]\n');
      writeFileSync(join(dir, 'hole', 'main.ts'), "import { output } from 'hotplug/sdk';\noutput(async () => {\n  console.error('holding');\n  await new Promise(() => {});\n});\n");
      writeFileSync(join(dir, 'p.yaml'), pipeline('  hole: {}\n'));
    },
    ready: (_n, stderr) => stderr.includes('holding'),
  },
];

async function once(s: Scenario): Promise<{ ms: number; code: number | string; status: number }> {
  let received = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      if (s.answers) res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-bench-shutdown-'));
  try {
    s.files(dir, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const port = await freePort();
    const cli = startCli(['run', dir, '--port', String(port)], { env: { HOTPLUG_LOG_LEVEL: 'info' } });
    await waitForPing(`http://127.0.0.1:${port}`);
    const answer = fetch(`http://127.0.0.1:${port}/in`, { method: 'POST', body: 'x' });
    await waitFor(() => s.ready(received, cli.stderr(), `http://127.0.0.1:${port}`), { timeoutMs: 60_000, what: s.name });
    const t0 = performance.now();
    const code = await cli.stop('SIGTERM', 60_000);
    const ms = performance.now() - t0;
    if (process.env['VERBOSE']) process.stderr.write(cli.stderr());
    return { ms, code, status: (await answer).status };
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: string[][] = [['scenario', 'runs', 'SIGTERM → exit p50 ms', 'max ms', 'exit code', 'stuck request']];
for (const s of scenarios) {
  const results = [];
  for (let i = 0; i < RUNS; i++) results.push(await once(s));
  const ms = results.map((r) => r.ms);
  rows.push([s.name, String(RUNS), percentile(ms, 50).toFixed(0), Math.max(...ms).toFixed(0), [...new Set(results.map((r) => r.code))].join(','), [...new Set(results.map((r) => r.status))].join(',')]);
}
console.log(`\nbench:shutdown — shutdown_timeout: 1s, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
printTable(rows);
