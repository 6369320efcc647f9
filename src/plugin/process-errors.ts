import { HotplugError, ErrorCode, STDERR_TAIL_HEADING } from '../core/errors.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  spawnError?: Error;
}

export function describeExit(e: ExitInfo): string {
  if (e.spawnError) return `could not be started (${e.spawnError.message})`;
  if (e.signal) return `was killed by ${e.signal}${e.signal === 'SIGKILL' ? ' (out of memory, or killed by someone)' : ''}`;
  return `exited with code ${e.code}`;
}

export function withTail(message: string, stderrTail: string): string {
  return stderrTail ? `${message}\n${STDERR_TAIL_HEADING}\n${stderrTail}` : `${message} (it wrote nothing to stderr)`;
}

/**
 * The plugin process died while a call was in flight (or before it could be
 * sent). The supervisor retries the call on a restarted process.
 */
export class PluginCrashedError extends HotplugError {
  readonly exit: ExitInfo;
  constructor(name: string, exit: ExitInfo, stderrTail: string) {
    super(ErrorCode.PluginExited, withTail(`plugin ${name} ${describeExit(exit)}`, stderrTail));
    this.exit = exit;
  }
}

/**
 * A call ran past its deadline. The process was killed (it is replaced);
 * `alone` says whether the call was the only one in flight on it, i.e.
 * whether the hang is known to be this call's.
 */
export class PluginDeadlineError extends HotplugError {
  constructor(
    name: string,
    readonly deadlineMs: number,
    readonly alone: boolean,
  ) {
    super(ErrorCode.PluginDeadline, `plugin ${name} did not answer within its deadline (${deadlineMs} ms); the call was cancelled and the process replaced`, {
      hint: 'set `deadline:` in plugin.yaml if calls legitimately take longer',
    });
  }
}

/** The plugin cannot take calls now (starting past the call's patience, failed to start, down between restarts). */
export function unavailable(name: string, state: string, lastError: Error | undefined): HotplugError {
  const why = lastError ? `: ${firstLine(lastError.message)}` : '';
  const what = state === 'starting' ? 'is still starting' : state === 'crashed' ? 'is restarting after a crash' : 'is not available';
  return new HotplugError(ErrorCode.PluginUnavailable, `plugin ${name} ${what}${why}`, { cause: lastError });
}

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}
