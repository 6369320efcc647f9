/**
 * Waits for `p` at most `ms`: true when it settled in time, false when the
 * time ran out first (`p` keeps running; nothing here cancels it). The timer
 * is not unref'd: whoever awaits this is waiting for real work.
 */
export function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    const done = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    p.then(done, done);
  });
}
