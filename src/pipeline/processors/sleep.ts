import { setTimeout as delay } from 'node:timers/promises';
import { parseDuration, type ProcessorDef } from '../../core/index.js';
import { interpolate, type Interpolated } from '../expr.js';
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
