import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Message } from '../../src/core/index.js';
import { batchOf, build, createTestContext, interp, mapping } from './helpers.js';

function captureLogger(level = 'trace') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

test('log: one line per message at the level, message interpolated, fields from fields_mapping', async () => {
  const { log, lines } = captureLogger();
  const ctx = createTestContext({}, log);
  const p = build(
    'log',
    {
      level: 'WARN',
      message: interp((b, i) => `got ${b[i]!.text()}`),
      fields_mapping: mapping((b, i) => Message.structured({ len: b[i]!.byteSize() })),
    },
    ctx,
  );
  const batch = batchOf('a', 'bcd');
  const out = await p.processBatch(batch);
  assert.equal(out[0], batch, 'the batch passes unchanged');
  await until(() => lines.length === 2, 'two log lines');
  assert.deepEqual(lines.map((l) => [l['level'], l['msg'], l['len']]), [
    [40, 'got a', 1],
    [40, 'got bcd', 3],
  ]);
});

test('log: a failing interpolation is logged, the message is not flagged; NONE logs nothing', async () => {
  const { log, lines } = captureLogger();
  const ctx = createTestContext({}, log);
  const p = build('log', { level: 'INFO', message: interp(() => { throw new Error('bad expr'); }) }, ctx);
  const [out] = await p.processBatch(batchOf('a'));
  assert.equal(out![0]!.error, undefined);
  await until(() => lines.length === 1, 'the error line');
  assert.equal(lines[0]!['err'], 'bad expr');
  await build('log', { level: 'NONE', message: 'x' }, ctx).processBatch(batchOf('a'));
  await build('log', { level: 'TRACE', message: 'quiet' }, createTestContext({}, captureLogger('info').log)).processBatch(batchOf('a'));
  assert.equal(lines.length, 1);
});

test('sleep: waits the interpolated duration per message; a bad duration flags it', async () => {
  const p = build('sleep', { duration: interp((b, i) => b[i]!.text()) });
  const started = process.hrtime.bigint();
  const [out] = await p.processBatch(batchOf('30ms', '20ms', 'soon'));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(elapsedMs >= 45, `slept ${elapsedMs}ms for 50ms of durations`);
  assert.deepEqual(out!.map((m) => m.error), [undefined, undefined, 'sleep: "soon" is not a duration (e.g. 100ms, 1.5s)']);
});

test('sleep: close cuts a pending sleep short', async () => {
  const p = build('sleep', { duration: '1h' });
  const pending = p.processBatch(batchOf('a'));
  await p.close();
  const [out] = await pending;
  assert.equal(out![0]!.text(), 'a');
});
