import { BackoffError, NotConnectedError } from '../core/input.js';
import type { WireError } from './error-codec.js';

/** Raised by a plugin input that has no more data; the host treats the input as finished. */
export class EndOfInputError extends Error {
  constructor(message = 'end of input') {
    super(message);
    this.name = 'EndOfInputError';
  }
}

/**
 * The contract's Error as a JS error: backoff → BackoffError, not_connected →
 * NotConnectedError, end_of_input → EndOfInputError, otherwise a plain Error.
 */
export function errorFromWire(e: WireError): Error {
  if (e.notConnected) return new NotConnectedError(e.message || 'not connected');
  if (e.endOfInput) return new EndOfInputError(e.message || 'end of input');
  if (e.backoffMs !== undefined) return new BackoffError(e.message || 'backoff', e.backoffMs);
  return new Error(e.message || 'error');
}

/** A JS error as the contract's Error (the inverse of errorFromWire). */
export function errorToWire(err: unknown): WireError {
  const message = err instanceof Error ? err.message || err.name : String(err);
  if (err instanceof NotConnectedError) return { message, notConnected: true };
  if (err instanceof EndOfInputError) return { message, endOfInput: true };
  if (err instanceof BackoffError) return { message, backoffMs: err.backoffMs };
  return { message: message || 'error' };
}
