import type { ProcessorDef } from '../../core/index.js';


/** `sync_response` as a processor: records the response and passes the batch on unchanged. */
export const syncResponseProcessor: ProcessorDef = {
  spec: { name: 'sync_response', kind: 'processor', summary: 'Records each message as the response to its own request.', fields: [] },
  build: () => ({
    processBatch: (batch) => {
      for (const m of batch) m.origin?.addResponse(m.copy());
      return Promise.resolve([batch]);
    },
    close: () => Promise.resolve(),
  }),
};
