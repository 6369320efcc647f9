import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { waitFor } from './poll.js';
import { processesMentioning } from './processes.js';

/** Debian's chromium (installed by .ci/setup). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * A real headless Chromium driven by playwright-core. close() closes it and
 * then makes sure none of its processes (renderers, GPU, zygotes) is left.
 */
export async function launchChromium(): Promise<{ browser: Browser; pids(): number[]; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run .ci/setup (it installs Debian's chromium)`);
  // Root in a container has no user namespace sandbox; the page is our own local console.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'], timeout: 60_000 });
  const profile = profileDir();
  return {
    browser,
    pids: () => (profile === undefined ? [] : processesMentioning(profile)),
    async close() {
      await browser.close().catch(() => undefined);
      if (profile === undefined) return;
      for (const pid of processesMentioning(profile)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await waitFor(() => processesMentioning(profile).length === 0, { timeoutMs: 10_000, what: 'chromium processes to exit' });
    },
  };
}

/** The temp profile dir playwright gave the chromium this process launched (its processes all name it). */
function profileDir(): string | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const dir = cmd.find((a) => a.startsWith('--user-data-dir='));
      if (dir) return dir.slice('--user-data-dir='.length);
    } catch {
      // gone already
    }
  }
  return undefined;
}
