import type { RequestRecord, RequestSink } from '../pipeline/index.js';

export type { RequestRecord };

export interface RequestEvents {
  /** Calls `listener` once per finished request; returns the unsubscribe function. */
  on(listener: (r: RequestRecord) => void): () => void;
}

/** The host's request events: `watching` is false while nobody listens, and the server then records nothing. */
export class RequestEventHub implements RequestEvents, RequestSink {
  private readonly listeners = new Set<(r: RequestRecord) => void>();
  watching = false;

  on(listener: (r: RequestRecord) => void): () => void {
    this.listeners.add(listener);
    this.watching = true;
    return () => {
      this.listeners.delete(listener);
      this.watching = this.listeners.size > 0;
    };
  }

  emit(r: RequestRecord): void {
    for (const l of this.listeners) {
      try {
        l(r);
      } catch {
        // a listener's failure is its own; the others still hear about the request
      }
    }
  }
}
