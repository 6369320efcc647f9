import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isIgnoredDir, isIgnoredPath } from './ignore.js';

/** Each file the watcher sees (absolute path) and a print of its contents, at one moment. */
export type FileSnapshot = ReadonlyMap<string, string>;

/** Files up to this size are hashed; bigger ones are judged by size, times and inode. */
const HASH_LIMIT = 1 << 20;

const MISSING = '(missing)';

function printFile(path: string): string {
  try {
    const st = statSync(path, { bigint: true });
    if (st.size > HASH_LIMIT) return `stat:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
    return createHash('sha1').update(readFileSync(path)).digest('hex');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? MISSING : '(unreadable)';
  }
}

/**
 * What every file of the functions dir holds now (ignoring what the watcher
 * ignores). A reload takes one before it loads anything, so what it starts is
 * never older than the snapshot: a later difference means a save to apply.
 * `extra` are files outside what the watcher walks (env files) that count too.
 */
export function snapshotFiles(root: string, extra: readonly string[] = []): Map<string, string> {
  const files = new Map<string, string>();
  for (const p of extra) {
    const print = printFile(p);
    if (print !== MISSING) files.set(p, print);
  }
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      const rel = relative(root, p);
      if (e.isDirectory()) {
        if (!isIgnoredDir(rel)) walk(p);
      } else if (e.isFile() && !isIgnoredPath(rel)) {
        files.set(p, printFile(p));
      }
    }
  };
  walk(root);
  return files;
}

/**
 * A print of a plugin's folder within a snapshot (names and contents). Two
 * events of one save, or a save that wrote the same bytes, give the same
 * print: no restart.
 */
export function dirPrint(files: FileSnapshot, dir: string): string {
  const h = createHash('sha1');
  const inside = [...files].filter(([p]) => p.startsWith(dir + sep)).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [p, print] of inside) h.update(relative(dir, p)).update('\0').update(print).update('\0');
  return h.digest('hex');
}

/** The print of an empty file. */
const EMPTY = createHash('sha1').digest('hex');

/** Whether a file that had content in `before` is empty in `after`. */
export function justEmptied(before: FileSnapshot, after: FileSnapshot): boolean {
  for (const [p, print] of after) if (print === EMPTY && before.has(p) && before.get(p) !== EMPTY) return true;
  return false;
}

/** Paths added, removed or changed between two snapshots. */
export function changedFiles(before: FileSnapshot, after: FileSnapshot): string[] {
  const out = [...after].filter(([p, print]) => before.get(p) !== print).map(([p]) => p);
  for (const p of before.keys()) if (!after.has(p)) out.push(p);
  return out;
}
