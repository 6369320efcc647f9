/** Something that can time out; the list links it in place (no allocation per request). */
export interface Expiring {
  deadline: number;
  prev: Expiring | undefined;
  next: Expiring | undefined;
  expire(): void;
}

/**
 * Request timeouts without a timer per request. Every request of one input
 * has the same timeout, so arrival order is deadline order: requests are
 * appended to an intrusive list, unlinked in O(1) when answered, and one
 * timer, armed for the oldest, expires whatever is overdue.
 */
export class Deadlines {
  private head: Expiring | undefined;
  private tail: Expiring | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onTimer = (): void => this.sweep();

  constructor(private readonly timeoutMs: number) {}

  add(item: Expiring): void {
    item.deadline = performance.now() + this.timeoutMs;
    item.prev = this.tail;
    item.next = undefined;
    if (this.tail) this.tail.next = item;
    else this.head = item;
    this.tail = item;
    if (this.timer === undefined) this.arm();
  }

  remove(item: Expiring): void {
    if (item.prev) item.prev.next = item.next;
    else if (this.head === item) this.head = item.next;
    else return; // not linked
    if (item.next) item.next.prev = item.prev;
    else this.tail = item.prev;
    item.prev = item.next = undefined;
  }

  /** Stops the timer; pending items are left to their owner. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (!this.head) return;
    this.timer = setTimeout(this.onTimer, Math.max(0, this.head.deadline - performance.now()) + 1);
    this.timer.unref();
  }

  private sweep(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head && this.head.deadline <= now) {
      const item = this.head;
      this.remove(item);
      item.expire();
    }
    this.arm();
  }
}
