import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ErrorCode, HotplugError, type Diagnostic } from '../core/index.js';

/** An env file bigger than this is refused (it is read on every reload in dev). */
const MAX_ENV_FILE_BYTES = 1024 * 1024;

const ASSIGNMENT = /^(export\s+)?([^=]*)=(.*)$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks dotenv text line by line before util.parseEnv reads it: parseEnv
 * silently skips or merges lines that are not `NAME=value`. Each problem names
 * its line and column and how to fix it, never the line's text (it may hold a
 * secret).
 */
export function checkEnvText(text: string, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const problem = (line: number, col: number, message: string, hint: string): void => {
    out.push({ severity: 'error', code: ErrorCode.EnvVar, message, hint, location: { file, line, col } });
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length + 1;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      problem(i + 1, indent, 'not a variable assignment (NAME=value)', 'write NAME=value, or start the line with # to make it a comment (the line is not shown here: it may hold a secret)');
      continue;
    }
    const name = (m[2] as string).trim();
    if (!NAME.test(name)) {
      problem(i + 1, indent + (m[1]?.length ?? 0), 'the name before = is not a variable name', 'names are letters, digits and _, and do not start with a digit (e.g. API_KEY=...)');
      continue;
    }
    const value = (m[3] as string).trimStart();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.indexOf(quote, 1) === -1) {
      // A quoted value may span lines: it ends at the line holding the closing quote.
      let j = i + 1;
      while (j < lines.length && !(lines[j] as string).includes(quote)) j++;
      if (j === lines.length) {
        problem(i + 1, raw.indexOf('=') + 2, `the value of ${name} opens a ${quote} quote that is never closed`, `close it with ${quote} (a quoted value may span lines), or remove the quote`);
        return out;
      }
      i = j;
    }
  }
  return out;
}

/** One env file to read: the default DIR/.env may be missing, a file given with --env-file may not. */
export interface EnvFileSpec {
  path: string;
  required: boolean;
}

function readEnvFile(spec: EnvFileSpec): { vars: Record<string, string>; errors: Diagnostic[] } {
  const error = (message: string, hint: string): { vars: Record<string, string>; errors: Diagnostic[] } => ({
    vars: {},
    errors: [{ severity: 'error', code: ErrorCode.EnvVar, message, hint, location: { file: spec.path } }],
  });
  let size: number;
  try {
    size = statSync(spec.path).size;
  } catch (err) {
    if (!spec.required && (err as NodeJS.ErrnoException).code === 'ENOENT') return { vars: {}, errors: [] };
    return error(`cannot read the env file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check the path given to --env-file');
  }
  if (size > MAX_ENV_FILE_BYTES) return error(`the env file is ${size} bytes; the limit is ${MAX_ENV_FILE_BYTES}`, 'an env file holds NAME=value lines; keep large data in files the plugin reads');
  const text = readFileSync(spec.path, 'utf8');
  const errors = checkEnvText(text, spec.path);
  return errors.length ? { vars: {}, errors } : { vars: parseEnv(text) as Record<string, string>, errors: [] };
}

/** The env files of `dev`/`run`: variables for `${VAR}` in pipelines and for every plugin process. */
export interface EnvFiles {
  readonly specs: readonly EnvFileSpec[];
  /**
   * Reads the files again. A file with an error keeps the variables it had
   * (as a broken pipeline keeps serving) and its errors are returned.
   */
  reload(): Diagnostic[];
  /** What `${NAME}` sees: the real environment wins over the files. */
  lookup(name: string): string | undefined;
  /** The files' variables, with the real environment's value where it sets one (what plugins get). */
  vars(): Record<string, string>;
}

/**
 * `--env-file PATH` (repeatable; later files win over earlier ones; each must
 * exist) or, when none is given and `defaultDir` is set, DIR/.env if it exists.
 */
export function envFilesOf(flag: string[] | undefined, defaultDir: string | undefined): EnvFileSpec[] {
  if (flag?.length) {
    for (const p of flag) {
      if (!existsSync(p)) throw new HotplugError(ErrorCode.Usage, `--env-file ${p}: no such file`, { hint: 'give the path of a file of NAME=value lines (relative to the current folder)' });
    }
    return flag.map((p) => ({ path: resolve(p), required: true }));
  }
  return defaultDir === undefined ? [] : [{ path: join(defaultDir, '.env'), required: false }];
}

export function createEnvFiles(specs: readonly EnvFileSpec[]): EnvFiles {
  const perFile = new Map<string, Record<string, string>>();
  let merged: Record<string, string> = {};
  return {
    specs,
    reload() {
      const errors: Diagnostic[] = [];
      for (const spec of specs) {
        const read = readEnvFile(spec);
        if (read.errors.length) errors.push(...read.errors);
        else perFile.set(spec.path, read.vars);
      }
      merged = Object.assign({}, ...specs.map((s) => perFile.get(s.path) ?? {})) as Record<string, string>;
      return errors;
    },
    lookup: (name) => process.env[name] ?? (Object.hasOwn(merged, name) ? merged[name] : undefined),
    vars: () => Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, process.env[k] ?? v])),
  };
}
