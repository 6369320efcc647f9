/**
 * Who may call a plugin process at once: any number of ordinary calls, or
 * one exclusive call alone (a suspect retried after a crash or a missed
 * deadline, so that what happens to the process is known to be its doing).
 * An exclusive call waits for the calls in flight; calls that come after it
 * wait behind it, so it cannot starve. Granted at once when free, without a
 * promise (the hot path).
 */
export class CallLane {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: Array<{ exclusive: boolean; grant: () => void }> = [];

  /** Undefined when granted now; else a promise that resolves once granted. */
  acquire(exclusive: boolean): Promise<void> | undefined {
    if (this.waiting.length === 0 && !this.exclusive && (!exclusive || this.shared === 0)) {
      if (exclusive) this.exclusive = true;
      else this.shared++;
      return undefined;
    }
    return new Promise<void>((grant) => this.waiting.push({ exclusive, grant }));
  }

  release(exclusive: boolean): void {
    if (exclusive) this.exclusive = false;
    else this.shared--;
    while (this.waiting.length > 0 && !this.exclusive) {
      const next = this.waiting[0] as { exclusive: boolean; grant: () => void };
      if (next.exclusive) {
        if (this.shared > 0) break;
        this.exclusive = true;
      } else {
        this.shared++;
      }
      this.waiting.shift();
      next.grant();
    }
  }
}
