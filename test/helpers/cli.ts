import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './poll.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const hotplugBin = fileURLToPath(new URL('../../../bin/hotplug.js', import.meta.url));

/** A `hotplug` CLI process with its output collected. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Sends SIGTERM (or `signal`) and waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | string>;
}

export function startCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  return startProcess(process.execPath, [hotplugBin, ...args], opts);
}

/**
 * Any command (`npx hotplug ...` in a user's project) with its output
 * collected, as startCli. With `group`, it runs in its own process group and
 * signals go to the whole group, as a terminal's Ctrl-C does (npx does not
 * pass SIGTERM on to the command it runs); `exited` then resolves once every
 * process holding its output has exited, with the first process's code.
 */
export function startProcess(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; group?: boolean } = {}): CliProcess {
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, HOTPLUG_LOG_LEVEL: process.env['HOTPLUG_LOG_LEVEL'] ?? 'info', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.group === true,
  });
  const signal = (sig: NodeJS.Signals): void => {
    if (opts.group) {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // the group is gone already
      }
    } else if (child.exitCode === null && child.signalCode === null) {
      child.kill(sig);
    }
  };
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on(opts.group ? 'close' : 'exit', (code, sig) => resolve(code ?? sig ?? 'unknown')));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(sig = 'SIGTERM', graceMs = 20_000) {
      signal(sig);
      const t = setTimeout(() => signal('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = startCli(args, opts);
  const t = setTimeout(() => p.child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  const code = await p.exited;
  clearTimeout(t);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Waits until the server's /ping answers. */
export async function waitForPing(base: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => (await fetch(`${base}/ping`)).ok, { timeoutMs, what: `${base}/ping` });
}
