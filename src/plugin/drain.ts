/**
 * Waiting for work in flight before a close: `wait` resolves when `end` is
 * called (the last call returned, or a forced close cuts it short) or when
 * `ms` pass, whichever comes first. The deadline timer is housekeeping.
 */
export class Drain {
  private wake: (() => void) | undefined;

  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      setTimeout(resolve, ms).unref();
    });
  }

  end(): void {
    this.wake?.();
  }
}
