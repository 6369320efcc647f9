import { join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { ownDependenciesOnly } from '../plugin/own-deps.js';
import { ErrorCode, HotplugError } from '../core/errors.js';

/**
 * ESM output that still hosts CommonJS dependencies (grpc-js, pino, ...):
 * they call `require` for Node built-ins and read `__dirname`, neither of
 * which exists in an ES module, so the bundle defines them once up front
 * under private names.
 */
const CJS_SHIM = [
  "import { createRequire as __hpCreateRequire } from 'node:module';",
  "import { fileURLToPath as __hpFileURLToPath } from 'node:url';",
  "import { dirname as __hpDirnameOf } from 'node:path';",
  'const require = __hpCreateRequire(import.meta.url);',
  'const __hpFilename = __hpFileURLToPath(import.meta.url);',
  'const __hpDirname = __hpDirnameOf(__hpFilename);',
].join('\n');

/**
 * Packages left out of a bundle: pino-pretty is for dev mode on a TTY
 * (production logs JSON lines), fsevents is macOS-only.
 */
export const EXTERNAL_PACKAGES = ['pino-pretty', 'fsevents'];

/**
 * esbuild ships a native binary, so it cannot travel inside a bundle; the
 * host only needs it to compile `.ts` plugins, which a bundle has already
 * precompiled. It is replaced by a module whose functions explain that.
 */
const ESBUILD_STUB = `
const fail = () => { throw new Error('this hotplug bundle cannot compile TypeScript at runtime: TS plugins are precompiled by \`hotplug bundle\`; rebuild the bundle'); };
export const build = fail, context = fail, transform = fail, buildSync = fail, transformSync = fail, formatMessages = fail, analyzeMetafile = fail;
export const version = 'stub';
export default { build, context, transform, buildSync, transformSync, formatMessages, analyzeMetafile, version };
`;

const stubEsbuild: Plugin = {
  name: 'hotplug-stub-esbuild',
  setup(b) {
    b.onResolve({ filter: /^esbuild$/ }, () => ({ path: 'esbuild', namespace: 'hotplug-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'hotplug-stub' }, () => ({ contents: ESBUILD_STUB, loader: 'js' }));
  },
};

export interface BundleJsOptions {
  /** Absolute entry file (TS or JS), or `contents` with `resolveDir`. */
  entry?: string;
  contents?: { text: string; resolveDir: string };
  /** Absolute output file. */
  outfile: string;
  /** The hotplug repo, whose node_modules resolve bare imports. */
  repoRoot: string;
  /** Where paths in comments are made relative to; fixed so output does not depend on the caller's cwd. */
  workingDir: string;
  alias?: Record<string, string>;
  /** A plugin, not the host: bare imports resolve from its own folders only (see ownDependenciesOnly). */
  plugin?: boolean;
}

/** Bundles one entry into one self-contained ES module for Node 20 (platform node, format esm). */
export async function bundleJs(opts: BundleJsOptions): Promise<void> {
  const esbuild = await import('esbuild');
  try {
    await esbuild.build({
      ...(opts.entry !== undefined ? { entryPoints: [opts.entry] } : {}),
      ...(opts.contents !== undefined
        ? { stdin: { contents: opts.contents.text, resolveDir: opts.contents.resolveDir, loader: 'ts', sourcefile: 'hotplug-entry.ts' } }
        : {}),
      outfile: opts.outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      absWorkingDir: opts.workingDir,
      ...(opts.plugin ? {} : { nodePaths: [join(opts.repoRoot, 'node_modules')] }),
      external: EXTERNAL_PACKAGES,
      banner: { js: CJS_SHIM },
      define: { __dirname: '__hpDirname', __filename: '__hpFilename' },
      alias: opts.alias ?? {},
      plugins: opts.plugin ? [stubEsbuild, ownDependenciesOnly(opts.repoRoot)] : [stubEsbuild],
      minifySyntax: true,
      minifyWhitespace: true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
      write: true,
    });
  } catch (err) {
    const failure = err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] };
    const first = failure.errors?.[0];
    throw new HotplugError(ErrorCode.Bundle, `esbuild could not bundle ${opts.entry ?? 'the host'}: ${first?.text ?? (err as Error).message}`, {
      ...(first?.location ? { location: { file: resolve(opts.workingDir, first.location.file), line: first.location.line, col: first.location.column + 1 } } : {}),
      hint: 'fix the import or syntax error there (esbuild compiles the code; types are not checked)',
      cause: err,
    });
  }
}
