import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { createLogger, formatDiagnostic } from '../../core/index.js';
import { createEnvFiles, envFilesOf } from '../env-files.js';
import { runPipelineTests } from '../../host/index.js';
import { runTests } from '../../testing/index.js';
import { painter } from '../colour.js';

/** Colours a report chunk: ok lines green, FAIL lines red, the summary by its outcome. */
function colourReport(text: string, paint: ReturnType<typeof painter>): string {
  return text
    .replace(/^ok {3}.*$/gm, (l) => paint('green', l))
    .replace(/^FAIL .*$/gm, (l) => paint('red', l))
    .replace(/^(\d+) passed, (\d+) failed$/gm, (l, _p: string, f: string) => paint(f === '0' ? 'green' : 'red', l));
}

/** The functions dir a test path belongs to (whose .env is read by default): a plugin folder's parent, a file's folder. */
function functionsDirOf(path: string): string | undefined {
  const p = resolve(path);
  if (!existsSync(p)) return undefined;
  const d = statSync(p).isDirectory() ? p : dirname(p);
  return existsSync(join(d, 'plugin.yaml')) ? dirname(d) : d;
}

export const testCommand: Command = {
  name: 'test',
  summary: 'Run the tests of plugins and pipelines through their real processes',
  usage: 'hotplug test [PATH...] [--env-file PATH]',
  help: [
    'PATH is a functions dir (default: functions), a plugin folder, a pipeline file or a *.test.yaml file.',
    'A plugin is tested by *.test.yaml files in its folder; a pipeline NAME.yaml by NAME.test.yaml next to',
    'it or by its own `tests:` section (Redpanda Connect style; `target_processors` picks the processors,',
    'default /pipeline/processors). A pipeline uses the plugins of the folder given to `hotplug test`, or',
    'of functions/ (or its own folder) when named on its own. Prints a diff for each failure and',
    '`N passed, N failed`; exits 1 when anything failed.',
    '',
    'Options:',
    '  --env-file PATH   NAME=value lines for ${VAR} and every plugin\'s environment (repeatable; the',
    '                    real environment wins); default: the .env of the functions dir, as in dev',
    '  --verbose         show plugin logs',
  ].join('\n'),
  flags: { verbose: 'boolean', 'env-file': 'list' },
  async run({ positionals, flags }) {
    const paint = painter(process.stdout);
    const log = createLogger({ level: flags['verbose'] ? 'info' : 'error' });
    const paths = positionals.length ? positionals : ['functions'];
    const env = createEnvFiles(envFilesOf(flags['env-file'] as string[] | undefined, functionsDirOf(paths[0] as string)));
    const envErrors = env.reload();
    if (envErrors.length) {
      process.stderr.write(`${envErrors.map(formatDiagnostic).join('\n')}\nhotplug: ${envErrors.length} error(s) in env files; no tests run.\n`);
      return 1;
    }
    const pluginEnv = env.vars();
    const { failed } = await runTests({
      paths,
      log,
      pluginEnv,
      out: (t) => process.stdout.write(colourReport(t, paint)),
      runPipelineTests: (target) => runPipelineTests(target, { log, env: env.lookup, pluginEnv }),
    });
    return failed > 0 ? 1 : 0;
  },
};
