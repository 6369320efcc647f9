import { spawnSync } from 'node:child_process';
import { ErrorCode, HotplugError, type PluginManifest } from '../core/index.js';
import { resolvePython } from '../plugin/index.js';

/** `dev --inspect NAME[:PORT]`: a plugin run under a debugger on 127.0.0.1:PORT. */
export interface InspectTarget {
  name: string;
  port: number;
  lang: 'node' | 'python';
}

const DEFAULT_PORT = { node: 9229, python: 5678 } as const;

const isNode = (m: PluginManifest): boolean => m.command[0] === 'node' || m.command[0] === process.execPath || (m.command[0] ?? '').endsWith('.ts');
const isPython = (m: PluginManifest): boolean => /^python(3(\.\d+)?)?$/.test(m.command[0] ?? '');

/**
 * Checks `--inspect` values against the dir's plugins: each names a node/TS or
 * Python plugin, ports are valid and distinct, and debugpy is importable for a
 * Python one.
 */
export async function inspectTargets(values: readonly string[], manifests: readonly PluginManifest[]): Promise<InspectTarget[]> {
  const targets: InspectTarget[] = [];
  for (const v of values) {
    const m = /^([a-z][a-z0-9_]*)(?::(\d+))?$/.exec(v);
    if (!m) throw new HotplugError(ErrorCode.Usage, `--inspect takes NAME or NAME:PORT, not '${v}'`, { hint: 'e.g. --inspect greet or --inspect greet:9230' });
    const name = m[1] as string;
    const manifest = manifests.find((p) => p.name === name);
    if (!manifest) throw new HotplugError(ErrorCode.Usage, `--inspect ${name}: there is no plugin named ${name}`, { hint: `plugins: ${manifests.map((p) => p.name).join(', ') || 'none'}` });
    const lang = isNode(manifest) ? 'node' : isPython(manifest) ? 'python' : undefined;
    if (!lang) throw new HotplugError(ErrorCode.Usage, `--inspect ${name}: only node/TypeScript and python plugins can be debugged this way`, { hint: `start the debugger from the plugin's own command in ${manifest.file}` });
    const port = m[2] === undefined ? DEFAULT_PORT[lang] : Number(m[2]);
    if (port < 1 || port > 65535) throw new HotplugError(ErrorCode.Usage, `--inspect ${v}: the port must be from 1 to 65535`);
    if (targets.some((t) => t.port === port)) throw new HotplugError(ErrorCode.Usage, `--inspect ${v}: port ${port} is already given to another plugin`, { hint: `give each plugin its own port: --inspect ${name}:${port + 1}` });
    if (lang === 'python') await requireDebugpy(name);
    targets.push({ name, port, lang });
  }
  return targets;
}

async function requireDebugpy(name: string): Promise<void> {
  const python = await resolvePython();
  const probe = spawnSync(python, ['-c', 'import debugpy'], { stdio: 'ignore', timeout: 20_000 });
  if (probe.status !== 0) {
    throw new HotplugError(ErrorCode.Usage, `--inspect ${name}: debugpy is not installed for ${python}, which runs Python plugins`, {
      hint: `install it (${python} -m pip install debugpy), then attach VS Code or any DAP client to the port; or set HOTPLUG_PYTHON to a python that has it`,
    });
  }
}

/** The manifest a debugged plugin runs with: one process, exclusive, started under its debugger. */
export function inspectManifest(m: PluginManifest, targets: readonly InspectTarget[]): PluginManifest {
  const t = targets.find((x) => x.name === m.name);
  if (!t) return m;
  const listen = `127.0.0.1:${t.port}`;
  if (t.lang === 'node') {
    const options = m.env?.['NODE_OPTIONS'];
    return { ...m, instances: 1, exclusive: true, env: { ...m.env, NODE_OPTIONS: `${options ? `${options} ` : ''}--inspect=${listen}` } };
  }
  const [python = 'python3', ...rest] = m.command;
  return { ...m, instances: 1, exclusive: true, command: [python, '-m', 'debugpy', '--listen', listen, ...rest] };
}

/** What dev prints for each debugged plugin. */
export function inspectBanner(t: InspectTarget): string {
  return t.lang === 'node'
    ? `inspect ${t.name}: node inspector on ${t.port === 9229 ? '127.0.0.1:9229' : `127.0.0.1:${t.port} (add it under chrome://inspect → Configure)`}; open chrome://inspect → "Open dedicated DevTools for Node" (it reconnects after each reload) or attach VS Code to port ${t.port}. The port stays across reloads; while the plugin restarts, its requests fail`
    : `inspect ${t.name}: debugpy listening on 127.0.0.1:${t.port}; attach VS Code ("Python: Attach", port ${t.port}) or any DAP client. The port stays across reloads; while the plugin restarts, its requests fail`;
}
