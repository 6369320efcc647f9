import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestLog } from '../../src/console/request-log.js';
import type { RequestRecord } from '../../src/host/index.js';

const rec = (time: number, ms: number, route = '/a', status = 200): RequestRecord => ({ time, ms, method: 'POST', path: route, route, stream: 's', status });

test('per-second points per route and for all routes: count, errors, p50 and p99; empty seconds are zeros', () => {
  const log = new RequestLog({ keep: 3, perFlush: 2 });
  const t0 = 1_000_000;
  for (let i = 1; i <= 100; i++) log.add(rec(t0 + i, i));
  log.add(rec(t0 + 10, 5, '/b', 500));
  log.add(rec(t0 + 2000, 1, '/b'));
  // Adding only stores: nothing is counted or kept before the flush.
  assert.deepEqual(log.recent(), []);
  assert.ok(log.flush());
  const points = log.closeSeconds(t0 + 3500);
  assert.deepEqual(points.map((p) => p.t), [1000, 1001, 1002]);
  const first = new Map(points[0]!.routes.map((r) => [r.route, r]));
  assert.deepEqual(first.get('/a'), { route: '/a', count: 100, errors: 0, p50: 51, p99: 100 });
  assert.deepEqual(first.get('/b'), { route: '/b', count: 1, errors: 1, p50: 5, p99: 5 });
  assert.equal(first.get('*')?.count, 101);
  assert.deepEqual(points[1]!.routes, []);
  assert.equal(points[2]!.routes.find((r) => r.route === '*')?.count, 1);
  // Closed seconds are not reported twice; the kept history has them all.
  assert.deepEqual(log.closeSeconds(t0 + 3600), []);
  assert.equal(log.history().length, 3);
  assert.equal(log.flush(), undefined);
  assert.deepEqual(log.recent().map((r) => r.time), [t0 + 100, t0 + 10, t0 + 2000]);
});

test('a flush hands pages the newest requests and the failures among the rest, and counts what it left out', () => {
  const log = new RequestLog({ perFlush: 2 });
  const t0 = 2_000_000;
  for (let i = 0; i < 10; i++) log.add(rec(t0 + i, 1, '/a', i === 3 || i === 5 ? 502 : 200));
  const batch = log.flush()!;
  assert.deepEqual(
    batch.requests.map((r) => [r.time - t0, r.status]),
    [
      [3, 502],
      [5, 502],
      [8, 200],
      [9, 200],
    ],
  );
  assert.equal(batch.skipped, 6);
  // Failures beyond the batch are counted as left out, newest kept.
  for (let i = 0; i < 5; i++) log.add(rec(t0 + 100 + i, 1, '/a', 500));
  assert.deepEqual(log.flush()!.requests.map((r) => r.time - t0), [101, 102, 103, 104]);
});

test('more requests than the ring holds between two flushes: all are counted, the newest are shown', () => {
  const log = new RequestLog({ ring: 4, perFlush: 2 });
  const t0 = Date.now();
  for (let i = 0; i < 10; i++) log.add(rec(t0 + i, 1));
  const batch = log.flush()!;
  assert.deepEqual(batch.requests.map((r) => r.time - t0), [8, 9]);
  assert.equal(batch.skipped, 8);
  assert.deepEqual(log.recent().map((r) => r.time - t0), [6, 7, 8, 9]);
  const all = log.closeSeconds(t0 + 2000).flatMap((p) => p.routes.filter((r) => r.route === '*'));
  assert.equal(all.reduce((n, r) => n + r.count, 0), 10);
});
