import type { FieldSpec } from '../core/index.js';

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
