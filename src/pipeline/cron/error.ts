/**
 * A cron expression that does not parse. `offset` is the 0-based index in
 * the expression of the character at fault (the config loader turns it into
 * the file's line:col); `hint` says how to fix it.
 */
export class CronError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'CronError';
  }
}

export const CRON_EXAMPLES = "e.g. '*/5 * * * *' (every 5 minutes), '0 30 9 * * MON-FRI' (with seconds), '@daily' or 'TZ=Europe/Berlin 0 9 * * *'";
