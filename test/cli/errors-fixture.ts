// A functions dir whose plugins fail in every way issue 11 lists: a TS and a Python processor that
// throw, crash (poison) or hang on command, a Python processor whose constructor raises, one whose binary
// is missing, and routes that handle errors (catch), send on (http_client) or pass them through.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The line of `JSON.parse('not json')` in the TS plugin, where its throw is reported. */
export const TS_THROW_LINE = 6;

const tsGuard = `import { writeFileSync } from 'node:fs';
import { processor } from 'hotplug/sdk';
writeFileSync('pid-' + process.env.GUARD_NAME, String(process.pid));
processor((msg) => {
  const text = msg.text();
  if (text === 'throw') return JSON.parse('not json');
  if (text === 'poison') process.exit(3);
  if (text === 'hang') for (;;);
  return 'ok:' + text;
});
`;

const tsSink = `import { writeFileSync } from 'node:fs';
import { output } from 'hotplug/sdk';
writeFileSync('pid-' + process.env.GUARD_NAME, String(process.pid));
output((batch) => {
  for (const msg of batch) if (msg.text() === 'hang') for (;;);
});
`;

const pyGuard = `import asyncio, os, time
from hotplug import Message, processor, processor_main

@processor
def guard_py(msg: Message) -> Message:
    text = msg.as_text()
    if text == "raise":
        raise ValueError("cannot handle " + text)
    if text == "poison":
        os._exit(3)
    if text == "hang":
        time.sleep(3600)
    msg.payload = "ok:" + text
    return msg

if __name__ == "__main__":
    asyncio.run(processor_main(guard_py))
`;

const pyBadCtor = `import asyncio
from hotplug import processor_main

def bad_ctor(config):
    raise RuntimeError("model file /models/x.bin is missing")

if __name__ == "__main__":
    asyncio.run(processor_main(bad_ctor))
`;

const manifest = (name: string, command: string[], extra = '', type = 'processor'): string =>
  `name: ${name}\ntype: ${type}\ncommand: ${JSON.stringify(command)}\nenv:\n  GUARD_NAME: ${name}\n${extra}`;

const stream = (path: string, processors: string, opts: { output?: string; top?: string; timeout?: string } = {}): string =>
  `${opts.top ?? ''}input:\n  http_server:\n    path: ${path}\n    timeout: ${opts.timeout ?? '5s'}\npipeline:\n  processors:\n${processors}\noutput:\n${opts.output ?? '  sync_response: {}'}\n`;

function plugin(dir: string, name: string, file: string, text: string, command: string[], extra = '', type = 'processor'): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, file), text);
  writeFileSync(join(dir, name, 'plugin.yaml'), manifest(name, command, extra, type));
}

/** Writes the functions dir; `sinkUrl` receives what the http_client route sends on. */
export function writeErrorsFixture(dir: string, sinkUrl: string): void {
  // One plugin per scenario, so a crash or a hang in one test does not touch the others.
  for (const name of ['guard_ts', 'poison_ts']) plugin(dir, name, 'main.ts', tsGuard, ['node', 'main.ts']);
  plugin(dir, 'hang_ts', 'main.ts', tsGuard, ['node', 'main.ts'], 'deadline: 1s\ninstances: 2\n');
  plugin(dir, 'stop_ts', 'main.ts', tsGuard, ['node', 'main.ts'], 'deadline: 1s\n');
  plugin(dir, 'sink_ts', 'main.ts', tsSink, ['node', 'main.ts'], 'deadline: 1s\n', 'output');
  // No `deadline:`: its calls get the default, just under the route's 2 s timeout.
  plugin(dir, 'hang_default', 'main.ts', tsGuard, ['node', 'main.ts']);
  plugin(dir, 'guard_py', 'main.py', pyGuard, ['python3', 'main.py'], 'deadline: 1s\n');
  plugin(dir, 'bad_ctor', 'main.py', pyBadCtor, ['python3', 'main.py']);
  plugin(dir, 'missing_bin', 'main.py', pyGuard, ['/nonexistent/hotplug-test-binary']);
  writeFileSync(join(dir, 'ts.yaml'), stream('/ts', '    - guard_ts: {}'));
  writeFileSync(join(dir, 'py.yaml'), stream('/py', '    - guard_py: {}'));
  writeFileSync(join(dir, 'poison.yaml'), stream('/poison', '    - poison_ts: {}'));
  writeFileSync(join(dir, 'hang.yaml'), stream('/hang', '    - hang_ts: {}'));
  writeFileSync(join(dir, 'stop.yaml'), stream('/stop', '    - stop_ts: {}'));
  writeFileSync(join(dir, 'sink.yaml'), stream('/sink', '    - mapping: root = content()', { output: '  sink_ts: {}' }));
  writeFileSync(join(dir, 'hangdef.yaml'), stream('/hangdef', '    - hang_default: {}', { timeout: '2s' }));
  writeFileSync(join(dir, 'ctor.yaml'), stream('/ctor', '    - bad_ctor: {}', { timeout: '2s' }));
  writeFileSync(join(dir, 'missing.yaml'), stream('/missing', '    - missing_bin: {}'));
  writeFileSync(join(dir, 'caught.yaml'), stream('/caught', '    - guard_ts: {}\n    - catch:\n        - mapping: \'root = "caught: " + error()\''));
  writeFileSync(join(dir, 'client.yaml'), stream('/client', '    - guard_ts: {}', { output: `  http_client:\n    url: ${sinkUrl}\n    verb: POST\n    retries: 0` }));
  writeFileSync(join(dir, 'pass.yaml'), stream('/pass', '    - guard_ts: {}', { top: 'unhandled_errors: pass_through\n' }));
}
