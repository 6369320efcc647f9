import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoad } from '../helpers/load.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { measureEdits, type EditRun } from './reload-measure.js';

/** The comparison: a plain node:http server doing the same work, restarted by `node --watch`. */
export function nodeWatchServer(version: number, port: number): string {
  return `import { createServer } from 'node:http';
const VERSION = 'v${version}';
createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => res.end(VERSION + ':' + Buffer.concat(chunks).toString().toUpperCase()));
}).listen(${port}, '127.0.0.1');
`;
}

export async function measureNodeWatch(edits: number, concurrency: number, pauseMs = 0): Promise<EditRun & { ok: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-bench-watch-'));
  const port = await freePort();
  const file = join(dir, 'server.mjs');
  writeFileSync(file, nodeWatchServer(0, port));
  // Its own process group: node --watch runs the server as a child, which must go with it.
  const child = spawn(process.execPath, ['--watch', file], { stdio: ['ignore', 'ignore', 'ignore'], cwd: dir, detached: true });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitFor(async () => (await fetch(url, { method: 'POST', body: 'x' })).ok, { what: 'node --watch server up' });
    const load = startLoad({ urls: [url], concurrency });
    try {
      const run = await measureEdits({ load, url, file, edits, pauseMs, render: (v) => nodeWatchServer(v, port), marker: (v) => `v${v}:` });
      const summary = await load.stop();
      return { ...run, ok: summary.ok };
    } finally {
      await load.stop().catch(() => undefined);
    }
  } finally {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL'); // the group is gone already
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
