import type { ComponentConf, ProcessorDef } from '../../core/index.js';
import { closeAll, flatten, onceClose, runAll, singles } from './exec.js';

/**
 * Runs its processors on each message as a batch of one, so batch-wide
 * processors (while, archive, interpolations over the batch) see a single
 * message. The results come back together as one batch, in order.
 */
export const forEachDef: ProcessorDef = {
  spec: {
    name: 'for_each',
    kind: 'processor',
    summary: 'Runs processors on each message of a batch as a batch of its own.',
    value: { name: 'for_each', type: 'processor', kind: 'list', default: [] },
  },
  build(conf, ctx) {
    const procs = ctx.buildProcessors(conf.config as ComponentConf[]);
    return {
      async processBatch(batch) {
        return flatten(await runAll(procs, singles(batch)));
      },
      close: onceClose(() => closeAll(procs)),
    };
  },
};
