import type { Batch, OutputDef } from '../../core/index.js';

/** Records each message as the response of the request it came from (see Origin). */
export function respond(batch: Batch): void {
  for (const m of batch) m.origin?.addResponse(m);
}

/** `sync_response` as an output: the messages become the HTTP responses of their own requests. */
export const syncResponseOutput: OutputDef = {
  spec: { name: 'sync_response', kind: 'output', summary: 'Returns each message to the request it came from.', fields: [] },
  build: () => ({
    maxInFlight: 1_000_000,
    connect: () => Promise.resolve(),
    writeBatch: (batch) => {
      respond(batch);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  }),
};
