import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from '../command.js';
import { ErrorCode, HotplugError, displayPath, formatDiagnostic } from '../../core/index.js';
import { lintDir } from '../../config/index.js';
import { createHost } from '../../host/index.js';
import { painter } from '../colour.js';
import { createEnvFiles, envFilesOf } from '../env-files.js';

export const lintCommand: Command = {
  name: 'lint',
  summary: 'Check plugin manifests and pipeline files; print every problem',
  usage: 'hotplug lint [DIR|FILE]',
  help: [
    'Checks every plugin.yaml and pipeline file under DIR (default: functions) without starting anything.',
    '`${VAR}` sees the environment and DIR/.env, as `hotplug dev` does (a bad line there is reported too).',
    'With FILE (a pipeline or a plugin.yaml), checks its folder and reports that file only.',
    'Exits 1 when there are errors, 0 when clean (warnings alone do not fail). Colour on a terminal',
    '(NO_COLOR turns it off).',
  ].join('\n'),
  flags: {},
  async run({ positionals }) {
    if (positionals.length > 1) throw new HotplugError(ErrorCode.Usage, `expected one DIR or FILE, got ${positionals.length}: ${positionals.join(' ')}`, { hint: 'hotplug lint [DIR|FILE]' });
    const target = resolve(positionals[0] ?? 'functions');
    if (!existsSync(target)) throw new HotplugError(ErrorCode.Io, `${target} does not exist`, { hint: 'pass a functions dir or a file in one (default: functions)' });
    const file = statSync(target).isFile() ? target : undefined;
    // A pipeline or plugin.yaml is checked with the plugins of its functions dir around it.
    const dir = file === undefined ? target : /plugin\.ya?ml$/.test(file) ? dirname(dirname(file)) : dirname(file);
    // A host that is never started: it only knows the built-in components and how to compile expressions.
    // DIR/.env as dev reads it: `${VAR}` set there is set for lint too, and its bad lines are reported.
    const env = createEnvFiles(envFilesOf(undefined, dir));
    const envErrors = env.reload();
    const all = [...envErrors, ...lintDir(dir, createHost({ port: 0, env: env.lookup }).loadOptions())];
    const diags = file === undefined ? all : all.filter((d) => d.location?.file === file);
    const paint = painter(process.stdout);
    const errors = diags.filter((d) => d.severity === 'error').length;
    const warnings = diags.length - errors;
    for (const d of diags) {
      const [first, ...rest] = formatDiagnostic(d).split('\n');
      process.stdout.write(`${paint(d.severity === 'error' ? 'red' : 'yellow', first ?? '')}${rest.length ? `\n${paint('dim', rest.join('\n'))}` : ''}\n`);
    }
    const summary = `${errors} error(s), ${warnings} warning(s)`;
    process.stdout.write(errors + warnings === 0 ? `${paint('green', `${displayPath(target)}: ok`)}\n` : `${paint(errors ? 'red' : 'yellow', summary)}\n`);
    return errors > 0 ? 1 : 0;
  },
};
