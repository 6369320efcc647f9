import { dirname, isAbsolute, relative, sep } from 'node:path';

/**
 * How a file of the hotplug install is named in a file written into a user's
 * project (a schema line, a pyright extraPaths entry): relative when both are
 * part of one project — the plugin inside the hotplug checkout, or hotplug
 * installed in the project's node_modules — so the project can be moved or
 * cloned elsewhere; absolute otherwise (a global install), so it still resolves.
 */
export function editorPath(installRoot: string, fromDir: string, file: string): string {
  const inside = (child: string, parent: string): boolean => {
    const rel = relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  const nodeModules = installRoot.lastIndexOf(`${sep}node_modules${sep}`);
  const project = nodeModules >= 0 ? installRoot.slice(0, nodeModules) : installRoot;
  if (!inside(fromDir, project)) return file;
  return relative(fromDir, file) || '.';
}

/** `editorPath` for a line in a file (relative to the file's folder). */
export function editorPathFromFile(installRoot: string, fromFile: string, file: string): string {
  return editorPath(installRoot, dirname(fromFile), file);
}
