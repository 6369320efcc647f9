import type { OutputDef } from '../../core/index.js';

/** `stdout`: writes each message followed by a newline (codec `lines`). */
export const stdoutOutput: OutputDef = {
  spec: {
    name: 'stdout',
    kind: 'output',
    summary: 'Writes messages to standard output, one per line.',
    fields: [{ name: 'codec', type: 'string', default: 'lines', enum: ['lines'] }],
  },
  build: () => ({
    connect: () => Promise.resolve(),
    writeBatch: (batch) =>
      new Promise<void>((resolve, reject) => {
        const parts: Uint8Array[] = [];
        for (const m of batch) parts.push(m.bytes(), NEWLINE);
        process.stdout.write(Buffer.concat(parts), (err) => (err ? reject(err) : resolve()));
      }),
    close: () => Promise.resolve(),
  }),
};

const NEWLINE = new Uint8Array([10]);
