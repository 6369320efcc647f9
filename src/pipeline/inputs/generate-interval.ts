import { parseDuration } from '../../core/duration.js';
import { CRON_EXAMPLES, CronError, parseSchedule, type Schedule } from '../cron/index.js';

/**
 * Reads `generate.interval` as Redpanda Connect does: an empty string means
 * as fast as downstream takes them (0), a duration is milliseconds, anything
 * else must be a cron expression. Throws CronError (with the offset in the
 * text of what is wrong, and a hint).
 */
export function parseInterval(text: string): number | Schedule {
  if (text.trim() === '') return 0;
  const ms = parseDuration(text);
  if (ms !== undefined) return ms;
  // One word that is neither a duration nor a descriptor was most likely meant as a duration.
  if (!/\s/.test(text.trim()) && !text.trim().startsWith('@')) {
    throw new CronError(`'${text}' is neither a duration nor a cron expression`, text.search(/\S/), `write a duration like 5s or 100ms (units: ns, us, ms, s, m, h), or a cron expression, ${CRON_EXAMPLES}`);
  }
  return parseSchedule(text);
}
