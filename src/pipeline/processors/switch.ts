import type { ComponentConf, Message, Processor, ProcessorDef } from '../../core/index.js';
import { closeAll, onceClose, runAll } from './exec.js';
import type { Query } from '../../expr/index.js';
import { checkBool, flag } from './expr.js';

interface CaseConf {
  check?: Query;
  processors: ComponentConf[];
  fallthrough: boolean;
}

/**
 * Tests each message against the cases in order; the messages a case takes
 * are processed together as one batch by its processors. With `fallthrough`
 * the case's output also runs through the next case's processors without
 * that case's check. A case without check takes everything that reaches it.
 * Messages no case takes pass unchanged. A failing check flags the message,
 * which then skips the remaining cases. The result is one batch in input
 * order as far as it can be told: where a case's processors give one message
 * per message, each takes its input's place; otherwise the case's output sits
 * where its first input was. (Redpanda Connect makes no order promise here.)
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
        const result: Slotted[] = [];
        let remaining: Slotted[] = batch.map((msg, slot) => ({ msg, slot }));
        let carried: Slotted[] = [];
        for (const kase of cases) {
          const passed: Slotted[] = carried;
          const failed: Slotted[] = [];
          const tested = remaining.map((e) => e.msg);
          remaining.forEach((entry, i) => {
            let take: boolean;
            try {
              take = kase.check === undefined || checkBool(kase.check, tested, i);
            } catch (err) {
              flag(entry.msg, err);
              result.push(entry);
              return;
            }
            (take ? passed : failed).push(entry);
          });
          carried = [];
          remaining = failed;
          if (passed.length === 0) continue;
          const outs = (await runAll(kase.procs, [passed.map((e) => e.msg)])).flat();
          (kase.fallthrough ? carried : result).push(...reslot(passed, outs));
        }
        result.push(...remaining, ...carried);
        // Stable sort by the input position each output stands in for.
        result.sort((a, b) => a.slot - b.slot);
        return result.length === 0 ? [] : [result.map((e) => e.msg)];
      },
      close: onceClose(() => closeAll(children)),
    };
  },
};

interface Slotted {
  msg: Message;
  /** The input position this message stands in for. */
  slot: number;
}

/**
 * One output per input (the usual case) takes its input's position; any
 * other shape keeps the case's outputs together at its first input's position.
 */
function reslot(inputs: Slotted[], outs: Message[]): Slotted[] {
  if (outs.length === inputs.length) return outs.map((msg, i) => ({ msg, slot: (inputs[i] as Slotted).slot }));
  const first = Math.min(...inputs.map((e) => e.slot));
  return outs.map((msg) => ({ msg, slot: first }));
}
