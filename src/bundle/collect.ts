import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ErrorCode, HotplugError } from '../core/errors.js';

/** A file found in the functions dir, by its path relative to that dir. */
export interface SourceFile {
  rel: string;
  abs: string;
  executable: boolean;
}

/** Folders that are build or tool state, never something the VM needs (the config loader skips them too). */
const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'venv']);
/** Compiled Python, logs, and `hotplug test` files (`*.test.yaml`): tests run on the laptop, not the VM. */
const SKIP_FILE = /\.(pyc|pyo|log|tsbuildinfo)$|\.test\.ya?ml$/;

/**
 * Lists what a functions dir ships: everything except dotfiles and dot-dirs,
 * node_modules, __pycache__, virtualenvs (`venv`, or any folder holding a
 * pyvenv.cfg), compiled Python and `*.test.yaml` files. Symlinks are followed when they stay inside the dir
 * (their target's contents are shipped) and refused when they leave it or
 * point at a folder.
 * Sorted by path.
 */
export async function collectFunctions(dir: string): Promise<SourceFile[]> {
  const root = await realpath(dir).catch((err: NodeJS.ErrnoException) => {
    throw new HotplugError(ErrorCode.Bundle, `cannot read the functions dir ${dir}: ${err.code ?? err.message}`, {
      hint: 'pass the folder that holds your pipelines and plugins, e.g. `hotplug bundle functions`',
    });
  });
  if (!(await stat(root)).isDirectory()) throw new HotplugError(ErrorCode.Bundle, `${dir} is not a directory`);
  const out: SourceFile[] = [];
  await walk(root, root, out);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

async function walk(root: string, dir: string, out: SourceFile[]): Promise<void> {
  const names = (await readdir(dir)).sort();
  if (names.includes('pyvenv.cfg')) return;
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const abs = join(dir, name);
    let st = await lstat(abs);
    if (st.isSymbolicLink()) {
      const real = await realpath(abs).catch(() => undefined);
      if (real === undefined || (real !== root && !real.startsWith(root + sep))) {
        throw new HotplugError(ErrorCode.Bundle, `${relative(root, abs)} is a symlink that points outside the functions dir`, {
          hint: 'copy the file into the functions dir instead; a bundle must hold everything it needs',
        });
      }
      st = await stat(abs);
      if (st.isDirectory()) {
        throw new HotplugError(ErrorCode.Bundle, `${relative(root, abs)} is a symlink to a directory`, {
          hint: 'bundles follow symlinked files only (linked folders can loop); move or copy the folder instead',
        });
      }
    }
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) await walk(root, abs, out);
    } else if (st.isFile()) {
      if (!SKIP_FILE.test(name)) out.push({ rel: relative(root, abs).split(sep).join('/'), abs, executable: (st.mode & 0o111) !== 0 });
    }
  }
}

export async function readSource(f: SourceFile): Promise<Buffer> {
  return readFile(f.abs);
}
