import { createHash } from 'node:crypto';
import { readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildCacheDir, contentHash, verifiedEntry } from './build-cache.js';

/**
 * The built TS SDK and grpc-js as one ESM file, which compiled TS plugins
 * (and Node warm spares) import as `hotplug/sdk`. Node then loads one file
 * instead of resolving and reading some hundred modules: spawn to listening
 * measured ~170 → ~110 ms on the 2-core dev machine. Built once per SDK
 * build and grpc-js install (the file name carries a key of their paths,
 * sizes and mtimes, and the hash of its content, checked before reuse), in
 * the user's private build cache (build-cache.ts); when building it
 * fails, or with HOTPLUG_SDK_BUNDLE=0, plugins import the unbundled SDK.
 */
const memo = new Map<string, Promise<string>>();
const done = new Map<string, string>();

export function sdkEntry(repoRoot: string): string {
  return join(repoRoot, 'dist', 'src', 'sdk', 'ts', 'index.js');
}

export function sdkBundle(repoRoot: string): Promise<string> {
  if (process.env['HOTPLUG_SDK_BUNDLE'] === '0') return Promise.resolve(sdkEntry(repoRoot));
  let p = memo.get(repoRoot);
  if (!p) {
    p = buildBundle(repoRoot).then(
      (file) => {
        done.set(repoRoot, file);
        return file;
      },
      () => sdkEntry(repoRoot),
    );
    memo.set(repoRoot, p);
  }
  return p;
}

/** The bundle if it has been built in this process, else the unbundled SDK. */
export function sdkBundleIfReady(repoRoot: string): string {
  return done.get(repoRoot) ?? sdkEntry(repoRoot);
}

async function buildBundle(repoRoot: string): Promise<string> {
  const entry = sdkEntry(repoRoot);
  const dir = buildCacheDir('sdk');
  // Named by its inputs and by the sha256 of its content, which is checked before reuse.
  const prefix = `hotplug-sdk-${inputsKey(repoRoot, entry)}-`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(prefix) && name.endsWith('.mjs') && verifiedEntry(join(dir, name)) !== undefined) return join(dir, name);
  }
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    // grpc-js is CommonJS and require()s Node's builtins.
    banner: { js: "import { createRequire as __hotplugCreateRequire } from 'node:module'; const require = __hotplugCreateRequire(import.meta.url);" },
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild produced no output');
  const file = join(dir, `${prefix}${contentHash(code).slice(0, 32)}.mjs`);
  // Hosts racing to build it write the same bytes; the rename makes each write atomic.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code, { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}

/** Paths, sizes and mtimes of the built sources the SDK can import, and of grpc-js's entry. */
function inputsKey(repoRoot: string, entry: string): string {
  const h = createHash('sha1').update(repoRoot);
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (n.endsWith('.js')) h.update(`${p}\0${st.size}\0${st.mtimeMs}\0`);
    }
  };
  for (const sub of ['sdk/ts', 'core', 'wire', 'gen']) walk(join(repoRoot, 'dist', 'src', sub));
  try {
    const grpc = createRequire(entry).resolve('@grpc/grpc-js');
    const st = statSync(grpc);
    h.update(`${grpc}\0${st.size}\0${st.mtimeMs}`);
  } catch {
    // not resolvable: the build will say so
  }
  return h.digest('hex').slice(0, 16);
}
