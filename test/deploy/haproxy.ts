import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { haproxyConfig } from '../../src/deploy/index.js';
import { startProcess } from '../helpers/cli.js';
import { freePort, poll, tempDir, type Cleanup } from './helpers.js';

export const HAPROXY = '/usr/sbin/haproxy';

/**
 * Debian's HAProxy on 127.0.0.1 in front of `vms`, with the config
 * `hotplug deploy --print-haproxy` prints (checked with `haproxy -c` first),
 * in the foreground; stopped when the test ends. Resolves once every VM is up
 * in it (its /ready health check passed) and the frontend answers.
 */
export async function startHaproxy(t: Cleanup, vms: string[], port: number): Promise<{ url: string; config: string; log(): string }> {
  const dir = await tempDir(t, 'hotplug-haproxy-');
  const listen = await freePort();
  const config = haproxyConfig({ vms, port, listen: `127.0.0.1:${listen}` });
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const check = spawnSync(HAPROXY, ['-c', '-f', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy -c refused the config:\n${check.stdout}${check.stderr}\n${config}`);
  const proc = startProcess(HAPROXY, ['-db', '-f', file]);
  t.after(async () => {
    await proc.stop();
  });
  const log = (): string => proc.stdout() + proc.stderr();
  const url = `http://127.0.0.1:${listen}`;
  // Each check must pass twice (rise 2, inter 1s) before a server takes traffic.
  await poll(
    'HAProxy to see every VM ready',
    async () => {
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    },
    20_000,
  );
  return { url, config, log };
}
