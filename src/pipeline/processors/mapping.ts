import { type Batch, type Message, type ProcessorDef, errorMessage } from '../../core/index.js';
import { runMapping } from '../expr.js';

function mappingDef(name: 'mapping' | 'bloblang'): ProcessorDef {
  return {
    spec: {
      name,
      kind: 'processor',
      summary: 'Runs a mapping on each message: `root = ...` builds the new message, `root = deleted()` drops it.',
      value: { name, type: 'string', expression: 'mapping' },
    },
    build: (conf) => {
      const mapping = conf.config;
      return {
        processBatch: (batch) => {
          const out: Batch = [];
          for (let i = 0; i < batch.length; i++) {
            let m: Message | undefined;
            try {
              m = runMapping(mapping, batch, i);
            } catch (err) {
              m = (batch[i] as Message).copy();
              m.error = errorMessage(err);
            }
            if (m !== undefined) out.push(m);
          }
          return Promise.resolve(out.length > 0 ? [out] : []);
        },
        close: () => Promise.resolve(),
      };
    },
  };
}

export const mappingProcessor = mappingDef('mapping');
/** The older name of `mapping`, kept for configs copied from Redpanda Connect's docs. */
export const bloblangProcessor = mappingDef('bloblang');
