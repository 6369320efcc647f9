import { createHash } from 'node:crypto';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { PluginManifest } from '../core/spec.js';
import { buildCacheDir } from './build-cache.js';
import { compileTsPlugin } from './compile.js';
import { resolvePython } from './python.js';

/** How to start one plugin process: resolved once per generation, reused by restarts. */
export interface LaunchSpec {
  file: string;
  args: string[];
  cwd: string;
  /** The plugin's environment, without REDPANDA_CONNECT_PLUGIN_ADDRESS (set per process). */
  env: Record<string, string>;
}

/** Host variables a plugin may need to run at all; everything else stays private to the host. */
const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR'];

/**
 * Turns a manifest's command into a LaunchSpec, with two conveniences:
 * - an argument ending in `.ts` is compiled with esbuild first (see
 *   compileTsPlugin); a command that starts with one, or with `node`, runs
 *   on the host's own Node binary;
 * - `python3`/`python` resolves to an interpreter that has grpcio and
 *   protobuf, with `<repoRoot>/src/sdk/python` on PYTHONPATH so
 *   `import hotplug` works without installing anything.
 */
export async function resolveLaunch(manifest: PluginManifest, repoRoot: string): Promise<LaunchSpec> {
  const env: Record<string, string> = {};
  for (const k of PASSED_THROUGH) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  Object.assign(env, manifest.env ?? {});

  const argv = [...manifest.command];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.endsWith('.ts')) argv[i] = await compileTsPlugin(isAbsolute(a) ? a : resolve(manifest.cwd, a), buildCacheDir(`${manifest.name}-${hash(manifest.file)}`), repoRoot);
  }
  const first = manifest.command[0] ?? '';
  if (first.endsWith('.ts')) argv.unshift(process.execPath);
  else if (first === 'node') argv[0] = process.execPath;
  // A compiled TS plugin's stacks name its .ts files and lines (the bundle carries an inline source map):
  // the stack an error sends to the host, and so the file:line in logs and `hotplug dev`. In the
  // environment rather than argv, so a warm spare (booted with the same environment) has it too.
  if (argv[0] === process.execPath && manifest.command.some((a) => a.endsWith('.ts'))) {
    env['NODE_OPTIONS'] = env['NODE_OPTIONS'] ? `${env['NODE_OPTIONS']} --enable-source-maps` : '--enable-source-maps';
  }
  else if (first === 'python3' || first === 'python') {
    argv[0] = await resolvePython();
    const sdk = join(repoRoot, 'src', 'sdk', 'python');
    env['PYTHONPATH'] = env['PYTHONPATH'] ? `${sdk}${delimiter}${env['PYTHONPATH']}` : sdk;
    env['PYTHONUNBUFFERED'] ??= '1';
  }
  const [file, ...args] = argv;
  return { file: file as string, args, cwd: manifest.cwd, env };
}

function hash(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 10);
}
