import type { Batch, ProcessorDef } from '../../core/index.js';

/**
 * Keeps the messages at `parts` (negative indexes count from the end), in
 * the order listed; an index may repeat (each pick is a copy). Indexes
 * outside the batch are ignored, and a batch left empty is filtered.
 */
export const selectPartsDef: ProcessorDef = {
  spec: {
    name: 'select_parts',
    kind: 'processor',
    summary: 'Keeps the messages of a batch at the listed indexes.',
    fields: [{ name: 'parts', type: 'int', kind: 'list', default: [], description: 'Indexes to keep; -1 is the last message.' }],
  },
  build(conf) {
    const { parts } = conf.config as { parts: number[] };
    return {
      async processBatch(batch) {
        const out: Batch = [];
        for (const p of parts) {
          const i = p < 0 ? batch.length + p : p;
          const msg = batch[i];
          if (msg !== undefined) out.push(msg.copy());
        }
        return out.length === 0 ? [] : [out];
      },
      async close() {},
    };
  },
};
