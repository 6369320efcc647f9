import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, HotplugError } from '../core/errors.js';

/**
 * The per-user build cache (`$TMPDIR/hotplug-build-<uid>/<sub>`): compiled TS
 * plugins and the SDK bundle, code that plugins run. Another local user must
 * not be able to put code there, so every level is created 0700 and checked
 * before each use: a real directory (not a symlink), owned by this user,
 * writable by no one else (then made 0700 if it was not). Anything else is
 * refused, never repaired: it may be someone else's trap.
 */
export function buildCacheDir(sub: string): string {
  const uid = process.getuid?.() ?? -1;
  const root = join(tmpdir(), `hotplug-build-${uid < 0 ? 'user' : uid}`);
  const dir = join(root, sub);
  for (const d of [root, dir]) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw cacheError(d, `cannot create it: ${(err as Error).message}`);
    }
    const st = lstatSync(d);
    const problem = unsafe(st, uid);
    if (problem !== undefined) throw cacheError(d, problem);
    // Ours and writable by no one else (an older hotplug made it 0755): close it.
    if ((st.mode & 0o077) !== 0) chmodSync(d, 0o700);
  }
  return dir;
}

/** Why a cache entry or dir cannot be trusted, or undefined when it can. */
function unsafe(st: Stats, uid: number, dir = true): string | undefined {
  if (st.isSymbolicLink()) return 'it is a symlink';
  if (dir ? !st.isDirectory() : !st.isFile()) return dir ? 'it is not a directory' : 'it is not a regular file';
  if (uid >= 0 && st.uid !== uid) return `it is owned by uid ${st.uid}, not ${uid}`;
  if ((st.mode & 0o022) !== 0) return `its mode is ${(st.mode & 0o777).toString(8)}: others can write to it`;
  return undefined;
}

function cacheError(path: string, why: string): HotplugError {
  return new HotplugError(ErrorCode.PluginCompile, `refusing to use the build cache ${path}: ${why}`, {
    hint: `another user may have created it; remove it (rm -rf ${path}) or point TMPDIR at a private directory`,
  });
}

/** sha256 of bytes, hex: what cache entry names carry. */
export function contentHash(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The bytes of a cache entry whose name ends in `-<sha256 prefix>.<ext>`, if
 * the file is ours and its content still hashes to that name; undefined
 * otherwise (the caller rebuilds). A name alone is never trusted.
 */
export function verifiedEntry(file: string): Buffer | undefined {
  const m = /-([0-9a-f]{32,64})\.[a-z]+$/.exec(file);
  if (m === null) return undefined;
  try {
    if (unsafe(lstatSync(file), process.getuid?.() ?? -1, false) !== undefined) return undefined;
    const data = readFileSync(file);
    return contentHash(data).startsWith(m[1] as string) ? data : undefined;
  } catch {
    return undefined;
  }
}
