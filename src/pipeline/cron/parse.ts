import { parseDuration } from '../../core/duration.js';
import { CRON_EXAMPLES, CronError } from './error.js';
import { DAY_OF_MONTH, DAY_OF_WEEK, HOUR, MINUTE, MONTH, parseField, SECOND } from './fields.js';
import { CronSchedule, EverySchedule, type CronFields, type Schedule } from './schedule.js';
import { UTC, zoneNamed, type Zone } from './zone.js';
import { zoneHint } from './zone-hint.js';

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

// Days each month can have (February in a leap year).
const MONTH_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses a schedule as robfig/cron (and so Redpanda Connect's `generate`)
 * reads it: `[TZ=Area/City ]` then 5 fields (minute hour day-of-month month
 * day-of-week), 6 fields (seconds first), a descriptor (`@hourly`, `@daily`,
 * `@weekly`, `@monthly`, `@yearly`) or `@every <duration>`. Without `TZ=` the
 * schedule runs in UTC, as in Connect. Throws CronError.
 */
export function parseSchedule(text: string): Schedule {
  let zone: Zone = UTC;
  let rest = 0;
  const tz = /^(\s*)((?:CRON_)?TZ=)(\S*)/.exec(text);
  if (tz) {
    const nameAt = (tz[1] as string).length + (tz[2] as string).length;
    const name = tz[3] as string;
    try {
      zone = zoneNamed(name);
    } catch {
      throw new CronError(`unknown time zone '${name}'`, nameAt, zoneHint(name));
    }
    rest = nameAt + name.length;
  }
  const tokens: Token[] = [...text.slice(rest).matchAll(/\S+/g)].map((m) => ({ text: m[0], at: rest + m.index }));
  const first = tokens[0];
  if (!first) throw new CronError(tz ? 'a time zone with no schedule after it' : 'an empty schedule', text.length, `write a schedule, ${CRON_EXAMPLES}`);
  if (first.text.startsWith('@')) return descriptor(text, zone, tokens);
  if (tokens.length !== 5 && tokens.length !== 6) {
    const extra = tokens[6];
    throw new CronError(
      `a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), found ${tokens.length}`,
      extra?.at ?? first.at,
      `separate the fields with spaces, ${CRON_EXAMPLES}`,
    );
  }
  const fields = parseFields(tokens.length === 6 ? tokens : [{ text: '0', at: first.at }, ...tokens]);
  neverFires(fields, tokens[tokens.length - 3]?.at ?? first.at);
  return new CronSchedule(text.trim(), zone, fields);
}

interface Token {
  text: string;
  at: number;
}

function parseFields(t: readonly Token[]): CronFields {
  const [second, minute, hour, dom, month, dow] = [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK].map((def, i) => {
    const tok = t[i] as Token;
    return parseField(tok.text, def, tok.at);
  });
  return { second, minute, hour, dom, month, dow } as CronFields;
}

function descriptor(text: string, zone: Zone, tokens: readonly Token[]): Schedule {
  const [first, arg, extra] = tokens as [Token, ...Token[]];
  if (first.text === '@every') {
    const ms = arg ? parseDuration(arg.text) : undefined;
    if (!arg || ms === undefined || ms <= 0 || extra) {
      const where = !arg ? first : ms === undefined || ms <= 0 ? arg : (extra as Token);
      throw new CronError(`'@every' needs one duration above zero`, where.at, "write e.g. '@every 5m' or '@every 1h30m' (units: ms, s, m, h)");
    }
    return new EverySchedule(text.trim(), ms);
  }
  const expr = DESCRIPTORS[first.text.toLowerCase()];
  if (expr === undefined || arg) {
    throw new CronError(`unknown schedule '${first.text}'`, (arg ?? first).at, `use one of ${Object.keys(DESCRIPTORS).join(', ')} or '@every <duration>'`);
  }
  return new CronSchedule(text.trim(), zone, parseFields(expr.split(' ').map((f) => ({ text: f, at: first.at }))));
}

// `0 0 30 2 *` parses but never fires: say so at load rather than wait forever.
function neverFires(f: CronFields, domAt: number): void {
  if (!f.dom.star && !f.dow.star) return;
  for (let m = 1; m <= 12; m++) {
    if (!f.month.on[m]) continue;
    for (let d = 1; d <= (MONTH_DAYS[m] as number); d++) if (f.dom.on[d]) return;
  }
  throw new CronError('this schedule never fires: no selected month has the selected day of month', domAt, 'check day-of-month against the months, e.g. 30 is never in FEB; 31 only in JAN, MAR, MAY, JUL, AUG, OCT, DEC');
}
