import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { pipelineSchemaText } from '../../scaffold/project-files.js';

export { pipelineSchemaText };

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema for pipeline files (with DIR: including its plugins)',
  usage: 'hotplug schema [DIR] [--out FILE]',
  help: [
    'Editors validate and complete pipeline files with it. `hotplug new` and `hotplug dev` keep',
    'DIR/.hotplug/pipeline.schema.json up to date (built-ins and the plugins of DIR); a pipeline in DIR',
    'points at it with the first line',
    '  # yaml-language-server: $schema=.hotplug/pipeline.schema.json',
    'The repo ships the built-in one as src/config/schemas/pipeline.schema.json (and plugin.schema.json).',
  ].join('\n'),
  flags: { out: 'string' },
  async run({ positionals, flags }) {
    const text = pipelineSchemaText(positionals[0]);
    const out = flags['out'] as string | undefined;
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
    return 0;
  },
};
