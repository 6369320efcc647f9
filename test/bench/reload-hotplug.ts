import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitForPing } from '../helpers/cli.js';
import { startLoad } from '../helpers/load.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { pyPlugin, tsPlugin, writeDevFixture } from '../dev/fixture.js';
import { measureEdits, type EditRun } from './reload-measure.js';

export interface HotplugReloadRuns {
  ts: EditRun;
  py: EditRun;
  ok: number;
  failed: number;
}

/**
 * `hotplug dev` on a functions dir with a TS and a Python processor, each on
 * its own route, under load on both routes; edits each plugin `edits` times.
 */
export async function measureHotplugDev(edits: number, concurrency: number, pauseMs = 0): Promise<HotplugReloadRuns> {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-bench-reload-'));
  writeDevFixture(dir, 'http://127.0.0.1:9/unused');
  rmSync(join(dir, 'batched.yaml'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dev = startCli(['dev', dir, '--port', String(port)], { env: { HOTPLUG_LOG_LEVEL: 'warn' } });
  try {
    await waitForPing(base);
    const load = startLoad({ urls: [`${base}/ts`, `${base}/py`], concurrency });
    try {
      await waitFor(() => load.firstSeen(`${base}/ts`, (b) => b.startsWith('ts-v1:')) && load.firstSeen(`${base}/py`, (b) => b.startsWith('py-v1:')), { timeoutMs: 60_000, what: 'both routes answering' });
      const ts = await measureEdits({ load, url: `${base}/ts`, file: join(dir, 'greet_ts', 'main.ts'), edits, pauseMs, render: (v) => tsPlugin(`ts-v${v + 1}`), marker: (v) => `ts-v${v + 1}:` });
      const py = await measureEdits({ load, url: `${base}/py`, file: join(dir, 'greet_py', 'main.py'), edits, pauseMs, render: (v) => pyPlugin(`py-v${v + 1}`), marker: (v) => `py-v${v + 1}:` });
      const summary = await load.stop();
      return { ts, py, ok: summary.ok, failed: summary.failed };
    } finally {
      await load.stop().catch(() => undefined);
    }
  } finally {
    await dev.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
