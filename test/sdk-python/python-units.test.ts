import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PYTHON, ROOT, SDK_PATH } from './python-plugin.js';

// The pure-Python unit tests (codec cross-checked against protobuf's own encoder, public API shapes).
test('python unit tests pass (python3 -m unittest)', async () => {
  const child = spawn(PYTHON, ['-m', 'unittest', 'discover', '-s', join(ROOT, 'test', 'sdk-python', 'unit'), '-v'], {
    env: { PATH: process.env.PATH ?? '', PYTHONPATH: SDK_PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0, out);
  assert.match(out, /Ran \d+ tests/);
  assert.doesNotMatch(out, /skipped=/);
});
