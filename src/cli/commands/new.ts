import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { ErrorCode, HotplugError, displayPath } from '../../core/index.js';
import { LANGUAGES, TYPES, newPlugin, type Language, type PluginType } from '../../scaffold/new-plugin.js';
import { ask, interactive } from '../prompt.js';

function nextSteps(name: string, type: PluginType, dirRel: string): string {
  const snippet: Record<PluginType, string[]> = {
    processor: ['input:', '  http_server:', `    path: /${name}`, 'pipeline:', '  processors:', `    - ${name}: {}`, 'output:', '  sync_response: {}'],
    input: ['input:', `  ${name}: {}`, 'output:', '  stdout: {}'],
    output: ['input:', '  http_server:', `    path: /${name}`, 'output:', `  ${name}: {}`],
  };
  const curl = type === 'input' ? [] : [`  3. Call it:       curl -s http://127.0.0.1:4195/${name} -d 'hello world'`];
  return [
    'Next steps:',
    `  1. Wire it up: save this as ${dirRel}/${name}.yaml`,
    ...snippet[type].map((l) => `       ${l}`),
    `  2. Serve it:      npx hotplug dev ${dirRel}`,
    ...curl,
    `  ${type === 'input' ? 3 : 4}. Test it:       npx hotplug test ${dirRel}/${name}`,
  ].join('\n');
}

export const newCommand: Command = {
  name: 'new',
  summary: 'Scaffold a TypeScript or Python plugin from a template',
  usage: 'hotplug new NAME --lang ts|python [--type processor|input|output] [--dir DIR] [--force]',
  help: [
    'Options:',
    '  --lang ts|python     the plugin language (asked on a terminal when missing)',
    '  --type TYPE          processor (default), input or output',
    '  --dir DIR            the functions dir to create NAME/ in (default: functions)',
    '  --force              replace an existing NAME/ folder',
    '',
    'Example:',
    '  hotplug new shout --lang ts',
  ].join('\n'),
  flags: { lang: 'string', type: 'string', dir: 'string', force: 'boolean' },
  async run({ positionals, flags }) {
    const tty = interactive();
    let name = positionals[0];
    if (positionals.length > 1) throw new HotplugError(ErrorCode.Usage, `expected one NAME, got ${positionals.length}`, { hint: "quote nothing; one plugin per 'hotplug new'" });
    if (!name) {
      if (!tty) throw new HotplugError(ErrorCode.Usage, 'missing plugin NAME', { hint: 'hotplug new NAME --lang ts|python' });
      name = await ask('Plugin name (lower snake_case)');
    }
    let lang = flags['lang'] as string | undefined;
    if (!lang) {
      if (!tty) throw new HotplugError(ErrorCode.Usage, 'missing --lang', { hint: `pass --lang ${LANGUAGES.join(' or --lang ')}` });
      lang = await ask('Language', LANGUAGES, 'ts');
    }
    let type = flags['type'] as string | undefined;
    if (!type && tty && !flags['lang']) type = await ask('Type', TYPES, 'processor');
    const dir = (flags['dir'] as string | undefined) ?? 'functions';
    const result = await newPlugin({ name, lang: lang as Language, type: (type ?? 'processor') as PluginType, dir, force: flags['force'] === true });
    const dirRel = displayPath(resolve(dir));
    const rel = displayPath(result.target);
    process.stdout.write(`Created ${rel}/ (${lang} ${type ?? 'processor'}):\n${result.files.map((f) => `  ${rel}/${f}`).join('\n')}\n\n${nextSteps(name, (type ?? 'processor') as PluginType, dirRel)}\n`);
    return 0;
  },
};
