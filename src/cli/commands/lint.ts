import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { formatDiagnostic } from '../../core/index.js';
import { lintDir } from '../../config/index.js';
import { createHost } from '../../host/index.js';

export const lintCommand: Command = {
  name: 'lint',
  summary: 'Check plugin manifests and pipeline files; print every problem',
  usage: 'hotplug lint [DIR]',
  help: 'Checks every plugin.yaml and pipeline file under DIR (default: functions) without starting anything.\nExits 1 when there are errors, 0 when clean (warnings alone do not fail).',
  flags: {},
  async run({ positionals }) {
    const dir = resolve(positionals[0] ?? 'functions');
    // A host that is never started: it only knows the built-in components and how to compile expressions.
    const diags = lintDir(dir, createHost({ port: 0 }).loadOptions());
    const errors = diags.filter((d) => d.severity === 'error').length;
    const warnings = diags.length - errors;
    for (const d of diags) process.stdout.write(`${formatDiagnostic(d)}\n`);
    process.stdout.write(errors + warnings === 0 ? `${dir}: ok\n` : `${errors} error(s), ${warnings} warning(s)\n`);
    return errors > 0 ? 1 : 0;
  },
};
