import { HotplugError, ErrorCode } from '../core/errors.js';

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
  return stderrTail ? `${message}\n--- last lines of the plugin's stderr ---\n${stderrTail}` : `${message} (it wrote nothing to stderr)`;
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
