import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, HotplugError } from '../core/errors.js';

/** How to reach the VM. Host keys are always checked: there is no switch to turn that off. */
export interface SshTarget {
  /** `user@host` (or `host`, for ssh's default user). */
  to: string;
  port?: number;
  /** Private key file (ssh -i); only this key is offered when given. */
  identity?: string;
  /** known_hosts file to check the VM's host key against; default: ssh's own (~/.ssh/known_hosts). */
  knownHosts?: string;
  /** Seconds to wait for the TCP connection. */
  connectTimeout?: number;
  /**
   * A control socket shared by the commands of one deploy (see withSshSession):
   * one TCP connection and one key exchange instead of one per command.
   */
  controlPath?: string;
}

const TARGET = /^(?:[A-Za-z0-9._][A-Za-z0-9._-]*@)?(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])$/;

export function checkTarget(to: string): void {
  if (!TARGET.test(to) || to.startsWith('-')) {
    throw new HotplugError(ErrorCode.Usage, `--to ${JSON.stringify(to)} is not USER@HOST`, { hint: 'e.g. --to deploy@10.0.0.5 or --to root@vm1.example.com' });
  }
}

/** POSIX-shell single-quoting: the remote side runs our argv through the login shell, one quoted word each. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_./=:@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The ssh argv for running `remote` (an argv, quoted here for the remote shell) on the target. */
export function sshArgv(t: SshTarget, remote: readonly string[]): string[] {
  checkTarget(t.to);
  const args = [
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `ConnectTimeout=${t.connectTimeout ?? 15}`,
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=4',
    '-o', 'LogLevel=ERROR',
  ];
  if (t.knownHosts !== undefined) args.push('-o', `UserKnownHostsFile=${t.knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null');
  if (t.identity !== undefined) args.push('-i', t.identity, '-o', 'IdentitiesOnly=yes');
  if (t.port !== undefined) args.push('-p', String(t.port));
  if (t.controlPath !== undefined) args.push('-o', 'ControlMaster=auto', '-o', `ControlPath=${t.controlPath}`, '-o', 'ControlPersist=60');
  args.push('--', t.to, shellQuote(remote));
  return args;
}

/**
 * Runs `fn` with one multiplexed ssh connection for all its commands. The
 * first command starts the master (which detaches); it is told to exit at
 * the end, and would exit by itself 60 s after its last use anyway.
 */
export async function withSshSession<T>(t: SshTarget, fn: (t: SshTarget) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-ssh-'));
  const session: SshTarget = { ...t, controlPath: join(dir, 'control') };
  try {
    return await fn(session);
  } finally {
    await new Promise<void>((resolve) => {
      const stop = spawn('ssh', ['-o', `ControlPath=${session.controlPath}`, '-O', 'exit', '--', t.to], { stdio: 'ignore' });
      stop.once('error', () => resolve());
      stop.once('close', () => resolve());
    });
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SshRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command on the VM. `input` is streamed to its stdin; `onLine` sees
 * stdout line by line as it arrives. Resolves with the exit code (255 is
 * ssh's own failure); spawning ssh itself failing rejects.
 */
export function runSsh(t: SshTarget, remote: readonly string[], opts: { input?: Uint8Array; onLine?: (line: string) => void } = {}): Promise<SshRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgv(t, remote), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!opts.onLine) return;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onLine(l);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.on('error', () => {
      // The remote closed early; its exit code and stderr tell why.
    });
    child.once('error', (err) => {
      reject(
        new HotplugError(ErrorCode.Deploy, `cannot run ssh: ${err.message}`, {
          hint: 'hotplug deploy uses the system OpenSSH client: install it (apt install openssh-client)',
        }),
      );
    });
    child.once('close', (code) => {
      if (partial && opts.onLine) opts.onLine(partial);
      resolve({ code: code ?? 255, stdout, stderr });
    });
    child.stdin.end(opts.input === undefined ? undefined : Buffer.from(opts.input.buffer, opts.input.byteOffset, opts.input.byteLength));
  });
}

/** Turns ssh's own failures (exit 255) into errors that say what to do. */
export function sshFailure(t: SshTarget, run: SshRun): HotplugError {
  const err = run.stderr.trim();
  const where = `${t.to}${t.port ? ` port ${t.port}` : ''}`;
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i.test(err)) {
    return new HotplugError(ErrorCode.Deploy, `the host key of ${where} was not accepted: it is unknown or does not match known_hosts`, {
      hint: `check the VM's key fingerprint out of band, then add it (ssh-keyscan${t.port ? ` -p ${t.port}` : ''} HOST >> ${t.knownHosts ?? '~/.ssh/known_hosts'}) or pass --known-hosts FILE. Host key checking is never turned off.\nssh said: ${err}`,
    });
  }
  if (/Permission denied|Too many authentication failures/i.test(err)) {
    return new HotplugError(ErrorCode.Deploy, `ssh could not log in to ${where}: the key was refused`, {
      hint: `pass the right key with --identity FILE and check the VM's authorized_keys.\nssh said: ${err}`,
    });
  }
  if (/Connection refused|timed out|No route to host|Could not resolve|Network is unreachable|Connection closed/i.test(err)) {
    return new HotplugError(ErrorCode.Deploy, `cannot reach ${where}`, { hint: `check the address, --ssh-port and that sshd runs on the VM.\nssh said: ${err}` });
  }
  return new HotplugError(ErrorCode.Deploy, `ssh to ${where} failed (exit ${run.code})${err ? `: ${err}` : ''}`);
}
