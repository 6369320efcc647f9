/** SIGTERM/SIGINT caught from the moment it is created: the first is remembered, a second exits at once. */
export interface SignalTrap {
  /** Resolves with the first signal. */
  readonly received: Promise<string>;
  /** Whether a signal has arrived. */
  signalled(): boolean;
}

/**
 * Installs SIGTERM/SIGINT handlers now, so a signal that arrives while the
 * server is still starting is not the default exit (143, no drain, socket
 * dirs left) but a stop once it is safe. A second signal while stopping exits
 * at once with code 130, for people who press Ctrl-C twice.
 */
export function trapSignals(onSecond: () => void): SignalTrap {
  let first: string | undefined;
  let resolve!: (signal: string) => void;
  const received = new Promise<string>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals): void => {
    if (first !== undefined) {
      onSecond();
      process.exit(130);
    }
    first = signal;
    resolve(signal);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return { received, signalled: () => first !== undefined };
}

/**
 * Runs `stop` on the first SIGTERM/SIGINT and resolves when it has finished.
 * A second signal while stopping exits at once with code 130.
 */
export function untilSignalled(stop: (signal: string) => Promise<void>, onSecond: () => void, trap: SignalTrap = trapSignals(onSecond)): Promise<void> {
  return trap.received.then(stop);
}
