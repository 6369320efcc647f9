import { Double } from '../core/value.js';
import { ExprRuntimeError } from './errors.js';
import { type MethodSpec, simpleMethod } from './registry.js';
import { type Result, asString, typeError } from './runtime.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A timestamp from a Date, an RFC 3339 string or a number of Unix seconds. */
export function toDate(v: Result, n: string): Date {
  let d: Date | undefined;
  if (v instanceof Date) d = v;
  else if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Double) d = new Date(Number(v) * 1000);
  else if (typeof v === 'string' && /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/i.test(v)) d = new Date(v);
  else throw typeError('timestamp (an RFC 3339 string or Unix seconds)', v, n);
  if (Number.isNaN(d.getTime())) throw new ExprRuntimeError(`${n}: ${JSON.stringify(v)} is not a valid timestamp`);
  return d;
}

const pad = (x: number, w = 2): string => String(x).padStart(w, '0');

/**
 * Go reference-time layout chunks ("2006-01-02T15:04:05Z07:00"), longest
 * first so "2006" wins over "2" and "January" over "Jan". Times are UTC.
 */
const CHUNKS: Array<[string, (d: Date) => string]> = [
  ['January', (d) => MONTHS[d.getUTCMonth()] as string],
  ['Monday', (d) => DAYS[d.getUTCDay()] as string],
  ['Z07:00', () => 'Z'],
  ['-07:00', () => '+00:00'],
  ['.000000000', (d) => `.${pad(d.getUTCMilliseconds(), 3)}000000`],
  ['.000000', (d) => `.${pad(d.getUTCMilliseconds(), 3)}000`],
  ['.000', (d) => `.${pad(d.getUTCMilliseconds(), 3)}`],
  ['.999999999', (d) => fraction(d)],
  ['.999999', (d) => fraction(d)],
  ['.999', (d) => fraction(d)],
  ['Z0700', () => 'Z'],
  ['-0700', () => '+0000'],
  ['2006', (d) => pad(d.getUTCFullYear(), 4)],
  ['Jan', (d) => (MONTHS[d.getUTCMonth()] as string).slice(0, 3)],
  ['Mon', (d) => (DAYS[d.getUTCDay()] as string).slice(0, 3)],
  ['MST', () => 'UTC'],
  ['Z07', () => 'Z'],
  ['-07', () => '+00'],
  ['002', (d) => pad(dayOfYear(d), 3)],
  ['_2', (d) => String(d.getUTCDate()).padStart(2, ' ')],
  ['01', (d) => pad(d.getUTCMonth() + 1)],
  ['02', (d) => pad(d.getUTCDate())],
  ['03', (d) => pad(hour12(d))],
  ['04', (d) => pad(d.getUTCMinutes())],
  ['05', (d) => pad(d.getUTCSeconds())],
  ['06', (d) => pad(d.getUTCFullYear() % 100)],
  ['15', (d) => pad(d.getUTCHours())],
  ['PM', (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM')],
  ['pm', (d) => (d.getUTCHours() < 12 ? 'am' : 'pm')],
  ['1', (d) => String(d.getUTCMonth() + 1)],
  ['2', (d) => String(d.getUTCDate())],
  ['3', (d) => String(hour12(d))],
  ['4', (d) => String(d.getUTCMinutes())],
  ['5', (d) => String(d.getUTCSeconds())],
];

function hour12(d: Date): number {
  const h = d.getUTCHours() % 12;
  return h === 0 ? 12 : h;
}

function dayOfYear(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

function fraction(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? '' : `.${pad(ms, 3).replace(/0+$/, '')}`;
}

/** Formats a date with a Go layout, in UTC. */
export function formatGo(d: Date, layout: string): string {
  let out = '';
  let i = 0;
  outer: while (i < layout.length) {
    for (const [chunk, render] of CHUNKS) {
      if (layout.startsWith(chunk, i)) {
        out += render(d);
        i += chunk.length;
        continue outer;
      }
    }
    out += layout[i];
    i++;
  }
  return out;
}

export const TIME_METHODS: Record<string, MethodSpec> = {
  ts_format: simpleMethod([0, 1], (v, [layout], n) => formatGo(toDate(v, n), layout === undefined ? '2006-01-02T15:04:05.999999999Z07:00' : asString(layout, n)), 'ts_format()'),
  ts_unix: simpleMethod([0, 0], (v, _a, n) => Math.floor(toDate(v, n).getTime() / 1000), 'ts_unix()'),
  ts_unix_milli: simpleMethod([0, 0], (v, _a, n) => toDate(v, n).getTime(), 'ts_unix_milli()'),
};
