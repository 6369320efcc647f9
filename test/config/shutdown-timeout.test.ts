import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDiagnostic } from '../../src/core/errors.js';
import { checkStream, createCatalog } from '../../src/config/index.js';
import { brief, markerCompilers } from './helpers.js';
import { testSpecs } from './specs.js';

const catalog = createCatalog(testSpecs, []);
const check = (top: string) => checkStream(`${top}input:\n  http_server:\n    path: /x\noutput:\n  sync_response: {}\n`, '/fns/slow.yaml', { catalog, expr: markerCompilers });

test('shutdown_timeout: a duration in ms on the stream; absent or empty leaves the default to the host', () => {
  assert.equal(check('shutdown_timeout: 20s\n').value?.shutdownTimeoutMs, 20_000);
  assert.equal(check('shutdown_timeout: 500ms\n').value?.shutdownTimeoutMs, 500);
  assert.equal(check('shutdown_timeout: 1m30s\n').value?.shutdownTimeoutMs, 90_000);
  assert.equal(check('shutdown_timeout: 0\n').value?.shutdownTimeoutMs, 0);
  for (const absent of ['', 'shutdown_timeout:\n']) {
    const r = check(absent);
    assert.ok(r.value, JSON.stringify(r.diagnostics));
    assert.equal(r.value.shutdownTimeoutMs, undefined);
    assert.deepEqual(r.diagnostics, [], 'no longer an ignored key: no warning');
  }
});

test('a bad shutdown_timeout is an error with file:line:col, its path and a hint', () => {
  const word = check('shutdown_timeout: soon\n');
  assert.equal(word.value, undefined);
  assert.deepEqual(word.diagnostics.map(brief), ['E_INVALID_VALUE 1:19 shutdown_timeout']);
  assert.equal(
    formatDiagnostic(word.diagnostics[0]!),
    "/fns/slow.yaml:1:19: 'soon' is not a duration (at shutdown_timeout)\n  hint: expected a duration like 5s or 100ms (units: ns, us, ms, s, m, h)",
  );
  const bare = check('shutdown_timeout: 5\n');
  assert.deepEqual(bare.diagnostics.map(brief), ['E_WRONG_TYPE 1:19 shutdown_timeout']);
  assert.match(bare.diagnostics[0]!.hint ?? '', /write 5s for seconds/);
  const negative = check('shutdown_timeout: -1s\n');
  assert.deepEqual(negative.diagnostics.map(brief), ['E_INVALID_VALUE 1:19 shutdown_timeout']);
});
