import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './procs.js';

/**
 * One deploy or rollback at a time per deploy dir: a lock directory (mkdir is
 * atomic) holding the owner's pid. A lock whose owner is gone is stale and taken over.
 */
export async function withLock<T>(stateDir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(stateDir, 'lock');
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // Being created or removed right now.
      }
      if (Number.isInteger(owner) && !isAlive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (attempt > 1) throw new Error(`another deploy or rollback is running in ${stateDir} (pid ${owner}); try again when it has finished`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
