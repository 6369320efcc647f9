import { createInterface, type Interface } from 'node:readline';
import type { Input, InputDef, ReadResult } from '../../core/index.js';
import { Message } from '../../core/index.js';

/** `stdin`: one message per line of standard input; the input ends at EOF. */
export class StdinInput implements Input {
  private lines: AsyncIterator<string> | undefined;
  private rl: Interface | undefined;

  constructor(private readonly stream: NodeJS.ReadableStream = process.stdin) {}

  connect(): Promise<void> {
    this.rl ??= createInterface({ input: this.stream, crlfDelay: Number.POSITIVE_INFINITY });
    this.lines ??= this.rl[Symbol.asyncIterator]();
    return Promise.resolve();
  }

  async readBatch(signal: AbortSignal): Promise<ReadResult | null> {
    if (signal.aborted || !this.lines) return null;
    const next = await this.lines.next();
    if (next.done) return null;
    return { batch: [new Message(next.value)], ack: () => Promise.resolve() };
  }

  close(): Promise<void> {
    this.rl?.close();
    return Promise.resolve();
  }
}

export const stdinInput: InputDef = {
  spec: {
    name: 'stdin',
    kind: 'input',
    summary: 'Reads messages from standard input, one per line.',
    fields: [{ name: 'codec', type: 'string', default: 'lines', enum: ['lines'] }],
  },
  build: () => new StdinInput(),
};
