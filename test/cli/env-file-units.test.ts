import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEnvText } from '../../src/cli/env-files.js';

test('checkEnvText: comments, export, quotes over several lines and CRLF pass; each bad line is named with line:col, never its text', () => {
  const good = '# c\n\nA=1\nexport B = two words\r\nC="multi\nline"\nD=\'q\'\nE=`x`\nF=\nG=v # comment\n';
  assert.deepEqual(checkEnvText(good, '.env'), []);
  const bad = checkEnvText('A=1\nsk_live_123\n  9X=1\nexport =2\nOK=\'open\nnever', '.env');
  assert.deepEqual(bad.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`), [
    '2:1 not a variable assignment (NAME=value)',
    '3:3 the name before = is not a variable name',
    '4:8 the name before = is not a variable name',
    "5:4 the value of OK opens a ' quote that is never closed",
  ]);
  assert.ok(bad.every((d) => !JSON.stringify(d).includes('sk_live_123')));
});
