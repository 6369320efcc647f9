import type { Batch, ProcessorDef } from '../../core/index.js';
import { interpolate, type Interpolated } from '../expr.js';
import { flag } from './expr.js';

/**
 * Splits a batch into one batch per distinct `value` (an interpolated string
 * evaluated per message), in the order each value first appears. Messages
 * keep their order within a group. A message whose value fails to evaluate is
 * flagged errored and grouped with the other failures, last.
 */
export const groupByValueDef: ProcessorDef = {
  spec: {
    name: 'group_by_value',
    kind: 'processor',
    summary: 'Splits a batch into batches of messages that share an interpolated value.',
    fields: [{ name: 'value', type: 'string', interpolated: true, description: 'The value to group by, e.g. ${! meta("key") }.' }],
  },
  build(conf) {
    const { value } = conf.config as { value: Interpolated };
    return {
      async processBatch(batch) {
        const groups = new Map<string, Batch>();
        const failed: Batch = [];
        batch.forEach((msg, i) => {
          let key: string;
          try {
            key = interpolate(value, batch, i);
          } catch (err) {
            flag(msg, err);
            failed.push(msg);
            return;
          }
          const group = groups.get(key);
          if (group) group.push(msg);
          else groups.set(key, [msg]);
        });
        const out = [...groups.values()];
        if (failed.length > 0) out.push(failed);
        return out;
      },
      async close() {},
    };
  },
};
