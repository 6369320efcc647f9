import type { Batch, ComponentConf, Processor, ProcessorDef } from '../../core/index.js';
import { closeAll, onceClose, runAll } from './exec.js';
import { checkBool, flag, type QueryLike } from './expr.js';

interface CaseConf {
  check?: QueryLike;
  processors: ComponentConf[];
  fallthrough: boolean;
}

/**
 * Tests each message against the cases in order; the messages a case takes
 * are processed together as one batch by its processors. With `fallthrough`
 * the case's output also runs through the next case's processors without
 * that case's check. A case without check takes everything that reaches it.
 * Messages no case takes pass unchanged. A failing check flags the message,
 * which then skips the remaining cases. The result is one batch: case outputs
 * in case order, then the messages no case took (so order may change, as in
 * Redpanda Connect).
 */
export const switchDef: ProcessorDef = {
  spec: {
    name: 'switch',
    kind: 'processor',
    summary: 'Processes messages with the processors of the first case whose check passes.',
    value: {
      name: 'switch',
      type: 'object',
      kind: 'list',
      fields: [
        { name: 'check', type: 'string', expression: 'query', optional: true, description: 'Whether a message takes this case; empty always passes.' },
        { name: 'processors', type: 'processor', kind: 'list', default: [], description: 'Processors run on the messages of this case.' },
        { name: 'fallthrough', type: 'bool', default: false, description: "Also run the next case's processors on this case's output, without its check." },
      ],
    },
  },
  build(conf, ctx) {
    const cases = (conf.config as CaseConf[]).map((c) => ({ ...c, procs: ctx.buildProcessors(c.processors) }));
    const children: Processor[] = cases.flatMap((c) => c.procs);
    return {
      async processBatch(batch) {
        const result: Batch = [];
        let remaining: Batch = batch;
        let carried: Batch = [];
        for (const kase of cases) {
          const passed: Batch = carried;
          const failed: Batch = [];
          remaining.forEach((msg, i) => {
            let take: boolean;
            try {
              take = kase.check === undefined || checkBool(kase.check, remaining, i);
            } catch (err) {
              flag(msg, err);
              result.push(msg);
              return;
            }
            (take ? passed : failed).push(msg);
          });
          carried = [];
          remaining = failed;
          if (passed.length === 0) continue;
          const outs = (await runAll(kase.procs, [passed])).flat();
          (kase.fallthrough ? carried : result).push(...outs);
        }
        result.push(...remaining, ...carried);
        return result.length === 0 ? [] : [result];
      },
      close: onceClose(() => closeAll(children)),
    };
  },
};
