import { type Batch, type Failure, type Logger, type Message, ErrorCode, MessageFailedError } from '../core/index.js';
import type { Counter, Metrics } from './metrics.js';

/** Log lines about failed messages per second and stream; the rest are counted and summed up in the next line. */
const LINES_PER_SECOND = 10;

/** What a message's error stands for: its Failure when that is still current (a `catch` clears `error`, not `failure`). */
export function failureOfMessage(m: Message): Failure {
  const f = m.failure;
  if (f !== undefined && f.text === m.error) return f;
  return { text: m.error ?? 'error', status: 500, code: ErrorCode.Processing };
}

/**
 * The end of the pipeline for messages still flagged with an error (nothing
 * handled them: no catch, try, or switch on errored()). By default they are
 * not delivered: `take` removes them from the batch and returns the nack for
 * them (carrying the first failure, whose status an HTTP request gets).
 * With `unhandled_errors: pass_through` they flow on as in Redpanda Connect.
 * Either way each failed message is logged (rate-limited) with its stream,
 * component, plugin generation, error and stack, and counted per component.
 */
export class FailedMessages {
  private readonly counters = new Map<string, Counter>();
  private windowStart = 0;
  private linesInWindow = 0;
  private suppressed = 0;
  /** The last failure (for /ready): its text, component and when (epoch ms). */
  last: { error: string; component: string; at: number } | undefined;

  constructor(
    private readonly streamId: string,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    readonly passThrough: boolean,
  ) {}

  /**
   * The messages of `batch` to deliver, and the nack for the ones that failed
   * (undefined when none did). Returns `batch` itself when nothing failed.
   */
  take(batch: Batch): { deliver: Batch; failed: MessageFailedError | undefined } {
    let i = 0;
    while (i < batch.length && (batch[i] as Message).error === undefined) i++;
    if (i === batch.length) return { deliver: batch, failed: undefined };
    const deliver: Batch = batch.slice(0, i);
    let first: Failure | undefined;
    for (; i < batch.length; i++) {
      const m = batch[i] as Message;
      if (m.error === undefined) {
        deliver.push(m);
        continue;
      }
      const f = failureOfMessage(m);
      this.report(f);
      if (this.passThrough) deliver.push(m);
      else first ??= f;
    }
    return { deliver, failed: first === undefined ? undefined : new MessageFailedError(first) };
  }

  private report(f: Failure): void {
    const component = f.component ?? 'pipeline';
    let c = this.counters.get(component);
    if (c === undefined) {
      c = this.metrics.counter('hotplug_processor_errors_total', 'Messages that reached the end of the pipeline flagged with an error, by the component that failed.', {
        stream: this.streamId,
        component,
      });
      this.counters.set(component, c);
    }
    c.inc();
    this.last = { error: f.text, component, at: Date.now() };
    const now = performance.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.linesInWindow = 0;
    }
    if (++this.linesInWindow > LINES_PER_SECOND) {
      this.suppressed++;
      return;
    }
    const fields = {
      component,
      status: f.status,
      code: f.code,
      ...(f.generation !== undefined && { generation: f.generation }),
      error: f.text,
      ...(f.stack !== undefined && { stack: f.stack }),
      ...(this.suppressed > 0 && { notLogged: this.suppressed }),
    };
    this.suppressed = 0;
    if (this.passThrough) this.log.warn(fields, `message failed in ${component} (passed on: unhandled_errors: pass_through): ${f.text}`);
    else this.log.error(fields, `message failed in ${component}: ${f.text}`);
  }
}
