import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../helpers/fake-clock.js';
import { LocalRateLimit, RateLimits } from '../../src/pipeline/rate-limit.js';


const flush = () => new Promise<void>((r) => setImmediate(r));

test('local rate limit: count accesses per window, then the time left; a new window refills', () => {
  const clock = new FakeClock();
  const rl = new LocalRateLimit(3, 1000, clock);
  assert.deepEqual([rl.access(), rl.access(), rl.access()], [0, 0, 0]);
  assert.equal(rl.access(), 1000, 'exhausted at the window start: a whole interval to wait');
  clock.advance(400);
  assert.equal(rl.access(), 600);
  clock.advance(599);
  assert.equal(rl.access(), 1);
  clock.advance(1);
  assert.deepEqual([rl.access(), rl.access(), rl.access(), rl.access()], [0, 0, 0, 1000], 'the window rolled over at exactly the interval');
});

test('local rate limit: after an idle spell a window grants count, not the old leftovers plus count', () => {
  const clock = new FakeClock();
  const rl = new LocalRateLimit(3, 1000, clock);
  assert.equal(rl.access(), 0);
  clock.advance(5000);
  const granted = [1, 2, 3, 4, 5].map(() => rl.access()).filter((w) => w === 0).length;
  assert.equal(granted, 3);
});

test('local rate limit: wait() resolves in the next window and rejects when its signal aborts', async () => {
  const clock = new FakeClock();
  const rl = new LocalRateLimit(1, 1000, clock);
  const ac = new AbortController();
  await rl.wait(ac.signal);
  let done = false;
  const second = rl.wait(ac.signal).then(() => (done = true));
  await flush();
  assert.equal(done, false);
  clock.advance(999);
  await flush();
  assert.equal(done, false, 'still inside the first window');
  clock.advance(1);
  await second;
  assert.equal(clock.t, 1000);

  const third = rl.wait(ac.signal);
  await flush();
  assert.equal(clock.pending, 1);
  ac.abort(new Error('closing'));
  await assert.rejects(third, /closing/);
  assert.equal(clock.pending, 0, 'the timer is cleared');
});

test('rate limits: one instance per label, shared; an unknown label throws', () => {
  const location = { file: '/p.yaml' };
  const limits = new RateLimits(new Map([['api', { label: 'api', count: 2, intervalMs: 50, location }]]), new FakeClock());
  assert.equal(limits.get('api'), limits.get('api'));
  assert.throws(() => limits.get('nope'), /unknown rate limit resource 'nope'/);
});
