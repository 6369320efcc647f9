import type { Command } from '../command.js';
import { createLogger } from '../../core/index.js';
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

export const testCommand: Command = {
  name: 'test',
  summary: 'Run the tests of plugins and pipelines through their real processes',
  usage: 'hotplug test [PATH...]',
  help: [
    'PATH is a functions dir (default: functions), a plugin folder, a pipeline file or a *.test.yaml file.',
    'A plugin is tested by *.test.yaml files in its folder; a pipeline NAME.yaml by NAME.test.yaml next to',
    'it or by its own `tests:` section (Redpanda Connect style; `target_processors` picks the processors,',
    'default /pipeline/processors). A pipeline uses the plugins of the folder given to `hotplug test`, or',
    'of functions/ (or its own folder) when named on its own. Prints a diff for each failure and',
    '`N passed, N failed`; exits 1 when anything failed.',
    '',
    'Options:',
    '  --verbose    show plugin logs',
  ].join('\n'),
  flags: { verbose: 'boolean' },
  async run({ positionals, flags }) {
    const paint = painter(process.stdout);
    const log = createLogger({ level: flags['verbose'] ? 'info' : 'error' });
    const { failed } = await runTests({
      paths: positionals.length ? positionals : ['functions'],
      log,
      out: (t) => process.stdout.write(colourReport(t, paint)),
      runPipelineTests: (target) => runPipelineTests(target, { log }),
    });
    return failed > 0 ? 1 : 0;
  },
};
