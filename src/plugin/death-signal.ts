import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

let setpriv: string | null | undefined;

/**
 * The command that starts a plugin so that it dies with the host: util-linux
 * `setpriv --pdeathsig KILL` sets PR_SET_PDEATHSIG, then execs the plugin (same
 * pid), and the kernel kills it the moment the host process ends, SIGKILL
 * included. That holds for any plugin, also official-SDK ones that do not
 * watch stdin. Where setpriv is missing (not Linux), the command is unchanged
 * and plugins rely on stdin EOF and the next host's cleanup of stale groups.
 */
export function withDeathSignal(file: string, args: readonly string[]): [string, string[]] {
  if (process.env['HOTPLUG_PDEATHSIG'] === '0') return [file, [...args]];
  if (process.platform !== 'linux') return [file, [...args]];
  setpriv ??= executable('setpriv') ?? null;
  // A command that does not exist is left to spawn, whose ENOENT says so better than setpriv's exit 127.
  if (setpriv === null || executable(file) === undefined) return [file, [...args]];
  return [setpriv, ['--pdeathsig', 'KILL', '--', file, ...args]];
}

/** `file` itself when it contains a '/', else where PATH finds it; undefined when not executable. */
function executable(file: string): string | undefined {
  const candidates = file.includes('/') ? [file] : [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin', '/bin'].filter((d) => d !== '').map((d) => join(d, file));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}
