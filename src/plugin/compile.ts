import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { HotplugError, ErrorCode } from '../core/errors.js';
import { ownDependenciesOnly } from './own-deps.js';
import { sdkBundle } from './sdk-bundle.js';

/**
 * Compiles a TypeScript plugin entry into one ESM file in `outDir` and
 * returns its path. The plugin's own code and its packages are bundled;
 * `hotplug/sdk` stays an external import, by absolute URL, of the host's
 * SDK bundled once with grpc-js (see sdk-bundle.ts; the unbundled
 * `<repoRoot>/dist/src/sdk/ts/index.js` if that bundle cannot be built), so
 * the SDK is never re-bundled per plugin and every plugin shares one copy. Output names
 * carry a content hash, so a running generation's file is never overwritten
 * by the next compile.
 */
export async function compileTsPlugin(entry: string, outDir: string, repoRoot: string = defaultRepoRoot()): Promise<string> {
  const sdkUrl = pathToFileURL(await sdkBundle(repoRoot)).href;
  const sdkPlugin: Plugin = {
    name: 'hotplug-sdk',
    setup(b) {
      b.onResolve({ filter: /^hotplug\/sdk$/ }, () => ({ path: sdkUrl, external: true }));
    },
  };
  try {
    const result = await build({
      entryPoints: [entry],
      outdir: outDir,
      entryNames: `${basename(entry).replace(/\.ts$/, '')}-[hash]`,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'silent',
      plugins: [sdkPlugin, ownDependenciesOnly(repoRoot)],
      // Bundled CommonJS packages may call require(); give them one.
      banner: { js: "import { createRequire as __hotplugCreateRequire } from 'node:module'; const require = __hotplugCreateRequire(import.meta.url);" },
    });
    const out = Object.keys(result.metafile.outputs).find((f) => f.endsWith('.mjs'));
    if (!out) throw new Error('esbuild produced no output');
    pruneOldOutputs(outDir, resolve(out), KEEP_OUTPUTS);
    return resolve(out);
  } catch (err) {
    throw new HotplugError(ErrorCode.PluginCompile, `cannot compile ${entry}:\n${formatEsbuildError(err)}`, {
      hint: 'fix the TypeScript error above; the plugin is compiled with esbuild (types are not checked)',
      cause: err,
    });
  }
}

/**
 * Every save in dev mode compiles a new file; keep the newest few (an older
 * generation may still restart from its file while it drains) and drop the rest.
 */
const KEEP_OUTPUTS = 5;

function pruneOldOutputs(dir: string, current: string, keep: number): void {
  try {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.mjs') && join(dir, f) !== current)
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of files.slice(keep - 1)) rmSync(join(dir, f), { force: true });
  } catch {
    // a cache: failing to tidy it is harmless
  }
}

function formatEsbuildError(err: unknown): string {
  const errors = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number; lineText: string } | null }> }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return err instanceof Error ? err.message : String(err);
  return errors
    .map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}\n    ${e.location.lineText}` : e.text))
    .join('\n');
}

function defaultRepoRoot(): string {
  // dist/src/plugin/compile.js -> repo root
  return new URL('../../../', import.meta.url).pathname;
}
