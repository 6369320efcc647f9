import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Compiled tests live in dist/test/deploy. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const fixtures = join(repoRoot, 'test', 'fixtures', 'deploy');
export const standInHost = join(fixtures, 'stand-in', 'host.mjs');

export interface Cleanup {
  after(fn: () => Promise<void> | void): void;
}

export async function tempDir(t: Cleanup, prefix = 'hotplug-deploy-test-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(d, { recursive: true, force: true }));
  return d;
}

/**
 * A copy of a fixture functions dir plus the litter a real one collects
 * (node_modules, __pycache__, a virtualenv, dotfiles), which a bundle must leave out.
 */
export async function functionsCopy(t: Cleanup, fixture: string): Promise<string> {
  const d = join(await tempDir(t), 'functions');
  await cp(fixture, d, { recursive: true });
  const litter: [string, string][] = [
    ['node_modules/left-pad/index.js', 'module.exports = 1;'],
    ['.env', 'SECRET=1'],
    ['.git/HEAD', 'ref: refs/heads/main'],
    ['venv/pyvenv.cfg', 'home = /usr/bin'],
    ['venv/lib/site.py', '# a virtualenv'],
    ['env2/pyvenv.cfg', 'home = /usr/bin'],
    ['echo.test.yaml', 'tests: []'],
  ];
  for (const [rel, text] of litter) {
    await mkdir(dirname(join(d, rel)), { recursive: true });
    await writeFile(join(d, rel), text);
  }
  return d;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function poll<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return { status: res.status, body: await res.text() };
}

/**
 * Folders to hide from a bundle under test: the repo and the real home of its
 * node_modules (worktrees symlink it from elsewhere).
 */
export async function repoDirs(): Promise<string[]> {
  const dirs = new Set([repoRoot.replace(/\/$/, '')]);
  const nm = await realpath(join(repoRoot, 'node_modules')).catch(() => undefined);
  if (nm !== undefined) dirs.add(dirname(nm));
  return [...dirs];
}

/**
 * Runs `argv` in a private mount namespace with an empty tmpfs over every
 * folder in `hide` (the repo), in its own process group so a kill reaches
 * everything it started. Output is collected.
 */
export function spawnHidden(hide: string[], argv: string[], env: NodeJS.ProcessEnv): ChildProcess & { output(): string } {
  const mounts = hide.map((_, i) => `mount -t tmpfs -o size=1m hotplug-hidden "$${i + 1}"`).join(' && ');
  const script = `${mounts} && shift ${hide.length} && exec "$@"`;
  const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', ...hide, ...argv], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (out += c));
  return Object.assign(child, { output: () => out });
}

/** Kills a process group and waits for its leader to exit. */
export async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // Gone.
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}
