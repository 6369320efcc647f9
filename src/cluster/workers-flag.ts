import { availableParallelism } from 'node:os';
import { ErrorCode, HotplugError } from '../core/index.js';

/** Most workers one host may run: more is a typo, not a plan. */
export const MAX_WORKERS = 256;

/** `--workers N|auto` (or $WORKERS): `auto` is one per core (os.availableParallelism()). */
export function parseWorkers(value: string, from = '--workers'): number {
  if (value === 'auto') return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new HotplugError(ErrorCode.Usage, `${from} must be 'auto' or a whole number from 1 to ${MAX_WORKERS}, not '${value}'`, {
      hint: `--workers auto runs one worker per core (${availableParallelism()} here)`,
    });
  }
  return n;
}
