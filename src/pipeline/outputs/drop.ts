import type { OutputDef } from '../../core/index.js';

/** `drop`: accepts every batch and does nothing with it. */
export const dropOutput: OutputDef = {
  spec: { name: 'drop', kind: 'output', summary: 'Drops every message.', fields: [] },
  build: () => ({
    maxInFlight: 1_000_000,
    connect: () => Promise.resolve(),
    writeBatch: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }),
};
