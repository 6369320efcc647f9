/**
 * Runs at most one task per key at a time. A request that arrives while that
 * key's task runs is not queued one by one: it marks the key dirty, and the
 * task runs once more after the current run, with the latest state. So a
 * burst of saves during a slow reload costs one extra reload, not one each.
 */
export interface SerialRunner<K> {
  run(key: K, task: () => Promise<void>): Promise<void>;
  /** Resolves when nothing is running or scheduled. */
  idle(): Promise<void>;
}

export function createSerialRunner<K>(onError: (key: K, err: unknown) => void): SerialRunner<K> {
  const running = new Map<K, Promise<void>>();
  const again = new Map<K, () => Promise<void>>();

  const start = (key: K, task: () => Promise<void>): Promise<void> => {
    const p = (async () => {
      let next: (() => Promise<void>) | undefined = task;
      while (next) {
        try {
          await next();
        } catch (err) {
          onError(key, err);
        }
        next = again.get(key);
        again.delete(key);
      }
      running.delete(key);
    })();
    running.set(key, p);
    return p;
  };

  return {
    run(key, task) {
      const current = running.get(key);
      if (current) {
        again.set(key, task);
        return current;
      }
      return start(key, task);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
  };
}
