/**
 * Runs `stop` on the first SIGTERM/SIGINT and resolves when it has finished.
 * A second signal while stopping exits at once with code 130, for people
 * who press Ctrl-C twice.
 */
export function untilSignalled(stop: (signal: string) => Promise<void>, onSecond: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (stopping) {
        onSecond();
        process.exit(130);
      }
      stopping = true;
      stop(signal).then(resolve, reject);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
