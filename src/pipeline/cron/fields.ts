import { CronError } from './error.js';

/** One field of a cron expression: its range and, for months and weekdays, names. */
export interface FieldDef {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for min, min+1, ... (upper case). */
  readonly names?: readonly string[];
  readonly example: string;
}

export const SECOND: FieldDef = { name: 'second', min: 0, max: 59, example: '0,30' };
export const MINUTE: FieldDef = { name: 'minute', min: 0, max: 59, example: '*/15' };
export const HOUR: FieldDef = { name: 'hour', min: 0, max: 23, example: '9-17' };
export const DAY_OF_MONTH: FieldDef = { name: 'day-of-month', min: 1, max: 31, example: '1,15' };
export const MONTH: FieldDef = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  example: 'JAN-MAR',
};
/** 0 and 7 are both Sunday, as in Vixie cron (robfig/cron accepts 0-6 only). */
export const DAY_OF_WEEK: FieldDef = { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], example: 'MON-FRI' };

/** The values a field selects (indexed by value), and whether it was written as `*` or `?`. */
export interface FieldSet {
  readonly on: Uint8Array;
  readonly star: boolean;
}

/**
 * Parses one field: a comma-separated list of `*`, `?`, `N`, `A-B`, each
 * optionally with `/STEP` (`N/STEP` runs from N to the field's maximum).
 * `at` is the field's offset in the whole expression, for errors.
 */
export function parseField(text: string, def: FieldDef, at: number): FieldSet {
  const on = new Uint8Array(def.max + 1);
  let star = false;
  let from = 0;
  for (const part of text.split(',')) {
    const partAt = at + from;
    from += part.length + 1;
    if (part === '') throw fieldError(def, `empty list item in ${def.name} '${text}'`, partAt);
    const slash = part.indexOf('/');
    const range = slash < 0 ? part : part.slice(0, slash);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      star = true;
      lo = def.min;
      hi = def === DAY_OF_WEEK ? 6 : def.max;
    } else {
      const dash = range.indexOf('-', 1);
      lo = value(range.slice(0, dash < 0 ? range.length : dash), def, partAt);
      hi = dash < 0 ? lo : value(range.slice(dash + 1), def, partAt + dash + 1);
      if (dash < 0 && slash >= 0) hi = def === DAY_OF_WEEK ? 6 : def.max;
      if (lo > hi) throw fieldError(def, `${def.name} range ${range} runs backwards`, partAt, `write the smaller value first, e.g. ${def.example}`);
    }
    let step = 1;
    if (slash >= 0) {
      const stepText = part.slice(slash + 1);
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw fieldError(def, `invalid step '${stepText}' in ${def.name} '${part}'`, partAt + slash + 1, 'a step is a whole number of 1 or more, e.g. */5');
      }
      step = Number(stepText);
    }
    for (let v = lo; v <= hi; v += step) on[v] = 1;
  }
  if (def === DAY_OF_WEEK && on[7]) {
    on[0] = 1;
    on[7] = 0;
  }
  return { on, star };
}

function value(text: string, def: FieldDef, at: number): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < def.min || n > def.max) throw fieldError(def, `${def.name} ${n} is out of range ${def.min}-${def.max}`, at);
    return n;
  }
  const i = def.names?.indexOf(text.toUpperCase()) ?? -1;
  if (i >= 0) return def.min + i;
  const what = text === '' ? 'a missing value' : `'${text}'`;
  throw fieldError(def, `${what} is not a valid ${def.name}`, at);
}

function fieldError(def: FieldDef, message: string, at: number, hint?: string): CronError {
  const names = def.names ? ` or ${def.names[0]}-${def.names[def.names.length - 1]}` : '';
  const dflt = `${def.name} takes ${def.min}-${def.max}${names}, *, lists a,b, ranges a-b and steps */n, e.g. ${def.example}`;
  return new CronError(message, at, hint ?? dflt);
}
