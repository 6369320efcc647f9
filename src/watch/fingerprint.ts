import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isIgnoredPath } from './ignore.js';

/**
 * A hash of everything in a plugin's folder that a reload would pick up
 * (names and contents, ignoring what the watcher ignores). Two events of one
 * save, or a save that wrote the same bytes, give the same print: no restart.
 */
export function fingerprintDir(dir: string): string {
  const h = createHash('sha1');
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      const rel = relative(dir, p);
      if (isIgnoredPath(rel)) continue;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== '__pycache__') walk(p);
      } else if (e.isFile()) {
        h.update(rel).update('\0');
        try {
          h.update(readFileSync(p));
        } catch {
          h.update('(unreadable)');
        }
        h.update('\0');
      }
    }
  };
  walk(dir);
  return h.digest('hex');
}
