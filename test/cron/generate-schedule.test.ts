import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDiagnostic } from '../../src/core/index.js';
import { checkStream, createCatalog } from '../../src/config/index.js';
import { createRegistry } from '../../src/pipeline/builtins.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { parseSchedule, type Schedule } from '../../src/pipeline/cron/index.js';
import { GenerateInput } from '../../src/pipeline/inputs/generate.js';
import { compileMapping } from '../../src/expr/index.js';
import { brief } from '../config/helpers.js';

const catalog = createCatalog(createRegistry().allSpecs());

function load(interval: string) {
  const text = `input:\n  generate:\n    mapping: 'root = "tick"'\n    interval: ${interval}\noutput:\n  drop: {}\n`;
  return checkStream(text, '/p/cron.yaml', { catalog, env: () => undefined });
}

test('generate.interval: bad cron expressions are load errors at the character, with the YAML path and a hint', () => {
  const cases: Array<[string, string, string]> = [
    // interval as written → `CODE line:col path`, part of the hint
    ['"*/0 * * * *"', 'E_INVALID_VALUE 4:18 input.generate.interval', 'a step is a whole number'],
    ["'0 9 * * MONDAY'", 'E_INVALID_VALUE 4:24 input.generate.interval', 'MON-FRI'],
    ['TZ=Mars/Olympus 0 9 * * *', 'E_INVALID_VALUE 4:18 input.generate.interval', 'TZ=Europe/Berlin'],
    ['0 0 30 2 *', 'E_INVALID_VALUE 4:19 input.generate.interval', 'never in FEB'],
    ['"@every 5 minutes"', 'E_INVALID_VALUE 4:23 input.generate.interval', '@every 5m'],
    ['10x', 'E_INVALID_VALUE 4:15 input.generate.interval', 'a duration like 5s'],
    ['5', 'E_WRONG_TYPE 4:15 input.generate.interval', 'write 5s'],
  ];
  for (const [interval, where, hint] of cases) {
    const errors = load(interval).diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, `${interval}: ${errors.map(formatDiagnostic).join('\n')}`);
    const d = errors[0] as (typeof errors)[0];
    assert.equal(brief(d), where, interval);
    assert.ok(d.hint?.includes(hint), `${interval}: hint ${d.hint}`);
  }
  const text = formatDiagnostic(load('"*/0 * * * *"').diagnostics[0] as never);
  assert.match(text, /^\/p\/cron\.yaml:4:18: invalid step '0' in minute '\*\/0' \(at input\.generate\.interval\)\n {2}hint: /);
});

test('generate.interval: durations, empty, cron and descriptors load; a schedule is compiled once, at load', () => {
  const interval = (s: string): unknown => {
    const res = load(s);
    assert.deepEqual(res.diagnostics, [], s);
    return (res.value?.input.config as { interval: unknown }).interval;
  };
  assert.equal(interval('250ms'), 250);
  assert.equal(interval('""'), 0);
  assert.equal(interval('0'), 0);
  for (const s of ['"*/1 * * * * *"', '"@every 200ms"', '"@hourly"', 'TZ=America/New_York 0 9 * * MON-FRI', "'0,30 */2 * * * *'"]) {
    const v = interval(s) as Schedule;
    assert.equal(typeof v.next, 'function', s);
  }
  assert.equal((interval('TZ=Europe/Berlin 0 9 * * *') as Schedule).next(Date.parse('2025-01-01T00:00:00Z')), Date.parse('2025-01-01T08:00:00Z'));
});

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const T0 = Date.parse('2025-01-01T00:00:03Z');
const mapping = compileMapping('root = "tick"');

/** Starts a read and reports whether it has finished, and with what. */
function read(input: GenerateInput, signal: AbortSignal) {
  const state: { done: boolean; texts: string[] | null } = { done: false, texts: null };
  const p = input.readBatch(signal).then((rr) => {
    state.done = true;
    state.texts = rr ? rr.batch.map((m) => m.text()) : null;
    void rr?.ack(undefined);
  });
  return { state, p };
}

test('generate on a schedule: the first batch at the first fire (not at start), then one per fire', async () => {
  const clock = new FakeClock(T0);
  const input = new GenerateInput({ mapping, interval: parseSchedule('*/10 * * * * *'), batch_size: 2 }, clock);
  const signal = new AbortController().signal;
  const first = read(input, signal);
  await clock.advanceAsync(6_999);
  assert.equal(first.state.done, false, 'nothing before :10');
  await clock.advanceAsync(1);
  assert.deepEqual(first.state.texts, ['tick', 'tick']);
  assert.equal(clock.t, Date.parse('2025-01-01T00:00:10Z'));
  const second = read(input, signal);
  await clock.advanceAsync(9_999);
  assert.equal(second.state.done, false);
  await clock.advanceAsync(1);
  assert.equal(second.state.done, true, 'fires at :20');
});

test('generate on a schedule: a fire missed while busy comes once, at the next read; the rest are dropped', async () => {
  const clock = new FakeClock(T0);
  const input = new GenerateInput({ mapping, interval: parseSchedule('*/10 * * * * *') }, clock);
  const signal = new AbortController().signal;
  const first = read(input, signal);
  await clock.advanceAsync(7_000);
  assert.equal(first.state.done, true);
  await clock.advanceAsync(25_000); // now :35; the :20 and :30 fires passed unread
  const late = read(input, signal);
  await settle();
  assert.equal(late.state.done, true, 'the missed fire is delivered at once');
  const next = read(input, signal);
  await clock.advanceAsync(4_999);
  assert.equal(next.state.done, false, 'no burst: the next is :40');
  await clock.advanceAsync(1);
  assert.equal(next.state.done, true);
});

test('generate on a schedule: stopping between fires ends the read at once and leaves no timer', async () => {
  const clock = new FakeClock(T0);
  const input = new GenerateInput({ mapping, interval: parseSchedule('@yearly') }, clock);
  const ac = new AbortController();
  const r = read(input, ac.signal);
  await settle();
  assert.deepEqual(clock.delays, [60_000], 'a long wait is taken in steps of at most a minute');
  ac.abort(new Error('stop'));
  await r.p;
  assert.equal(r.state.done, true);
  assert.equal(r.state.texts, null, 'the input ends');
  assert.deepEqual(clock.delays, [], 'the timer is cleared');
});

test('generate on a schedule: count ends the input after that many messages', async () => {
  const clock = new FakeClock(T0);
  const input = new GenerateInput({ mapping, interval: parseSchedule('@every 1s'), count: 2 }, clock);
  const signal = new AbortController().signal;
  const seen: Array<string[] | null> = [];
  for (let i = 0; i < 3; i++) {
    const r = read(input, signal);
    await clock.advanceAsync(1_000);
    await r.p;
    seen.push(r.state.texts);
  }
  assert.deepEqual(seen, [['tick'], ['tick'], null]);
});
