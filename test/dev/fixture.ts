import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitForPing, type CliProcess } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';

export const echoStream = 'input:\n  http_server:\n    path: /echo\npipeline:\n  processors:\n    - mapping: root = content().uppercase()\noutput:\n  sync_response: {}\n';

export const tsPlugin = (version: string): string => `import { processor } from 'hotplug/sdk';
processor((msg) => '${version}:' + msg.text());
`;

export const pyPlugin = (version: string): string => `import asyncio
from hotplug import Message, processor, processor_main

@processor
def greet_py(msg: Message) -> Message:
    msg.payload = "${version}:" + msg.as_text()
    return msg

if __name__ == "__main__":
    asyncio.run(processor_main(greet_py))
`;

export const manifest = (name: string, command: string[]): string => `name: ${name}
type: processor
command: ${JSON.stringify(command)}
`;

export const httpStream = (path: string, processors: string, output = '  sync_response: {}'): string => `input:
  http_server:
    path: ${path}
    timeout: 30s
pipeline:
  processors:
${processors}
output:
${output}
`;

/** A TS and a Python processor (greet_ts, greet_py), each on its own route (/ts, /py): relative path → text. */
export const twoPluginFiles: Record<string, string> = {
  'greet_ts/plugin.yaml': manifest('greet_ts', ['node', 'main.ts']),
  'greet_ts/main.ts': tsPlugin('ts-v1'),
  'greet_py/plugin.yaml': manifest('greet_py', ['python3', 'main.py']),
  'greet_py/main.py': pyPlugin('py-v1'),
  'ts.yaml': httpStream('/ts', '    - greet_ts: {}'),
  'py.yaml': httpStream('/py', '    - greet_py: {}'),
};

/**
 * A functions dir for dev-mode tests: a TS and a Python processor, each on its
 * own route, and a stream that batches its output with a long period into an
 * HTTP sink the test runs.
 */
export function writeDevFixture(dir: string, sinkUrl: string): void {
  writeFiles(dir, twoPluginFiles);
  writeFileSync(
    join(dir, 'batched.yaml'),
    httpStream(
      '/batched',
      '    - greet_ts: {}',
      `  http_client:\n    url: ${sinkUrl}\n    verb: POST\n    retries: 10\n    batching:\n      count: 100000\n      period: 1500ms`,
    ),
  );
}

/** Writes relative path → text under `dir`, creating folders. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

/** A temp functions dir served by `hotplug dev` on a free port; stopped and removed after the test. */
export async function devOn(t: { after(fn: () => unknown): void }, files: Record<string, string>, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ dir: string; dev: CliProcess; base: string; post(path: string, body: string): Promise<string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-devloop-'));
  writeFiles(dir, files);
  const port = await freePort();
  const dev = startCli(['dev', dir, '--port', String(port), ...args], { env: { CI: 'true', ...env } });
  t.after(async () => {
    await dev.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForPing(base);
  await waitFor(() => dev.stderr().includes('watching for changes'), { what: 'dev watching' });
  const post = async (path: string, body: string): Promise<string> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', body });
    return `${res.status} ${await res.text()}`;
  };
  return { dir, dev, base, post };
}
