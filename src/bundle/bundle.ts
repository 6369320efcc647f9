import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ErrorCode, HotplugError, type Diagnostic } from '../core/errors.js';
import { packBundle, type BundleFile } from './archive.js';
import { collectFunctions, readSource } from './collect.js';
import { bundleJs } from './esbuild.js';
import { BundleLayout, MIN_NODE_MAJOR, type BundleManifest } from './manifest.js';
import { planPlugins } from './plugins.js';
import { createProgress, formatBytes, type ProgressStream } from './progress.js';
import { startScript } from './start-script.js';
import { DEFAULT_DEPLOY_DIR, systemdUnit } from './systemd-unit.js';

export interface BundleOptions {
  /** The functions dir: pipelines and plugins. */
  dir: string;
  /** The .tar.gz to write; default `hotplug-bundle.tar.gz` in the current directory. */
  out?: string;
  /** The hotplug repo (host sources, node_modules, Python SDK); default: the one this code runs from. */
  repoRoot?: string;
  /**
   * A module exporting `runCli(argv: string[]): Promise<number>`; default
   * `src/cli/main.ts` of repoRoot. The bundled host calls it with
   * `run FUNCTIONS_DIR --port N --host H`.
   */
  hostEntry?: string;
  /** The Python SDK package folder (`hotplug/`) to ship; default `src/sdk/python/hotplug` of repoRoot. */
  pythonSdk?: string;
  /**
   * Checks the functions dir before anything is built (the CLI passes the
   * config loader's lint). Any error stops the bundle with all of them, so
   * a broken dir is caught on the laptop rather than by a failed deploy.
   */
  check?: (dir: string) => Diagnostic[];
  /** Human-readable lines (what was built, the size). */
  log?: (line: string) => void;
  /** Where a progress line is drawn, when it is a TTY (e.g. process.stderr). */
  progress?: ProgressStream;
}

