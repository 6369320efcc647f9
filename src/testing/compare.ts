import { type Batch, throwLocation } from '../core/index.js';
import { checkMessage } from './conditions.js';
import type { TestCase } from './spec.js';

/**
 * Compares what a component produced with what a test case expects, and
 * returns readable failure lines (empty when the case passes): which batch
 * and message, which condition, expected and actual side by side.
 */
export function compareOutput(tc: TestCase, actual: Batch[] | undefined, callError: string | undefined): string[] {
  const fails: string[] = [];
  if (tc.expect_error !== undefined) {
    if (callError === undefined) fails.push(`expected the call to fail with an error containing ${JSON.stringify(tc.expect_error)}, but it succeeded`);
    else if (!callError.includes(tc.expect_error)) fails.push(`error mismatch\n    expected: an error containing ${JSON.stringify(tc.expect_error)}\n    actual:   ${JSON.stringify(callError)}`);
    return fails;
  }
  if (callError !== undefined) return [`the call failed: ${callError}`];
  const batches = actual ?? [];
  const total = batches.reduce((n, b) => n + b.length, 0);
  if (tc.output_count !== undefined && total !== tc.output_count) {
    fails.push(`output_count\n    expected: ${tc.output_count} messages\n    actual:   ${total} messages`);
  }
  if (tc.output_batches !== undefined) {
    const want = tc.output_batches;
    if (want.length !== batches.length || want.some((b, i) => b.length !== batches[i]?.length)) {
      const shape = (xs: unknown[][]): string => `[${xs.map((b) => b.length).join(', ')}]`;
      fails.push(`batch shape (messages per batch)\n    expected: ${shape(want)}\n    actual:   ${shape(batches)}`);
    }
    want.forEach((batch, bi) =>
      batch.forEach((exp, mi) => {
        const msg = batches[bi]?.[mi];
        if (!msg) return;
        for (const m of checkMessage(msg, exp)) {
          fails.push(`batch ${bi}, message ${mi}: ${m.condition}\n    expected: ${m.expected}\n    actual:   ${m.actual}`);
        }
      }),
    );
  }
  if (fails.length > 0) fails.push(...unexpectedErrors(tc, batches));
  return fails;
}

/**
 * An unexpected error flag usually explains a mismatch (a plugin that threw
 * or did not start, a mapping that failed): the error text of each such
 * message, with the file:line of the throw when the plugin sent its stack.
 */
function unexpectedErrors(tc: TestCase, batches: Batch[]): string[] {
  const out: string[] = [];
  batches.forEach((b, bi) =>
    b.forEach((m, mi) => {
      if (m.error === undefined || tc.output_batches?.[bi]?.[mi]?.error !== undefined) return;
      const stack = m.failure?.text === m.error ? m.failure.stack : undefined;
      const at = stack === undefined ? undefined : throwLocation(stack);
      out.push(`note: batch ${bi}, message ${mi} carries an error: ${m.error}${at === undefined ? '' : ` (thrown at ${at})`}`);
    }),
  );
  return out;
}
