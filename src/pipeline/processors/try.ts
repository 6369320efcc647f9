import type { ComponentConf, ProcessorDef } from '../../core/index.js';
import { closeAll, flatten, onceClose, runUntilErrored, singles } from './exec.js';

/**
 * Runs its processors on each message (as a batch of one) until the message
 * is errored: a message that failed before the `try`, or fails inside it,
 * skips every processor after that point and passes on flagged.
 */
export const tryDef: ProcessorDef = {
  spec: {
    name: 'try',
    kind: 'processor',
    summary: 'Runs processors on each message, skipping the rest for a message once it fails.',
    value: { name: 'try', type: 'processor', kind: 'list', default: [] },
  },
  build(conf, ctx) {
    const procs = ctx.buildProcessors(conf.config as ComponentConf[]);
    return {
      async processBatch(batch) {
        return flatten(await runUntilErrored(procs, singles(batch)));
      },
      close: onceClose(() => closeAll(procs)),
    };
  },
};
