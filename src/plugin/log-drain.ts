import type { Readable } from 'node:stream';
import type { Logger } from '../core/log.js';

/** What we keep of one line; the rest is counted and dropped, never buffered. */
// Redpanda Connect reads plugin log lines up to 512 KiB; a plugin that logs that much gets it all here too.
export const MAX_LINE_BYTES = 512 * 1024;
const TAIL_LINES = 40;
const TAIL_LINE_CHARS = 2000;

const LEVELS: Record<string, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error', fatal: 'fatal', critical: 'fatal',
  10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal',
};

/** The last lines a plugin wrote to stderr, for error messages. */
export class LineTail {
  private lines: string[] = [];

  push(line: string): void {
    this.lines.push(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line);
    if (this.lines.length > TAIL_LINES) this.lines.shift();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * Reads a plugin's stdout or stderr forever and re-logs each line under the
 * plugin's logger. JSON object lines stay structured (their level and msg
 * are honoured). Lines longer than MAX_LINE_BYTES are cut: the first part is
 * logged with a `truncatedBytes` count and the rest is skipped as it streams
 * by, so neither side ever blocks or buffers a huge line.
 */
export function drainLines(stream: Readable, log: Logger, source: 'stdout' | 'stderr', tail?: LineTail): void {
  let parts: Buffer[] = [];
  let kept = 0;
  let dropped = 0;

  const emit = (): void => {
    const line = Buffer.concat(parts, kept).toString('utf8').replace(/\r$/, '');
    parts = [];
    const truncatedBytes = dropped;
    kept = 0;
    dropped = 0;
    if (line === '' && truncatedBytes === 0) return;
    // A structured debug line (the Python launcher's full traceback) stays out of the tail errors quote.
    if (!relog(log, source, line, truncatedBytes).startsWith('debug')) tail?.push(line);
  };

  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      const room = MAX_LINE_BYTES - kept;
      const take = Math.min(room, end - start);
      if (take > 0) {
        // copy: the chunk's memory is not ours to hold on to
        parts.push(Buffer.from(chunk.subarray(start, start + take)));
        kept += take;
      }
      dropped += end - start - take;
      if (nl === -1) break;
      emit();
      start = nl + 1;
    }
  });
  stream.on('end', () => {
    if (kept > 0 || dropped > 0) emit();
  });
  stream.on('error', (err) => log.debug({ err, source }, 'plugin output stream error'));
}

/** Logs one line; returns the level it was logged at ('debug' and 'trace' start with their name). */
function relog(log: Logger, source: string, line: string, truncatedBytes: number): string {
  const extra = truncatedBytes > 0 ? { truncatedBytes } : undefined;
  if (line.startsWith('{') && truncatedBytes === 0) {
    try {
      const obj = JSON.parse(line) as Record<string, unknown>;
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
        const { level, msg, message, time: _time, pid: _pid, hostname: _hostname, ...fields } = obj;
        const lvl = LEVELS[String(level ?? '').toLowerCase()] ?? 'info';
        const text = typeof msg === 'string' ? msg : typeof message === 'string' ? message : '';
        log[lvl]({ source, ...fields }, text);
        return lvl === 'trace' ? 'debug' : lvl;
      }
    } catch {
      // not JSON after all: logged as text below
    }
  }
  log.info({ source, ...extra }, line);
  return 'info';
}
