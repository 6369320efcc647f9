import { BackoffError, NotConnectedError } from '../../core/input.js';
import { EndOfInputError, errorToWire, type WireError } from '../../wire/index.js';

/*
 * The errors a plugin throws to steer the host. They are the same classes the
 * host raises when it reads the contract's Error back, so a BackoffError
 * thrown in a plugin arrives as a BackoffError in the pipeline.
 */
export { BackoffError, NotConnectedError, EndOfInputError };

/** Maps anything a plugin author threw to the contract's Error (never empty: that would read as "no error"). */
export function toWireError(err: unknown): WireError {
  const e = errorToWire(err);
  if (e.message === '') e.message = 'error';
  return e;
}

/** A non-empty one-line reason for a message's error flag. */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text === '' ? 'error' : text;
}
