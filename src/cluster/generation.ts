import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { BundleLayout } from '../bundle/manifest.js';

/** The code a set of workers runs: what cluster.setupPrimary gets for them. */
export interface Generation {
  n: number;
  exec: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The release dir (following a link), for the status and the log. */
  release: string | undefined;
}

export interface CodeSource {
  /** argv after the node binary and script, as this process got it (`run DIR --port ...`). */
  argv: string[];
  /** The DIR positional as given (undefined: the default `functions`). */
  dirArg: string | undefined;
  /** A symlink to a release dir (DIR/current): each generation runs the release it points at now. */
  follow: string | undefined;
}

/**
 * The next generation's code. Without `follow`, the same script and
 * arguments again (files replaced in place are new code). With it, the
 * release the link points at now: its bundled host, its functions, its
 * Python SDK on PYTHONPATH. Throws when that release is not a bundle.
 */
export function nextGeneration(n: number, src: CodeSource, previous: Generation | undefined): Generation {
  const script = process.argv[1] as string;
  if (src.follow === undefined) return { n, exec: script, args: src.argv, cwd: process.cwd(), env: {}, release: undefined };
  const release = realpathSync(src.follow);
  const exec = join(release, BundleLayout.host);
  if (!existsSync(exec)) throw new Error(`${src.follow} points at ${release}, which has no ${BundleLayout.host}`);
  const functions = join(release, BundleLayout.functions);
  const args = [...src.argv];
  const at = src.dirArg === undefined ? -1 : args.indexOf(src.dirArg, 1);
  if (at === -1) args.splice(1, 0, functions);
  else args[at] = functions;
  const sdk = join(release, BundleLayout.pythonSdk);
  const oldSdk = previous?.release !== undefined ? join(previous.release, BundleLayout.pythonSdk) : undefined;
  const rest = (process.env['PYTHONPATH'] ?? '').split(':').filter((p) => p !== '' && p !== sdk && p !== oldSdk && !p.endsWith(`/${BundleLayout.pythonSdk}`));
  return { n, exec, args, cwd: release, env: { PYTHONPATH: [sdk, ...rest].join(':') }, release };
}
