import type { Batch, ComponentConf, Processor, ProcessorDef } from '../../core/index.js';
import { closeAll, onceClose, runAll } from './exec.js';
import type { Query } from '../../expr/index.js';
import { checkBool, flag } from './expr.js';

interface GroupConf {
  check: Query;
  processors: ComponentConf[];
}

/**
 * Splits a batch into one batch per group: a message joins the first group
 * whose `check` is true, and each group's `processors` run on its batch.
 * Messages no group takes form a last batch, untouched. A check that fails
 * flags the message and counts as false.
 */
export const groupByDef: ProcessorDef = {
  spec: {
    name: 'group_by',
    kind: 'processor',
    summary: 'Splits a batch into groups by boolean checks and processes each group as a batch.',
    value: {
      name: 'group_by',
      type: 'object',
      kind: 'list',
      fields: [
        { name: 'check', type: 'string', expression: 'query', description: 'Whether a message belongs to this group.' },
        { name: 'processors', type: 'processor', kind: 'list', default: [], description: 'Processors run on the group.' },
      ],
    },
  },
  build(conf, ctx) {
    const groups = (conf.config as GroupConf[]).map((g) => ({ check: g.check, procs: ctx.buildProcessors(g.processors) }));
    const children: Processor[] = groups.flatMap((g) => g.procs);
    return {
      async processBatch(batch) {
        const members: Batch[] = groups.map(() => []);
        const rest: Batch = [];
        batch.forEach((msg, i) => {
          const g = groups.findIndex((group) => {
            try {
              return checkBool(group.check, batch, i);
            } catch (err) {
              flag(msg, err);
              return false;
            }
          });
          (g === -1 ? rest : (members[g] as Batch)).push(msg);
        });
        const out: Batch[] = [];
        for (const [g, group] of groups.entries()) {
          const b = members[g] as Batch;
          if (b.length > 0) out.push(...(await runAll(group.procs, [b])));
        }
        if (rest.length > 0) out.push(rest);
        return out;
      },
      close: onceClose(() => closeAll(children)),
    };
  },
};
