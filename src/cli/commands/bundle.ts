import { resolve } from 'node:path';
import { ErrorCode, HotplugError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { lintDir } from '../../config/index.js';
import { bundle, exportForConnect } from '../../bundle/index.js';
import { createHost } from '../../host/index.js';

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'Build a self-contained, reproducible .tar.gz that runs DIR on a VM with only Node.js',
  usage: 'hotplug bundle [DIR] [--out FILE] [--format hotplug|connect]',
  help: [
    'Options:',
    '  --out FILE    where to write the bundle (default: hotplug-bundle.tar.gz; with --format connect, a',
    '                new folder, default connect-plugins)',
    '  --format F    hotplug (default): the .tar.gz below. connect: one folder per plugin that starts',
    '                unchanged under Redpanda Connect (rpk connect run --rpc-plugins=FOLDER/plugin.yaml):',
    '                TS compiled with the SDK inlined, the Python SDK vendored, no hotplug at run time.',
    '',
    'DIR (default: functions) is linted first; any error stops the bundle. The bundle holds the host',
    '(one file), the functions (TS plugins precompiled), the Python SDK, ./start, a systemd unit and',
    'manifest.json with every file\'s sha256. Same input, same bytes. See the README, "Deploying to a VM".',
  ].join('\n'),
  flags: { out: 'string', format: 'string' },
  async run({ positionals, flags }) {
    const dir = resolve(positionals[0] ?? 'functions');
    const check = (d: string) => lintDir(d, createHost({ port: 0 }).loadOptions());
    const format = (flags['format'] as string | undefined) ?? 'hotplug';
    if (format === 'connect') {
      await exportForConnect({ dir, out: (flags['out'] as string | undefined) ?? 'connect-plugins', check, log: (l) => process.stdout.write(`${l}\n`) });
      return 0;
    }
    if (format !== 'hotplug') throw new HotplugError(ErrorCode.Usage, `unknown --format ${format}`, { hint: 'use --format hotplug (the default) or --format connect' });
    await bundle({
      dir,
      ...(flags['out'] ? { out: flags['out'] as string } : {}),
      log: (l) => process.stdout.write(`${l}\n`),
      progress: process.stderr,
      check,
    });
    return 0;
  },
};
