import { isAbsolute, relative } from 'node:path';

/** A path as a person wants to read it: relative to the working dir when inside it, absolute otherwise. */
export function displayPath(p: string, cwd = process.cwd()): string {
  const rel = relative(cwd, p);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? p : rel;
}
