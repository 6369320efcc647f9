import { mkdir, realpath, symlink, writeFile, chmod } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import type { TarEntry } from './tar.js';

/** Thrown for an archive entry that could write outside the extraction root. */
export class UnsafeEntryError extends Error {
  readonly entry: string;
  constructor(entry: string, reason: string) {
    super(`unsafe entry ${JSON.stringify(entry)} in the bundle: ${reason}`);
    this.name = 'UnsafeEntryError';
    this.entry = entry;
  }
}

/**
 * Checks every entry before anything touches the disk: relative paths made of
 * plain segments (no `..`, `.`, empty or absolute), no duplicates, nothing
 * below a symlink or a file, and symlinks that stay inside the root.
 */
export function checkEntries(entries: readonly TarEntry[]): void {
  const kinds = new Map<string, TarEntry['type']>();
  for (const e of entries) {
    checkPath(e.path);
    if (kinds.has(e.path)) throw new UnsafeEntryError(e.path, 'it appears twice');
    const segments = e.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      const kind = kinds.get(parent);
      if (kind === 'symlink') throw new UnsafeEntryError(e.path, `it lies below the symlink ${parent}`);
      if (kind === 'file') throw new UnsafeEntryError(e.path, `it lies below the file ${parent}`);
    }
    if (e.type === 'symlink') checkLinkTarget(e.path, e.linkTarget ?? '');
    kinds.set(e.path, e.type);
  }
  // A later entry can make an earlier one a parent; check the other direction too.
  for (const e of entries) {
    const kind = kinds.get(posix.dirname(e.path));
    if (kind === 'symlink' || kind === 'file') throw new UnsafeEntryError(e.path, `it lies below the ${kind} ${posix.dirname(e.path)}`);
  }
}

function checkPath(path: string): void {
  if (path === '') throw new UnsafeEntryError(path, 'the path is empty');
  if (path.includes('\0')) throw new UnsafeEntryError(path, 'the path contains a NUL byte');
  if (path.startsWith('/')) throw new UnsafeEntryError(path, 'the path is absolute');
  for (const seg of path.split('/')) {
    if (seg === '..') throw new UnsafeEntryError(path, 'the path contains ".."');
    if (seg === '' || seg === '.') throw new UnsafeEntryError(path, 'the path has an empty or "." segment');
  }
}

function checkLinkTarget(path: string, target: string): void {
  if (target === '') throw new UnsafeEntryError(path, 'the symlink has no target');
  if (target.startsWith('/')) throw new UnsafeEntryError(path, `the symlink points at the absolute path ${target}`);
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../')) throw new UnsafeEntryError(path, `the symlink points outside the bundle (${target})`);
}

/**
 * Writes checked entries below `root`, which must not exist yet (it is
 * created). Files are created exclusively; symlinks come last, and each is
 * resolved on disk afterwards to be sure it stays inside `root` (the lexical
 * check cannot see through chains of links).
 */
export async function extractEntries(entries: readonly TarEntry[], root: string): Promise<void> {
  checkEntries(entries);
  await mkdir(root, { mode: 0o755 });
  const links: TarEntry[] = [];
  for (const e of entries) {
    const dest = join(root, ...e.path.split('/'));
    if (e.type === 'dir') {
      await mkdir(dest, { recursive: true, mode: 0o755 });
      await chmod(dest, e.mode & 0o755);
    } else if (e.type === 'file') {
      await mkdir(join(dest, '..'), { recursive: true, mode: 0o755 });
      await writeFile(dest, e.data, { flag: 'wx', mode: e.mode & 0o755 });
      // The umask may have masked bits off on create.
      await chmod(dest, e.mode & 0o755);
    } else {
      links.push(e);
    }
  }
  for (const e of links) {
    const dest = join(root, ...e.path.split('/'));
    await mkdir(join(dest, '..'), { recursive: true, mode: 0o755 });
    await symlink(e.linkTarget as string, dest);
  }
  if (links.length === 0) return;
  const realRoot = await realpath(root);
  for (const e of links) {
    const dest = join(root, ...e.path.split('/'));
    let real: string;
    try {
      real = await realpath(dest);
    } catch {
      throw new UnsafeEntryError(e.path, `the symlink's target ${e.linkTarget} does not exist in the bundle`);
    }
    if (real !== realRoot && !real.startsWith(realRoot + sep)) {
      throw new UnsafeEntryError(e.path, `the symlink resolves outside the bundle (${real})`);
    }
  }
}
