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
