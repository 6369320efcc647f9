import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startProcess } from '../helpers/cli.js';
import { freePort, poll, tempDir, type Cleanup } from './helpers.js';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  port: number;
  /** `user@127.0.0.1` for the current user. */
  to: string;
  identity: string;
  /** known_hosts holding this server's host key. */
  knownHosts: string;
  /** known_hosts holding some other key for the same address: must be refused. */
  wrongKnownHosts: string;
  log(): string;
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hotplug-test', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/**
 * A real OpenSSH server on 127.0.0.1 for one test: its own host key, an
 * authorized_keys with a freshly generated client key, run in the foreground
 * (-D) as the current user and killed when the test ends.
 */
export interface SshdOptions {
  /** Listen address (default 127.0.0.1). */
  address?: string;
  /** Listen port (default: a free one on 127.0.0.1). */
  port?: number;
  /** Wraps sshd's argv (e.g. to start it inside a network and mount namespace). */
  wrap?: (argv: string[]) => string[];
}

export async function startSshd(t: Cleanup, opts: SshdOptions = {}): Promise<TestSshd> {
  const address = opts.address ?? '127.0.0.1';
  const dir = await tempDir(t, 'hotplug-sshd-');
  await chmod(dir, 0o700);
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  keygen(join(dir, 'other_host_key'));
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_key.pub')));
  // sshd insists on its privilege separation directory even when it never drops privileges.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const user = process.env['USER'] ?? (spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim() || 'root');

  let lastErr = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = opts.port ?? (await freePort());
    const config = join(dir, 'sshd_config');
    await writeFile(
      config,
      [
        `Port ${port}`,
        `ListenAddress ${address}`,
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PidFile none',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        `AllowUsers ${user}`,
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    const argv = (opts.wrap ?? ((a) => a))([SSHD, '-D', '-e', '-f', config]);
    const proc = startProcess(argv[0] as string, argv.slice(1));
    t.after(async () => {
    await proc.stop();
  });
    const child = proc.child;
    const log = (): string => proc.stderr();
    const up = await poll(
      'sshd to listen',
      async () => {
        if (child.exitCode !== null) return false;
        return (await canConnect(address, port)) ? true : undefined;
      },
      10_000,
    );
    if (!up) {
      lastErr = log();
      continue;
    }
    const hostKey = (await readFile(join(dir, 'host_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
    const otherKey = (await readFile(join(dir, 'other_host_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
    const name = port === 22 ? address : `[${address}]:${port}`;
    await writeFile(join(dir, 'known_hosts'), `${name} ${hostKey}\n`);
    await writeFile(join(dir, 'wrong_known_hosts'), `${name} ${otherKey}\n`);
    return {
      port,
      to: `${user}@${address}`,
      identity: join(dir, 'client_key'),
      knownHosts: join(dir, 'known_hosts'),
      wrongKnownHosts: join(dir, 'wrong_known_hosts'),
      log,
    };
  }
  throw new Error(`sshd did not start:\n${lastErr}`);
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, address);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
