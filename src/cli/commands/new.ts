import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { ErrorCode, HotplugError, displayPath } from '../../core/index.js';
import { createRegistry } from '../../pipeline/index.js';
import { LANGUAGES, TYPES, newPlugin, repoRootDir, type Language, type PluginType } from '../../scaffold/new-plugin.js';
import { checkPipelineTarget, pipelineSnippet, writePipeline } from '../../scaffold/pipeline-file.js';
import { ensurePyrightConfig, writeDirSchema } from '../../scaffold/project-files.js';
import { ask, interactive } from '../prompt.js';

/** Other spellings people type at the prompt or in --lang. */
const LANG_ALIASES: Record<string, string> = { py: 'python', python3: 'python', typescript: 'ts' };

function nextSteps(name: string, type: PluginType, dirRel: string, pipeline: string | undefined, route: string): string {
  const wire = pipeline
    ? [`  1. Wired up:      ${pipeline} (${type === 'input' ? 'its messages go to stdout' : `POST ${route}`})`]
    : [`  1. Wire it up: save this as ${dirRel}/${name}.yaml (or run 'hotplug new' with --route /${name})`, ...pipelineSnippet(name, type, route).split('\n').map((l) => `       ${l}`)];
  const curl = type === 'input' ? [] : [`  3. Call it:       curl -s http://127.0.0.1:4195${route} -d 'hello world'`];
  return [
    'Next steps:',
    ...wire,
    `  2. Serve it:      npx hotplug dev ${dirRel}`,
    ...curl,
    `  ${type === 'input' ? 3 : 4}. Test it:       npx hotplug test ${dirRel}/${name}`,
  ].join('\n');
}

/** The folder with the project's package.json above `dir` (where editors are opened), if any. */
function projectDir(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

export const newCommand: Command = {
  name: 'new',
  summary: 'Scaffold a TypeScript or Python plugin from a template',
  usage: 'hotplug new NAME --lang ts|python [--type processor|input|output] [--route /PATH] [--dir DIR] [--force]',
  help: [
    'Options:',
    '  --lang ts|python     the plugin language (asked on a terminal when missing; py works too)',
    '  --type TYPE          processor (default), input or output',
    '  --route /PATH        also write DIR/NAME.yaml: POST /PATH → the plugin (an input: → stdout)',
    '  --dir DIR            the functions dir to create NAME/ in (default: functions)',
    '  --force              replace an existing NAME/ folder (and NAME.yaml with --route)',
    '',
    'NAME may not be a built-in component\'s (mapping, http_server...): it would shadow it.',
    'Also written: DIR/.hotplug/pipeline.schema.json (the schema of pipelines in DIR, with its plugins)',
    'and, for Python in a project with a package.json, a pyrightconfig.json so editors resolve `hotplug`.',
    '',
    'Examples:',
    '  hotplug new shout --lang ts --route /shout',
    '  hotplug new score --lang python',
  ].join('\n'),
  flags: { lang: 'string', type: 'string', dir: 'string', force: 'boolean', route: 'string' },
  async run({ positionals, flags }) {
    const tty = interactive();
    let name = positionals[0];
    if (positionals.length > 1) throw new HotplugError(ErrorCode.Usage, `expected one NAME, got ${positionals.length}: ${positionals.join(' ')}`, { hint: "one plugin per 'hotplug new'" });
    if (!name) {
      if (!tty) throw new HotplugError(ErrorCode.Usage, 'missing plugin NAME', { hint: 'hotplug new NAME --lang ts|python' });
      name = await ask('Plugin name (lower snake_case)');
    }
    let lang = flags['lang'] as string | undefined;
    if (lang) lang = LANG_ALIASES[lang] ?? lang;
    if (!lang) {
      if (!tty) throw new HotplugError(ErrorCode.Usage, 'missing --lang', { hint: `pass --lang ${LANGUAGES.join(' or --lang ')}` });
      lang = await ask('Language', LANGUAGES, 'ts', LANG_ALIASES);
    }
    let type = flags['type'] as string | undefined;
    if (!type && tty && !flags['lang']) type = await ask('Type', TYPES, 'processor');
    const pluginType = (type ?? 'processor') as PluginType;
    const route = (flags['route'] as string | undefined) ?? `/${name}`;
    const dir = (flags['dir'] as string | undefined) ?? 'functions';
    const force = flags['force'] === true;
    const builtins = createRegistry().allSpecs().map((s) => ({ name: s.name, kind: s.kind }));
    const target = { dir, name, type: pluginType, route, force };
    if (flags['route'] !== undefined) checkPipelineTarget(target);
    const result = await newPlugin({ name, lang: lang as Language, type: pluginType, dir, force, builtins });
    const written: string[] = [];
    const pipeline = flags['route'] !== undefined ? writePipeline(target) : undefined;
    if (pipeline) written.push(displayPath(pipeline));
    writeDirSchema(dir);
    const project = projectDir(dir);
    if (lang === 'python' && project) {
      const pyright = ensurePyrightConfig(project, repoRootDir());
      if (pyright) written.push(`${displayPath(pyright)} (so editors resolve 'import hotplug')`);
    }
    const dirRel = displayPath(resolve(dir));
    const rel = displayPath(result.target);
    const also = written.length ? `Also wrote:\n${written.map((f) => `  ${f}`).join('\n')}\n` : '';
    process.stdout.write(`Created ${rel}/ (${lang} ${pluginType}):\n${result.files.map((f) => `  ${rel}/${f}`).join('\n')}\n${also}\n${nextSteps(name, pluginType, dirRel, pipeline && displayPath(pipeline), route)}\n`);
    return 0;
  },
};