export interface BundleResult {
  /** Absolute path of the written .tar.gz. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
  manifest: BundleManifest;
}

/** This file lives at dist/src/bundle/ in the repo. */
const OWN_REPO = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Builds a reproducible .tar.gz that runs `dir`'s streams on a VM with only
 * Node ≥ 20 (and python3 with grpcio when there are Python plugins): the host
 * bundled into one file, the functions with TS plugins precompiled, the
 * Python SDK, `start`, `hotplug.service` and `manifest.json`.
 */
export async function bundle(opts: BundleOptions): Promise<BundleResult> {
  const repoRoot = resolve(opts.repoRoot ?? OWN_REPO);
  const functionsDir = resolve(opts.dir);
  const out = resolve(opts.out ?? 'hotplug-bundle.tar.gz');
  const hostEntry = resolve(opts.hostEntry ?? join(repoRoot, 'src', 'cli', 'main.ts'));
  if (!existsSync(hostEntry)) {
    throw new HotplugError(ErrorCode.Bundle, `the host's entry ${hostEntry} does not exist`, { hint: 'run hotplug bundle from a complete hotplug checkout' });
  }
  // A bundle written into the dir it bundles must not end up inside the next one.
  const outReal = join(await realpath(dirname(out)).catch(() => dirname(out)), basename(out));
  const sources = (await collectFunctions(functionsDir)).filter((f) => f.abs !== outReal);
  const diagnostics = opts.check?.(functionsDir) ?? [];
  if (diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(diagnostics);
  const plans = await planPlugins(sources, functionsDir);
  const compiles = plans.flatMap((p) => p.compiles);
  const progress = createProgress(opts.progress, 3 + compiles.length);
  const work = await mkdtemp(join(tmpdir(), 'hotplug-bundle-'));
  try {
    const files: BundleFile[] = [];
    progress.step('bundling the host');
    const hostOut = join(work, 'hotplug.mjs');
    await bundleJs({
      contents: { text: hostMain(hostEntry), resolveDir: repoRoot },
      outfile: hostOut,
      repoRoot,
      workingDir: repoRoot,
    });
    files.push({ path: BundleLayout.host, data: await readFile(hostOut), executable: false });

    const replaced = new Map(plans.map((p) => [p.file, p.text]));
    const compiledOut = new Set(compiles.map((c) => c.out));
    const hasTs = compiles.length > 0;
    for (const c of compiles) {
      progress.step(`compiling ${c.entry}`);
      const outfile = join(work, 'plugins', c.out);
      await bundleJs({ entry: join(functionsDir, c.entry), outfile, repoRoot, workingDir: functionsDir, alias: sdkAlias(repoRoot), plugin: true });
      files.push({ path: `${BundleLayout.functions}/${c.out}`, data: await readFile(outfile), executable: false });
    }
    progress.step('copying functions');
    for (const f of sources) {
      // Compiled plugins carry their TS inside the .mjs; a bundle has no TS left to compile.
      if (hasTs && /\.(ts|mts|cts)$/.test(f.rel)) continue;
      if (compiledOut.has(f.rel)) continue;
      const text = replaced.get(f.rel);
      files.push({ path: `${BundleLayout.functions}/${f.rel}`, data: text !== undefined ? Buffer.from(text) : await readSource(f), executable: f.executable });
    }
    const python = plans.some((p) => p.manifest.language === 'python');
    files.push(...(await pythonSdk(resolve(opts.pythonSdk ?? join(repoRoot, 'src', 'sdk', 'python', 'hotplug')), python)));
    const version = await hotplugVersion(repoRoot);
    files.push({ path: BundleLayout.packageJson, data: Buffer.from(packageJson(version)), executable: false });
    files.push({ path: BundleLayout.start, data: Buffer.from(startScript()), executable: true });
    files.push({ path: BundleLayout.unit, data: Buffer.from(systemdUnit({ dir: DEFAULT_DEPLOY_DIR })), executable: false });

    progress.step('packing');
    const { archive, manifest } = packBundle(files, {
      format: 1,
      hotplug: version,
      node: `>=${MIN_NODE_MAJOR}`,
      python,
      plugins: plans.map((p) => p.manifest),
    });
    // Write next to the target and rename, so a reader never sees half a bundle.
    const partial = join(dirname(out), `.${basename(out)}.partial`);
    await writeFile(partial, archive);
    await rename(partial, out);
    progress.done();
    opts.log?.(`bundle ${out}: ${formatBytes(archive.byteLength)} (${manifest.files.length} files, ${plans.length} plugins, sha256 digest ${manifest.digest.slice(0, 12)})`);
    return { file: out, bytes: archive.byteLength, manifest };
  } finally {
    progress.done();
    await rm(work, { recursive: true, force: true });
  }
}

function hostMain(entry: string): string {
  return `import { runCli } from ${JSON.stringify(entry)};\nprocess.exitCode = await runCli(process.argv.slice(2));\n`;
}

/** Lets TS plugins import the SDK as `hotplug/sdk` without a node_modules/hotplug on the machine. */
export function sdkAlias(repoRoot: string): Record<string, string> {
  const sdk = join(repoRoot, 'src', 'sdk', 'ts', 'index.ts');
  return existsSync(sdk) ? { 'hotplug/sdk': sdk } : {};
}

async function pythonSdk(dir: string, needed: boolean): Promise<BundleFile[]> {
  if (!existsSync(dir)) {
    if (!needed) return [];
    throw new HotplugError(ErrorCode.Bundle, `the Python SDK is missing at ${dir}, and this functions dir has Python plugins`, {
      hint: 'run hotplug bundle from a complete hotplug checkout',
    });
  }
  const files = await collectFunctions(dir);
  return Promise.all(files.map(async (f) => ({ path: `${BundleLayout.pythonSdk}/hotplug/${f.rel}`, data: await readSource(f), executable: false })));
}

/** What the host reads about itself (its version); no dependencies, since everything is bundled. */
function packageJson(version: string): string {
  return `${JSON.stringify({ name: 'hotplug-bundle', version, private: true, type: 'module', engines: { node: `>=${MIN_NODE_MAJOR}` } }, null, 2)}\n`;
}

async function hotplugVersion(repoRoot: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
