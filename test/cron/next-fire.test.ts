import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchedule } from '../../src/pipeline/cron/index.js';

const iso = (t: number | undefined): string => (t === undefined ? 'never' : new Date(t).toISOString().replace('.000Z', 'Z'));

/** The first `n` fires strictly after `after`. */
function fires(expr: string, after: string, n = 3): string[] {
  const s = parseSchedule(expr);
  const out: string[] = [];
  let t: number | undefined = Date.parse(after);
  for (let i = 0; i < n && t !== undefined; i++) {
    t = s.next(t);
    out.push(iso(t));
  }
  return out;
}

// Every syntax form, from a fixed instant (2025-01-01 was a Wednesday), in UTC unless TZ= says otherwise.
const cases: Array<{ expr: string; after: string; expect: string[]; why: string }> = [
  { expr: '* * * * *', after: '2025-01-01T00:00:30Z', expect: ['2025-01-01T00:01:00Z', '2025-01-01T00:02:00Z', '2025-01-01T00:03:00Z'], why: 'every minute, at second 0' },
  { expr: '* * * * * *', after: '2025-01-01T00:00:00.500Z', expect: ['2025-01-01T00:00:01Z', '2025-01-01T00:00:02Z', '2025-01-01T00:00:03Z'], why: 'six fields: seconds first' },
  { expr: '*/20 * * * * *', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T00:00:20Z', '2025-01-01T00:00:40Z', '2025-01-01T00:01:00Z'], why: 'step over the whole range, strictly after' },
  { expr: '0,30 */2 * * * *', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T00:00:30Z', '2025-01-01T00:02:00Z', '2025-01-01T00:02:30Z'], why: "Connect's documented example" },
  { expr: '5,10-12 9 * * *', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T09:05:00Z', '2025-01-01T09:10:00Z', '2025-01-01T09:11:00Z'], why: 'list and range' },
  { expr: '0 10-22/6 * * *', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T10:00:00Z', '2025-01-01T16:00:00Z', '2025-01-01T22:00:00Z'], why: 'range with step' },
  { expr: '0 20/2 * * *', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T20:00:00Z', '2025-01-01T22:00:00Z', '2025-01-02T20:00:00Z'], why: 'N/step runs from N to the maximum' },
  { expr: '0 9 * * MON-FRI', after: '2025-01-03T12:00:00Z', expect: ['2025-01-06T09:00:00Z', '2025-01-07T09:00:00Z', '2025-01-08T09:00:00Z'], why: 'weekday names skip the weekend' },
  { expr: '0 9 * * 1-5', after: '2025-01-03T12:00:00Z', expect: ['2025-01-06T09:00:00Z', '2025-01-07T09:00:00Z', '2025-01-08T09:00:00Z'], why: 'same with numbers' },
  { expr: '0 0 * * 7', after: '2025-01-01T00:00:00Z', expect: ['2025-01-05T00:00:00Z', '2025-01-12T00:00:00Z', '2025-01-19T00:00:00Z'], why: '7 is Sunday too' },
  { expr: '0 0 * * sun', after: '2025-01-01T00:00:00Z', expect: ['2025-01-05T00:00:00Z', '2025-01-12T00:00:00Z', '2025-01-19T00:00:00Z'], why: 'names are case-insensitive' },
  { expr: '0 0 1 JAN,jul *', after: '2025-01-01T00:00:00Z', expect: ['2025-07-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-07-01T00:00:00Z'], why: 'month names' },
  { expr: '0 0 1 FEB-APR/2 ?', after: '2025-01-01T00:00:00Z', expect: ['2025-02-01T00:00:00Z', '2025-04-01T00:00:00Z', '2026-02-01T00:00:00Z'], why: 'named range with step; ? is *' },
  { expr: '0 0 31 * *', after: '2025-01-31T00:00:00Z', expect: ['2025-03-31T00:00:00Z', '2025-05-31T00:00:00Z', '2025-07-31T00:00:00Z'], why: 'months without day 31 are skipped' },
  { expr: '0 0 29 2 *', after: '2025-01-01T00:00:00Z', expect: ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z', '2036-02-29T00:00:00Z'], why: 'Feb 29 only in leap years' },
  { expr: '0 0 29 2 *', after: '2096-03-01T00:00:00Z', expect: ['2104-02-29T00:00:00Z'], why: '2100 is not a leap year' },
  { expr: '0 0 13 * FRI', after: '2025-01-01T00:00:00Z', expect: ['2025-01-03T00:00:00Z', '2025-01-10T00:00:00Z', '2025-01-13T00:00:00Z'], why: 'both day fields restricted: either matches (OR)' },
  { expr: '0 0 */10 * FRI', after: '2025-01-01T00:00:00Z', expect: ['2025-01-31T00:00:00Z', '2025-02-21T00:00:00Z', '2025-03-21T00:00:00Z'], why: 'a day field starting with * counts as unrestricted: days 1,11,21,31 that are Fridays (AND)' },
  { expr: '0 0 ? * MON', after: '2025-01-01T00:00:00Z', expect: ['2025-01-06T00:00:00Z', '2025-01-13T00:00:00Z', '2025-01-20T00:00:00Z'], why: '? day-of-month defers to the weekday' },
  { expr: '@hourly', after: '2025-01-01T00:30:00Z', expect: ['2025-01-01T01:00:00Z', '2025-01-01T02:00:00Z', '2025-01-01T03:00:00Z'], why: 'descriptor' },
  { expr: '@daily', after: '2025-01-01T00:00:00Z', expect: ['2025-01-02T00:00:00Z', '2025-01-03T00:00:00Z', '2025-01-04T00:00:00Z'], why: 'descriptor' },
  { expr: '@midnight', after: '2025-01-01T12:00:00Z', expect: ['2025-01-02T00:00:00Z'], why: 'alias of @daily' },
  { expr: '@weekly', after: '2025-01-01T00:00:00Z', expect: ['2025-01-05T00:00:00Z', '2025-01-12T00:00:00Z'], why: 'Sunday midnight' },
  { expr: '@monthly', after: '2025-01-15T00:00:00Z', expect: ['2025-02-01T00:00:00Z', '2025-03-01T00:00:00Z'], why: 'descriptor' },
  { expr: '@yearly', after: '2025-01-15T00:00:00Z', expect: ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'], why: 'descriptor' },
  { expr: '@annually', after: '2025-01-15T00:00:00Z', expect: ['2026-01-01T00:00:00Z'], why: 'alias of @yearly' },
  { expr: '@every 1m30s', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T00:01:30Z', '2025-01-01T00:03:00Z'], why: 'a fixed delay' },
  { expr: '@every 200ms', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T00:00:00.200Z', '2025-01-01T00:00:00.400Z'], why: 'sub-second delays are kept (Connect rounds them up to 1s)' },
  { expr: '  0 12 * * *  ', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T12:00:00Z'], why: 'surrounding and repeated spaces are fine' },
  // Time zones, on the zone's wall clock.
  { expr: 'TZ=Europe/Berlin 0 9 * * *', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T08:00:00Z', '2025-01-02T08:00:00Z'], why: 'winter: UTC+1' },
  { expr: 'TZ=Europe/Berlin 0 9 * * *', after: '2025-07-01T00:00:00Z', expect: ['2025-07-01T07:00:00Z', '2025-07-02T07:00:00Z'], why: 'summer: UTC+2' },
  { expr: 'CRON_TZ=Asia/Kolkata 0 9 * * *', after: '2025-01-01T00:00:00Z', expect: ['2025-01-01T03:30:00Z'], why: 'CRON_TZ= too; half-hour offsets' },
  { expr: 'TZ=Europe/Berlin 30 2 * * *', after: '2025-03-29T12:00:00Z', expect: ['2025-03-31T00:30:00Z', '2025-04-01T00:30:00Z'], why: 'Berlin spring forward: 02:30 does not exist on Mar 30, skipped' },
  { expr: 'TZ=Europe/Berlin 30 2 * * *', after: '2025-10-25T12:00:00Z', expect: ['2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'], why: 'Berlin fall back: 02:30 happens twice on Oct 26, fires once (CEST)' },
  { expr: 'TZ=Europe/Berlin 0 * * * *', after: '2025-10-25T23:30:00Z', expect: ['2025-10-26T00:00:00Z', '2025-10-26T02:00:00Z', '2025-10-26T03:00:00Z'], why: 'hourly through fall back: 02:00 wall once, then 03:00' },
  { expr: 'TZ=Europe/Berlin 0 * * * *', after: '2025-03-30T00:30:00Z', expect: ['2025-03-30T01:00:00Z', '2025-03-30T02:00:00Z'], why: 'hourly through spring forward: 01:00 CET then 04:00 CEST (no 02:00)' },
  { expr: 'TZ=America/New_York 30 2 * * *', after: '2025-03-08T12:00:00Z', expect: ['2025-03-10T06:30:00Z'], why: 'New York spring forward: no 02:30 on Mar 9' },
  { expr: 'TZ=America/New_York */30 * * * *', after: '2025-03-09T06:40:00Z', expect: ['2025-03-09T07:00:00Z', '2025-03-09T07:30:00Z'], why: '01:40 EST, then 03:00 EDT 20 real minutes later (02:00 and 02:30 do not exist)' },
  { expr: 'TZ=America/New_York 30 1 * * *', after: '2025-11-01T12:00:00Z', expect: ['2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z'], why: 'New York fall back: 01:30 fires once, at EDT' },
  { expr: 'TZ=America/New_York 30 1 * * *', after: '2025-11-02T06:10:00Z', expect: ['2025-11-02T06:30:00Z', '2025-11-03T06:30:00Z'], why: 'started inside the repeated hour: the second 01:30 (EST) is the first this run sees' },
  { expr: 'TZ=America/New_York 0 0 * * SUN', after: '2025-01-01T00:00:00Z', expect: ['2025-01-05T05:00:00Z'], why: 'the weekday is the zone’s, not UTC’s' },
];

for (const c of cases) {
  test(`next fire: ${c.expr.trim()} after ${c.after} (${c.why})`, () => {
    assert.deepEqual(fires(c.expr, c.after, c.expect.length), c.expect);
  });
}

test('next fire: a schedule is a pure function of the instant (same input, same answer)', () => {
  const s = parseSchedule('TZ=America/New_York 0 9 * * MON-FRI');
  const at = Date.parse('2025-06-01T00:00:00Z');
  assert.equal(s.next(at), s.next(at));
  assert.equal(iso(s.next(at)), '2025-06-02T13:00:00Z');
});
