import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { ConfigError, ErrorCode, HotplugError, type Diagnostic } from '../core/errors.js';
import { sdkAlias } from './bundle.js';
import { collectFunctions, readSource } from './collect.js';
import { bundleJs } from './esbuild.js';
import { planPlugins } from './plugins.js';

export interface ConnectFolderOptions {
  /** The functions dir whose plugins are exported. */
  dir: string;
  /** The folder to write, one sub-folder per plugin; must not exist yet, or be empty. */
  out: string;
  /** The hotplug repo (TS SDK sources, node_modules, Python SDK); default: the one this code runs from. */
  repoRoot?: string;
  check?: (dir: string) => Diagnostic[];
  log?: (line: string) => void;
}

/** hotplug's own plugin.yaml keys; Redpanda Connect has no use for them. */
const HOTPLUG_KEYS = ['env', 'instances'];

const OWN_REPO = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Writes every plugin of a functions dir as a folder that starts unchanged under Redpanda Connect's
 * rpcplugin host (`rpk connect run --rpc-plugins=<folder>/plugin.yaml ...`): a TS plugin's entry is
 * compiled with the TS SDK and grpc-js inlined into one `.mjs` (`node main.mjs` needs nothing else),
 * a Python plugin gets the Python SDK vendored as `hotplug/` next to its entry (`python3 main.py`
 * imports it from the script's folder; grpcio and protobuf must be installed, as for the official
 * SDK). plugin.yaml keeps Connect's keys; hotplug's `env` and `instances` are dropped (with a note).
 * Returns the folders written.
 */
export async function exportForConnect(opts: ConnectFolderOptions): Promise<string[]> {
  const repoRoot = resolve(opts.repoRoot ?? OWN_REPO);
  const functionsDir = resolve(opts.dir);
  const out = resolve(opts.out);
  if (existsSync(out) && (await readdir(out)).length > 0) {
    throw new HotplugError(ErrorCode.Bundle, `${out} already exists and is not empty`, { hint: 'pass --out with a new folder' });
  }
  const diagnostics = opts.check?.(functionsDir) ?? [];
  if (diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(diagnostics);
  const sources = (await collectFunctions(functionsDir)).filter((f) => !f.abs.startsWith(`${out}/`));
  const plans = await planPlugins(sources, functionsDir);
  const pythonSdk = await collectFunctions(join(repoRoot, 'src', 'sdk', 'python', 'hotplug'));
  const written: string[] = [];
  for (const plan of plans) {
    const base = posix.dirname(plan.file);
    const inside = (rel: string): string | undefined => (base === '.' ? rel : rel.startsWith(`${base}/`) ? rel.slice(base.length + 1) : undefined);
    const dest = join(out, plan.manifest.name);
    const compiled = new Set(plan.compiles.map((c) => c.entry));
    for (const f of sources) {
      const rel = inside(f.rel);
      // Its TS travels inside the compiled .mjs; plugin.yaml is rewritten below.
      if (rel === undefined || compiled.has(f.rel) || rel === 'plugin.yaml') continue;
      await writeOut(join(dest, rel), await readSource(f), f.executable);
    }
    for (const c of plan.compiles) {
      const rel = inside(c.out) ?? posix.basename(c.out);
      await bundleJs({ entry: join(functionsDir, c.entry), outfile: join(dest, rel), repoRoot, workingDir: functionsDir, alias: sdkAlias(repoRoot) });
    }
    if (plan.manifest.language === 'python') {
      for (const f of pythonSdk) await writeOut(join(dest, 'hotplug', f.rel), await readSource(f), false);
    }
    const doc = parseDocument(plan.text);
    for (const key of HOTPLUG_KEYS) {
      if (doc.has(key)) {
        doc.delete(key);
        opts.log?.(`${plan.manifest.name}: dropped hotplug's '${key}' from plugin.yaml (Redpanda Connect passes its own environment and runs one process)`);
      }
    }
    await writeOut(join(dest, 'plugin.yaml'), Buffer.from(String(doc)), false);
    opts.log?.(`${plan.manifest.name} (${plan.manifest.language}) → ${dest}: rpk connect run --rpc-plugins=${join(dest, 'plugin.yaml')} <pipeline.yaml>`);
    written.push(dest);
  }
  if (written.length === 0) opts.log?.(`no plugin.yaml found under ${functionsDir}`);
  return written;
}

async function writeOut(file: string, data: Buffer, executable: boolean): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
  if (executable) await chmod(file, 0o755);
}
