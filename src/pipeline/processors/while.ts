import type { Batch, ComponentConf, ProcessorDef, SpecProblem } from '../../core/index.js';
import { closeAll, onceClose, runAll } from './exec.js';
import type { Query } from '../../expr/index.js';
import { checkBool } from './expr.js';
import { nonNegative } from './checks.js';

interface WhileConf {
  check?: Query;
  max_loops: number;
  at_least_once: boolean;
  processors: ComponentConf[];
}

/**
 * Runs its processors on the whole batch again and again while `check`
 * (evaluated on the first message of the first resulting batch) is true:
 * at least once with `at_least_once`, at most `max_loops` times when that
 * is above 0. The loop ends early when the processors filter everything.
 * A check that fails to evaluate ends the loop (logged). Without `check`
 * the loop runs until `max_loops`; with neither it would never end, which
 * lint warns about.
 */
export const whileDef: ProcessorDef = {
  spec: {
    name: 'while',
    kind: 'processor',
    summary: 'Runs processors on a batch repeatedly while a check holds.',
    fields: [
      { name: 'at_least_once', type: 'bool', default: false, description: 'Run the processors once before the first check (do ... while).' },
      { name: 'max_loops', type: 'int', default: 0, check: nonNegative, description: 'Most loops per batch (0: no limit).' },
      { name: 'check', type: 'string', expression: 'query', optional: true, description: 'Whether to loop again, e.g. errored().' },
      { name: 'processors', type: 'processor', kind: 'list', description: 'Processors run in each loop.' },
    ],
    lint: whileWarnings,
  },
  build(conf, ctx) {
    const c = conf.config as WhileConf;
    const procs = ctx.buildProcessors(c.processors);
    const again = (batches: Batch[]): boolean => {
      if (c.check === undefined) return true;
      try {
        return checkBool(c.check, batches[0] as Batch, 0);
      } catch (err) {
        ctx.log.error({ err }, 'while: check failed; leaving the loop');
        return false;
      }
    };
    return {
      async processBatch(batch) {
        let batches: Batch[] = [batch];
        let loops = 0;
        while ((c.at_least_once && loops === 0) || again(batches)) {
          if (c.max_loops > 0 && loops >= c.max_loops) break;
          batches = await runAll(procs, batches);
          if (batches.length === 0) return [];
          loops++;
        }
        return batches;
      },
      close: onceClose(() => closeAll(procs)),
    };
  },
};

/** Lint for what the field types cannot see: a loop with no way to end. */
function whileWarnings(config: unknown): SpecProblem[] {
  const c = config as Partial<WhileConf>;
  if (c.check !== undefined || (c.max_loops ?? 0) > 0) return [];
  return [
    {
      severity: 'warning',
      path: '',
      message: 'while has neither a check nor max_loops: it loops until its processors filter the batch',
      hint: 'add a check (e.g. check: errored()) or set max_loops above 0',
    },
  ];
}
