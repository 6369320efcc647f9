import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { drainLines, LineTail, MAX_LINE_BYTES } from '../../src/plugin/log-drain.js';
import { captureLogger, until } from './helpers.js';

test('lines split across chunks are joined; a last line without newline is flushed at end', async () => {
  const { log, lines } = captureLogger();
  const s = new PassThrough();
  const tail = new LineTail();
  drainLines(s, log, 'stderr', tail);
  s.write('hel');
  s.write('lo\r\nwor');
  s.write('ld\n\npartial');
  s.end();
  await until('end flushed', () => lines().some((l) => l['msg'] === 'partial'));
  assert.deepEqual(lines().map((l) => [l['msg'], l['source']]), [['hello', 'stderr'], ['world', 'stderr'], ['partial', 'stderr']]);
  assert.equal(tail.text(), 'hello\nworld\npartial');
});

test('JSON object lines keep their fields and level; other JSON stays text', async () => {
  const { log, lines } = captureLogger();
  const s = new PassThrough();
  drainLines(s, log, 'stdout');
  s.end('{"level":"error","message":"model failed","model":"m1"}\n[1,2]\n{"msg":"debugging","level":20}\n');
  await until('three lines', () => lines().length === 3);
  const [a, b, c] = lines();
  assert.deepEqual([a?.['level'], a?.['msg'], a?.['model']], [50, 'model failed', 'm1']);
  assert.deepEqual([b?.['level'], b?.['msg']], [30, '[1,2]']);
  assert.deepEqual([c?.['level'], c?.['msg']], [20, 'debugging']);
});

test('a line longer than the cap is cut and counted, and the next line is intact', async () => {
  const { log, lines } = captureLogger();
  const s = new PassThrough();
  drainLines(s, log, 'stderr');
  const long = 'y'.repeat(MAX_LINE_BYTES * 3 + 5);
  for (let i = 0; i < long.length; i += 10_000) s.write(long.slice(i, i + 10_000));
  s.end('\nnext\n');
  await until('both lines', () => lines().length === 2);
  const [cut, next] = lines();
  assert.equal((cut?.['msg'] as string).length, MAX_LINE_BYTES);
  assert.equal(cut?.['truncatedBytes'], MAX_LINE_BYTES * 2 + 5);
  assert.equal(next?.['msg'], 'next');
});

test("a line up to Connect's 512 KiB arrives whole (a JSON line keeps its fields); longer ones are cut at 512 KiB", async () => {
  const { log, lines } = captureLogger();
  const s = new PassThrough();
  drainLines(s, log, 'stderr');
  const big = 'z'.repeat(400 * 1024);
  s.write(`${JSON.stringify({ level: 'warn', msg: big, n: 1 })}\n`);
  s.end(`${'q'.repeat(600 * 1024)}\n`);
  await until('both lines', () => lines().length === 2);
  const [whole, cut] = lines();
  assert.equal((whole?.['msg'] as string).length, big.length);
  assert.deepEqual([whole?.['level'], whole?.['n'], whole?.['truncatedBytes']], [40, 1, undefined]);
  assert.equal((cut?.['msg'] as string).length, 512 * 1024);
  assert.equal(cut?.['truncatedBytes'], 600 * 1024 - 512 * 1024);
});
