import { Message } from '../../src/core/message.js';
import type { Value } from '../../src/core/value.js';

/** A batch of structured messages, each with its own metadata. */
export function batchOf(...docs: Array<{ doc: Value; meta?: Record<string, Value>; error?: string }>): Message[] {
  return docs.map(({ doc, meta, error }) => {
    const m = Message.structured(doc, new Map(Object.entries(meta ?? {})));
    if (error !== undefined) m.error = error;
    return m;
  });
}

export const sample = {
  n: 12,
  f: 2.5,
  name: 'Ada Lovelace',
  tags: ['math', 'code', 'engines'],
  nums: [1, 2, 3, 4],
  user: { id: 7, email: 'ada@example.com', active: true },
  'a.b': 'dotted',
  empty: null,
};
