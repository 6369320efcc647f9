import type { Batch, Message } from '../core/message.js';

/** Sends one merged batch and resolves with exactly one result batch per input message, in order. */
export type PerMessageSend = (batch: Batch) => Promise<Batch[]>;

interface Waiting {
  batch: Batch;
  bytes: number;
  resolve(out: Batch[]): void;
  reject(err: unknown): void;
}

/**
 * Coalesces concurrent processBatch calls for plugins that process each
 * message on its own. A call goes out at once while fewer than `maxInFlight`
 * are in flight; otherwise it waits, and when a call returns everything
 * waiting goes out as one merged batch (up to `maxBytes`). Each caller gets
 * the outputs of its own messages, with their origins, as one batch.
 *
 * Under load this turns many small round trips into few large ones, which is
 * where a gRPC plugin spends its time; with no load it adds no delay.
 */
export class Coalescer {
  private readonly send: PerMessageSend;
  private readonly maxInFlight: number;
  private readonly maxBytes: number;
  private queue: Waiting[] = [];
  private inFlight = 0;

  constructor(send: PerMessageSend, maxInFlight: number, maxBytes: number) {
    this.send = send;
    this.maxInFlight = Math.max(1, maxInFlight);
    this.maxBytes = maxBytes;
  }

  submit(batch: Batch): Promise<Batch[]> {
    return new Promise<Batch[]>((resolve, reject) => {
      this.queue.push({ batch, bytes: estimateBytes(batch), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.takeGroup();
      this.inFlight++;
      void this.flush(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The first waiting call, plus as many more as fit under maxBytes. */
  private takeGroup(): Waiting[] {
    const first = this.queue[0] as Waiting;
    let bytes = first.bytes;
    let n = 1;
    while (n < this.queue.length) {
      const next = this.queue[n] as Waiting;
      if (bytes + next.bytes > this.maxBytes) break;
      bytes += next.bytes;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async flush(group: Waiting[]): Promise<void> {
    const merged: Batch = group.length === 1 ? (group[0] as Waiting).batch : group.flatMap((w) => w.batch);
    let results: Batch[];
    try {
      results = await this.send(merged);
      if (results.length !== merged.length) {
        throw new Error(`plugin answered ${results.length} per-message results for ${merged.length} messages`);
      }
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    let offset = 0;
    for (const w of group) {
      w.resolve(collect(w.batch, results, offset));
      offset += w.batch.length;
    }
  }
}

/** The outputs of `inputs` (whose results start at `offset`), as one batch; origins copied from each output's input. */
export function collect(inputs: Batch, results: Batch[], offset: number): Batch[] {
  const out: Message[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const origin = (inputs[i] as Message).origin;
    for (const m of results[offset + i] as Batch) {
      m.origin = origin;
      out.push(m);
    }
  }
  return out.length > 0 ? [out] : [];
}

/**
 * Roughly what a batch costs on the wire; metadata, framing and structured
 * payloads are guessed (serialising them just to measure would cost what the
 * codec saves), which is fine for a limit kept well below the real one.
 */
function estimateBytes(batch: Batch): number {
  let n = 0;
  for (const m of batch) n += (m.isStructured() ? 256 : m.bytes().byteLength) + 32 + m.metadata.size * 32;
  return n;
}
