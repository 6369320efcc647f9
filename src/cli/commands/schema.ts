import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { discover, pipelineSchema, pluginSpec } from '../../config/index.js';
import { createRegistry } from '../../pipeline/index.js';

/** The pipeline JSON Schema: built-in components, plus the plugins of `dir` when given. */
export function pipelineSchemaText(dir?: string): string {
  const specs = [...createRegistry().allSpecs()];
  if (dir) specs.push(...discover(resolve(dir)).manifests.map(pluginSpec));
  return `${JSON.stringify(pipelineSchema(specs), null, 2)}\n`;
}

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema for pipeline files (with DIR: including its plugins)',
  usage: 'hotplug schema [DIR] [--out FILE]',
  help: [
    'Editors validate and complete pipeline files with it, e.g. with a first line',
    '  # yaml-language-server: $schema=./pipeline.schema.json',
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
