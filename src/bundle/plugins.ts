import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { parseDocument } from 'yaml';
import { ErrorCode, HotplugError } from '../core/errors.js';
import type { ManifestPlugin } from './manifest.js';
import type { SourceFile } from './collect.js';

const TS_FILE = /\.(ts|mts|cts)$/;
const TS_RUNNERS = new Set(['tsx', 'ts-node']);

/** A TS entry a plugin runs, to be compiled to `out` (both relative to the functions dir). */
export interface TsCompile {
  entry: string;
  out: string;
}

export interface PluginPlan {
  manifest: ManifestPlugin;
  /** plugin.yaml's path in the functions dir, and its text with the command rewritten to run JS. */
  file: string;
  text: string;
  compiles: TsCompile[];
}

/**
 * Reads every plugin.yaml and plans what the bundle does with it: a TS
 * plugin's `.ts` argv elements are compiled to `.mjs` next to them and the
 * command rewritten (`node main.ts` → `node main.mjs`; `tsx` → `node`), so the
 * VM needs neither tsx nor TypeScript. Python and other plugins ship as they are.
 */
export async function planPlugins(files: readonly SourceFile[], functionsDir: string): Promise<PluginPlan[]> {
  const plans: PluginPlan[] = [];
  for (const f of files) {
    if (posix.basename(f.rel) !== 'plugin.yaml') continue;
    const text = await readFile(f.abs, 'utf8');
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      const e = doc.errors[0] as { message: string; linePos?: [{ line: number; col: number }] };
      throw new HotplugError(ErrorCode.YamlSyntax, e.message, {
        location: { file: join(functionsDir, f.rel), ...(e.linePos ? { line: e.linePos[0].line, col: e.linePos[0].col } : {}) },
      });
    }
    const raw = doc.toJS() as { name?: unknown; command?: unknown } | null;
    const command = raw?.command;
    if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string')) {
      throw new HotplugError(ErrorCode.MissingField, 'plugin.yaml needs `command`: a list of strings (argv)', {
        location: { file: join(functionsDir, f.rel), path: 'command' },
        hint: 'e.g. command: ["node", "main.ts"] or command: ["python3", "main.py"]',
      });
    }
    const dir = posix.dirname(f.rel);
    const argv = [...(command as string[])];
    const compiles: TsCompile[] = [];
    argv.forEach((arg, i) => {
      if (!TS_FILE.test(arg) || arg.startsWith('-')) return;
      const jsArg = arg.replace(TS_FILE, '.mjs');
      compiles.push({ entry: posix.normalize(posix.join(dir, arg)), out: posix.normalize(posix.join(dir, jsArg)) });
      argv[i] = jsArg;
      doc.setIn(['command', i], jsArg);
    });
    if (compiles.length > 0 && TS_RUNNERS.has(argv[0] as string)) {
      argv[0] = 'node';
      doc.setIn(['command', 0], 'node');
    }
    for (const c of compiles) {
      if (c.entry.startsWith('../') || c.out.startsWith('../')) {
        throw new HotplugError(ErrorCode.Bundle, `plugin ${f.rel} runs ${c.entry}, which is outside the functions dir`, {
          location: { file: join(functionsDir, f.rel), path: 'command' },
        });
      }
    }
    const language = compiles.length > 0 ? 'typescript' : argv.some((a) => /python/.test(posix.basename(a)) || a.endsWith('.py')) ? 'python' : 'other';
    plans.push({
      manifest: { name: typeof raw?.name === 'string' ? raw.name : dir, dir: dir === '.' ? 'functions' : `functions/${dir}`, language, command: argv },
      file: f.rel,
      text: compiles.length > 0 ? String(doc) : text,
      compiles,
    });
  }
  return plans;
}
