import type { FieldSpec, SpecProblem } from '../core/index.js';

/** The `batching:` block, as written on outputs and on the broker input. */
export const batchingField: FieldSpec = {
  name: 'batching',
  type: 'object',
  optional: true,
  description: 'Groups messages into batches before they are sent. The period runs from the last flush, not from the first message of a batch.',
  fields: [
    { name: 'count', type: 'int', default: 0, description: 'Flush at this many messages (0 = off).', check: nonNegative },
    { name: 'byte_size', type: 'int', default: 0, description: 'Flush once payload bytes reach this size (0 = off).', check: nonNegative },
    { name: 'period', type: 'duration', optional: true, description: 'Flush this long after the last flush, if anything is pending.' },
    { name: 'check', type: 'string', optional: true, expression: 'query', description: 'Flush when this is true for the message just added.' },
    { name: 'processors', type: 'processor', kind: 'list', default: [], description: 'Run on each batch at flush; their output is merged back into one batch.' },
  ],
};

function nonNegative(v: unknown): string | undefined {
  return typeof v === 'number' && v < 0 ? 'must be 0 or more' : undefined;
}

/**
 * What lint says about a `batching:` block (the spec's `lint` hook of every
 * component that has one): a policy with no trigger never flushes on its
 * own; `count: 1` alone makes every message its own batch (a no-op); a policy
 * with only `check` has no upper bound.
 */
export function batchingProblems(config: unknown): SpecProblem[] {
  const b = (config as { batching?: { count?: number; byte_size?: number; period?: number; check?: unknown } } | undefined)?.batching;
  if (!b) return [];
  const count = b.count ?? 0;
  const bytes = b.byte_size ?? 0;
  const period = b.period !== undefined && b.period > 0;
  const check = b.check !== undefined;
  if (count === 0 && bytes === 0 && !period && !check) {
    return [{ severity: 'error', path: 'batching', message: 'this batch policy has nothing that flushes it', hint: 'set at least one of count, byte_size, period or check' }];
  }
  if (count === 1 && bytes === 0 && !period && !check) {
    return [{ severity: 'warning', path: 'batching.count', message: '`count: 1` alone makes every message its own batch: the policy does nothing', hint: 'remove batching:, or raise count and add a period' }];
  }
  if (check && count === 0 && bytes === 0 && !period) {
    return [{ severity: 'warning', path: 'batching.check', message: 'a batch policy with only `check` has no upper bound: a batch grows until the check is true', hint: 'add count, byte_size or period as a ceiling' }];
  }
  return [];
}
