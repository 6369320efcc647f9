import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { lintDir } from '../../config/index.js';
import { bundle } from '../../bundle/index.js';
import { createHost } from '../../host/index.js';

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'Build a self-contained, reproducible .tar.gz that runs DIR on a VM with only Node.js',
  usage: 'hotplug bundle [DIR] [--out FILE]',
  help: [
    'Options:',
    '  --out FILE    where to write the bundle (default: hotplug-bundle.tar.gz)',
    '',
    'DIR (default: functions) is linted first; any error stops the bundle. The bundle holds the host',
    '(one file), the functions (TS plugins precompiled), the Python SDK, ./start, a systemd unit and',
    'manifest.json with every file\'s sha256. Same input, same bytes. See the README, "Deploying to a VM".',
  ].join('\n'),
  flags: { out: 'string' },
  async run({ positionals, flags }) {
    const dir = resolve(positionals[0] ?? 'functions');
    await bundle({
      dir,
      ...(flags['out'] ? { out: flags['out'] as string } : {}),
      log: (l) => process.stdout.write(`${l}\n`),
      progress: process.stderr,
      check: (d) => lintDir(d, createHost({ port: 0 }).loadOptions()),
    });
    return 0;
  },
};
