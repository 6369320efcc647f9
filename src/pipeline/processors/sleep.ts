import { setTimeout as delay } from 'node:timers/promises';
import { parseDuration, type ProcessorDef, type SpecProblem } from '../../core/index.js';
import { interpolate, isStatic, type Interpolated } from '../expr.js';
import { flag } from './expr.js';
import { onceClose } from './exec.js';

/**
 * Sleeps `duration` (interpolated per message) for each message in turn, then
 * passes the batch on. A duration that does not parse flags its message.
 * Closing cuts pending sleeps short, so a draining stream is not held up.
 */
export const sleepDef: ProcessorDef = {
  spec: {
    name: 'sleep',
    kind: 'processor',
    summary: 'Sleeps for a duration per message.',
    fields: [{ name: 'duration', type: 'string', interpolated: true, description: 'How long to sleep, e.g. 100ms or ${! meta("delay") }.' }],
    lint: constantDuration,
  },
  build(conf) {
    const { duration } = conf.config as { duration: Interpolated };
    const closing = new AbortController();
    return {
      async processBatch(batch) {
        for (const [i, msg] of batch.entries()) {
          let ms: number | undefined;
          try {
            const text = interpolate(duration, batch, i);
            ms = parseDuration(text);
            if (ms === undefined) throw new Error(`sleep: ${JSON.stringify(text)} is not a duration (e.g. 100ms, 1.5s)`);
          } catch (err) {
            flag(msg, err);
            continue;
          }
          if (closing.signal.aborted) break;
          await delay(ms, undefined, { signal: closing.signal }).catch(() => undefined);
        }
        return [batch];
      },
      close: onceClose(async () => closing.abort()),
    };
  },
};

/** A duration without expressions is known at load, so a typo in it is a lint error. */
function constantDuration(config: unknown): SpecProblem[] {
  const { duration } = config as { duration: Interpolated };
  if (!isStatic(duration)) return [];
  const text = interpolate(duration, [], 0);
  if (parseDuration(text) !== undefined) return [];
  return [{ severity: 'error', path: 'duration', message: `${JSON.stringify(text)} is not a duration`, hint: 'write a number with a unit, e.g. 100ms, 1.5s or 2m' }];
}
