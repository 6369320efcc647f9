import { basename, sep } from 'node:path';

/** Folder names whose contents never trigger a reload. */
const IGNORED_DIRS = new Set(['node_modules', '__pycache__', 'venv', '.venv', 'env', '.git', '.hotplug-cache']);

/**
 * Editor droppings: vim swap and backup files and its `4913` write probe,
 * emacs lock and autosave files, JetBrains `___jb_tmp___`, `sed -i`'s temp
 * file, generic `.tmp`.
 */
const EDITOR_TEMP = /(^\.?#|~$|\.sw[a-p]$|\.swx$|^4913$|___jb_(tmp|old)___$|\.tmp$|\.crswap$|^sed[A-Za-z0-9]{6}$)/;

/**
 * True when a path (relative to the functions dir) is not something a user
 * edits to change behaviour: dotfiles and dot-dirs, dependency and cache
 * folders, and editor temp files.
 */
export function isIgnoredPath(relPath: string): boolean {
  const parts = relPath.split(sep === '/' ? '/' : /[\\/]/);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part === '' || part === '.') continue;
    if (part.startsWith('.')) return true;
    if (i < parts.length - 1 && IGNORED_DIRS.has(part)) return true;
  }
  return EDITOR_TEMP.test(basename(relPath));
}

/** True when nothing inside the folder (relative to the functions dir) is watched. */
export function isIgnoredDir(relPath: string): boolean {
  return isIgnoredPath(relPath) || IGNORED_DIRS.has(basename(relPath));
}
