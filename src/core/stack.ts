import { isAbsolute, relative } from 'node:path';

/** Frames of the host's own SDKs and of Node itself, which are never where a user's code threw. */
const NOT_USER = /node:internal|node_modules|hotplug-sdk-|\/sdk\/ts\/|\/sdk\/python\/hotplug\/|<anonymous>|^internal\//;
const JS_FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):\d+\)?\s*$/;
const PY_FRAME = /^\s*File "(.+?)", line (\d+)/;

/**
 * file:line of the throw in a stack a plugin sent: the innermost frame of the
 * user's code in a JS stack (the first `at` line), or in a Python traceback
 * (the last `File` line). Paths under the working directory are shown
 * relative to it. Undefined when no frame is the user's.
 */
export function throwLocation(stack: string, cwd = process.cwd()): string | undefined {
  const lines = stack.split('\n');
  const py = lines.some((l) => PY_FRAME.test(l));
  const ordered = py ? lines.reverse() : lines;
  for (const line of ordered) {
    const m = (py ? PY_FRAME : JS_FRAME).exec(line);
    if (m === null) continue;
    let file = (m[1] as string).replace(/^file:\/\//, '');
    if (NOT_USER.test(file)) continue;
    if (isAbsolute(file)) {
      const rel = relative(cwd, file);
      if (!rel.startsWith('..')) file = rel;
    }
    return `${file}:${m[2] as string}`;
  }
  return undefined;
}
