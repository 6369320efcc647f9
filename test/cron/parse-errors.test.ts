import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronError, parseSchedule } from '../../src/pipeline/cron/index.js';
import { parseInterval } from '../../src/pipeline/inputs/generate-interval.js';

/** Each bad expression: the message (part of it), where (0-based offset, shown as a caret), and the hint (part). */
const cases: Array<{ expr: string; message: string; at: string; hint: string }> = [
  { expr: '*/0 * * * *', message: "invalid step '0' in minute", at: '  ^', hint: 'a step is a whole number of 1 or more' },
  { expr: '0 */x * * *', message: "invalid step 'x' in hour", at: '    ^', hint: 'e.g. */5' },
  { expr: '61 * * * *', message: 'minute 61 is out of range 0-59', at: '^', hint: 'minute takes 0-59' },
  { expr: '0 24 * * *', message: 'hour 24 is out of range 0-23', at: '  ^', hint: 'hour takes 0-23' },
  { expr: '0 0 0 * *', message: 'day-of-month 0 is out of range 1-31', at: '    ^', hint: 'day-of-month takes 1-31' },
  { expr: '0 0 1 13 *', message: 'month 13 is out of range 1-12', at: '      ^', hint: 'JAN-DEC' },
  { expr: '0 0 * * 8', message: 'day-of-week 8 is out of range 0-7', at: '        ^', hint: 'SUN-SAT' },
  { expr: '* * * * JANUARY', message: "'JANUARY' is not a valid day-of-week", at: '        ^', hint: 'MON-FRI' },
  { expr: '* * * FOO *', message: "'FOO' is not a valid month", at: '      ^', hint: 'JAN-MAR' },
  { expr: '5-1 * * * *', message: 'minute range 5-1 runs backwards', at: '^', hint: 'smaller value first' },
  { expr: '1,,2 * * * *', message: 'empty list item in minute', at: '  ^', hint: 'lists a,b' },
  { expr: '1- * * * *', message: 'a missing value is not a valid minute', at: '  ^', hint: 'ranges a-b' },
  { expr: '1 2 3', message: 'has 5 fields', at: '^', hint: "'*/5 * * * *'" },
  { expr: '1 2 3 4 5 6 7', message: 'found 7', at: '            ^', hint: 'separate the fields with spaces' },
  { expr: '0 0 30 2 *', message: 'never fires', at: '    ^', hint: '30 is never in FEB' },
  { expr: '0 0 31 4,6,9,11 *', message: 'never fires', at: '    ^', hint: '31 only in' },
  { expr: 'TZ=Mars/Olympus 0 * * * *', message: "unknown time zone 'Mars/Olympus'", at: '   ^', hint: 'TZ=Europe/Berlin' },
  { expr: 'TZ=Europe/Berln 0 9 * * *', message: "unknown time zone 'Europe/Berln'", at: '   ^', hint: 'did you mean TZ=Europe/Berlin?' },
  { expr: 'TZ=Europe/Berlin', message: 'a time zone with no schedule after it', at: '                ^', hint: 'write a schedule' },
  { expr: 'TZ=Europe/Berlin 0 61 * * *', message: 'hour 61', at: '                   ^', hint: 'hour takes' },
  { expr: '@fortnightly', message: "unknown schedule '@fortnightly'", at: '^', hint: '@weekly' },
  { expr: '@daily 5', message: "unknown schedule '@daily'", at: '       ^', hint: '@every <duration>' },
  { expr: '@every', message: "'@every' needs one duration above zero", at: '^', hint: '@every 5m' },
  { expr: '@every 5 minutes', message: "'@every' needs one duration", at: '       ^', hint: '@every 1h30m' },
  { expr: '@every 5s 10s', message: "'@every' needs one duration", at: '          ^', hint: '@every 5m' },
  { expr: '@every 0s', message: 'above zero', at: '       ^', hint: 'units: ms, s, m, h' },
];

for (const c of cases) {
  test(`cron error: ${JSON.stringify(c.expr)} → ${c.message}`, () => {
    let caught: unknown;
    try {
      parseSchedule(c.expr);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof CronError, `expected a CronError for ${c.expr}`);
    assert.match(caught.message, new RegExp(c.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(`${' '.repeat(caught.offset)}^`, c.at, `offset in ${JSON.stringify(c.expr)}`);
    assert.ok(caught.hint.includes(c.hint), `hint ${JSON.stringify(caught.hint)} should include ${JSON.stringify(c.hint)}`);
  });
}

test('interval: empty is as fast as possible, durations are ms, anything else is a schedule', () => {
  assert.equal(parseInterval(''), 0);
  assert.equal(parseInterval('0'), 0);
  assert.equal(parseInterval('1m30s'), 90_000);
  assert.equal(parseInterval('250ms'), 250);
  const s = parseInterval('TZ=Europe/Berlin 0 9 * * *');
  assert.equal(typeof s, 'object');
  assert.equal((s as { source: string }).source, 'TZ=Europe/Berlin 0 9 * * *');
  assert.equal(typeof parseInterval('@every 1s'), 'object');
  assert.throws(() => parseInterval('10x'), (err: CronError) => err.message.includes('neither a duration nor a cron expression') && err.hint.includes('5s'));
});
