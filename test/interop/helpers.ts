import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Host, createHost } from '../../src/host/index.js';
import { log, until } from '../pipeline/helpers.js';

export const interopDir = fileURLToPath(new URL('../../../test/fixtures/interop/', import.meta.url));

/** A host over test/fixtures/interop/functions with every plugin ready; stopped by t.after. */
export async function interopHost(t: { after(fn: () => Promise<void>): void }, dir = join(interopDir, 'functions')): Promise<Host> {
  const host = createHost({ dir, port: 0, log });
  t.after(() => host.stop());
  await host.start();
  const errors = host.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`interop fixtures do not load: ${JSON.stringify(errors)}`);
  await until(() => host.pluginHealth().length > 0 && host.pluginHealth().every((p) => p.state === 'ready'), 'plugins ready', 60_000);
  return host;
}

type After = { after(fn: () => void | Promise<void>): void };

const RAW = join(interopDir, 'raw_grpcio.py');
const RAW_JS = join(interopDir, 'raw-grpc-js.mjs');

/** A functions dir with the contract-only grpcio and grpc-js plugins (input, output, errors; each in both) and the given pipelines. */
export function rawFunctions(t: After, pipelines: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-interop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plugin = (name: string, type: string, fields: string) => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'plugin.yaml'), `name: ${name}\ntype: ${type}\ncommand: ["python3", ${JSON.stringify(RAW)}, "${type}"]\nfields:\n${fields}`);
  };
  plugin('raw_in', 'input', '  - { name: connect_backoff_ms, type: int, default: 0 }\n  - { name: batches, type: int, default: 3 }\n  - { name: size, type: int, default: 1 }\n  - { name: log, type: string, default: "" }\n  - { name: auto_replay, type: bool, default: true }\n');
  plugin('raw_out', 'output', '  - { name: log, type: string, default: "" }\n  - { name: never_close, type: bool, default: false }\n  - { name: max_in_flight, type: int, default: 4 }\n  - { name: batch_count, type: int, default: 0 }\n  - { name: refuse_once, type: string, default: "" }\n');
  mkdirSync(join(dir, 'raw_errors'));
  writeFileSync(join(dir, 'raw_errors', 'plugin.yaml'), `name: raw_errors\ntype: processor\ncommand: ["python3", ${JSON.stringify(RAW)}, "errors"]\n`);
  mkdirSync(join(dir, 'js_errors'));
  writeFileSync(join(dir, 'js_errors', 'plugin.yaml'), `name: js_errors\ntype: processor\ncommand: ["node", ${JSON.stringify(RAW_JS)}, "errors"]\n`);
  const jsPlugin = (name: string, type: string, fields: string) => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'plugin.yaml'), `name: ${name}\ntype: ${type}\ncommand: ["node", ${JSON.stringify(RAW_JS)}, "${type}"]\nfields:\n${fields}`);
  };
  jsPlugin('js_in', 'input', '  - { name: batches, type: int, default: 3 }\n  - { name: size, type: int, default: 1 }\n  - { name: log, type: string, default: "" }\n');
  jsPlugin('js_out', 'output', '  - { name: log, type: string }\n  - { name: refuse_once, type: string, default: "" }\n');
  for (const [name, text] of Object.entries(pipelines)) writeFileSync(join(dir, `${name}.yaml`), text);
  return dir;
}

export const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
