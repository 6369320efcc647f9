import type { ComponentConf, ProcessorDef } from '../../core/index.js';
import { closeAll, flatten, onceClose, runOnErrored, singles } from './exec.js';

/**
 * Runs its processors on each errored message (as a batch of one), then
 * clears the error flag of every message: `catch: []` simply forgets errors.
 * Messages that were not errored pass untouched, in place.
 */
export const catchDef: ProcessorDef = {
  spec: {
    name: 'catch',
    kind: 'processor',
    summary: 'Runs processors only on messages that failed an earlier step, then clears their errors.',
    value: { name: 'catch', type: 'processor', kind: 'list', default: [] },
  },
  build(conf, ctx) {
    const procs = ctx.buildProcessors(conf.config as ComponentConf[]);
    return {
      async processBatch(batch) {
        const out = flatten(await runOnErrored(procs, singles(batch)));
        for (const b of out) for (const m of b) m.error = undefined;
        return out;
      },
      close: onceClose(() => closeAll(procs)),
    };
  },
};
