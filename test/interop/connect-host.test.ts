import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { resolvePython } from '../../src/plugin/python.js';
import { runCli } from '../helpers/cli.js';
import { interopDir } from './helpers.js';

type After = { after(fn: () => void): void };

const temp = (t: After, prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

/** hotplug plugins written with both SDKs: re-set every metadata entry (re-encoding it), fail the message "fail". */
function sdkPlugins(t: After): string {
  const dir = temp(t, 'hotplug-reverse-');
  mkdirSync(join(dir, 'echo_ts'));
  writeFileSync(join(dir, 'echo_ts', 'plugin.yaml'), 'name: echo_ts\ntype: processor\ncommand: ["node", "main.ts"]\ninstances: 2\n');
  writeFileSync(
    join(dir, 'echo_ts', 'main.ts'),
    "import { processor } from 'hotplug/sdk';\n\nprocessor((msg) => {\n  if (msg.text() === 'fail') throw new Error('cannot handle fail');\n  for (const [k, v] of [...msg.metadata]) msg.metadata.set(k, v);\n});\n",
  );
  mkdirSync(join(dir, 'echo_py'));
  writeFileSync(join(dir, 'echo_py', 'plugin.yaml'), 'name: echo_py\ntype: processor\ncommand: ["python3", "main.py"]\n');
  writeFileSync(
    join(dir, 'echo_py', 'main.py'),
    [
      'import asyncio',
      'from hotplug import Message, processor, processor_main',
      '',
      '@processor',
      'def echo(msg: Message) -> Message:',
      '    if msg.as_text() == "fail":',
      '        raise ValueError("cannot handle fail")',
      '    for k, v in list(msg.metadata.items()):',
      '        msg.metadata[k] = v',
      '    return msg',
      '',
      'if __name__ == "__main__":',
      '    asyncio.run(processor_main(echo))',
      '',
    ].join('\n'),
  );
  return dir;
}

interface Report {
  init_error: string;
  batch_error: string;
  messages: Array<{ payload: string; error: string; metadata: Record<string, unknown> }>;
  close_error: string;
  exit_code: number;
  stderr: string;
}

async function underConnectStyleHost(pluginDir: string): Promise<Report> {
  const command = (parse(readFileSync(join(pluginDir, 'plugin.yaml'), 'utf8')) as { command: string[] }).command;
  // `python3` must be one with grpcio, for the host script and for the plugin it starts (as on a Connect machine).
  const python = await resolvePython();
  const env = { ...process.env, PATH: `${dirname(python)}:${process.env['PATH'] ?? ''}` };
  const { stdout } = await promisify(execFile)(python, [join(interopDir, 'connect_host.py'), pluginDir, JSON.stringify(command)], { timeout: 90_000, env });
  return JSON.parse(stdout) as Report;
}

test('hotplug bundle --format connect: SDK plugins start unchanged under a Connect-style host (grpcio, from proto/), keep every value kind, report failures as Connect reads them, exit 0 on Close then SIGTERM', async (t) => {
  const dir = sdkPlugins(t);
  const out = join(temp(t, 'hotplug-connect-out-'), 'plugins');
  const res = await runCli(['bundle', dir, '--format', 'connect', '--out', out]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /echo_ts: dropped hotplug's 'instances'/);
  // The TS plugin runs compiled, with the SDK inlined; the Python one with the SDK vendored.
  assert.deepEqual((parse(readFileSync(join(out, 'echo_ts', 'plugin.yaml'), 'utf8')) as { command: string[] }).command, ['node', 'main.mjs']);
  assert.ok(readFileSync(join(out, 'echo_py', 'hotplug', '__init__.py')).length > 0);

  for (const name of ['echo_ts', 'echo_py']) {
    const r = await underConnectStyleHost(join(out, name));
    assert.equal(r.init_error, '', `${name}: ${r.stderr}`);
    // Connect reads only the batch-level error: a flagged message must show there, or it would flow on as a success.
    assert.match(r.batch_error, /^1 of 3 messages failed: .*cannot handle fail/, name);
    assert.deepEqual(r.messages.map((m) => [m.payload, m.error !== '']), [['ok-1', false], ['fail', true], ['ok-2', false]], name);
    const ok = r.messages[0]!.metadata;
    assert.deepEqual(ok, {
      d: { double: '2.0' },
      i: { integer: '2' },
      big: { integer: '4611686018427387905' },
      b: { bytes: '0102' },
      ts: { timestamp: '1700000000.123456789' },
    }, `${name} re-encoded its metadata`);
    assert.equal(r.close_error, '', name);
    assert.equal(r.exit_code, 0, `${name} exits 0 on Close then SIGTERM: ${r.stderr}`);
  }
});
