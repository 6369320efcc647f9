import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpStream, manifest } from '../dev/fixture.js';

/** A TS processor that prefixes its version, and throws (with a stack) on the body 'boom'. */
export const greetPlugin = (version: string): string => `import { processor } from 'hotplug/sdk';

function check(text: string): void {
  if (text === 'boom') throw new Error('boom: the plugin refused this body');
}

console.error('greet ${version} listening');

processor((msg) => {
  check(msg.text());
  return '${version}:' + msg.text();
});
`;

/** A functions dir for the console: plugin `greet` on POST /greet, and a mapping-only route /shout. */
export function writeConsoleFixture(dir: string): void {
  mkdirSync(join(dir, 'greet'), { recursive: true });
  writeFileSync(join(dir, 'greet', 'plugin.yaml'), manifest('greet', ['node', 'main.ts']));
  writeFileSync(join(dir, 'greet', 'main.ts'), greetPlugin('v1'));
  writeFileSync(join(dir, 'greet.yaml'), httpStream('/greet', '    - greet: {}'));
  writeFileSync(join(dir, 'shout.yaml'), httpStream('/shout', '    - mapping: root = content().string().uppercase()'));
}
