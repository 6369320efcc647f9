import { BackoffError, NotConnectedError } from '../../core/input.js';
import { EndOfInputError, errorToWire, type WireError } from '../../wire/index.js';

/*
 * The errors a plugin throws to steer the host. They are the same classes the
 * host raises when it reads the contract's Error back, so a BackoffError
 * thrown in a plugin arrives as a BackoffError in the pipeline.
 */
export { BackoffError, NotConnectedError, EndOfInputError };

/** Maps anything a plugin author threw to the contract's Error (never empty: that would read as "no error"), with its stack. */
export function toWireError(err: unknown): WireError {
  const e = errorToWire(err);
  if (e.message === '') e.message = 'error';
  // Steering errors (backoff, not connected, end of input) are control flow, not failures to debug.
  const stack = e.backoffMs === undefined && e.notConnected !== true && e.endOfInput !== true ? stackOf(err) : undefined;
  if (stack !== undefined) e.stack = stack;
  return e;
}

/** The stack of a thrown Error (source-mapped to the plugin's .ts files); undefined for anything else thrown. */
export function stackOf(err: unknown): string | undefined {
  return err instanceof Error && typeof err.stack === 'string' && err.stack !== '' ? err.stack : undefined;
}

/** A non-empty one-line reason for a message's error flag. */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text === '' ? 'error' : text;
}
