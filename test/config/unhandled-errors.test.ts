import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDiagnostic } from '../../src/core/errors.js';
import { checkStream, createCatalog } from '../../src/config/index.js';
import { brief, markerCompilers } from './helpers.js';
import { testSpecs } from './specs.js';

const catalog = createCatalog(testSpecs, []);
const check = (top: string) => checkStream(`${top}input:\n  http_server:\n    path: /x\noutput:\n  sync_response: {}\n`, '/fns/e.yaml', { catalog, expr: markerCompilers });

test('unhandled_errors: fail by default; pass_through is the opt-in for Connect behaviour', () => {
  for (const text of ['', 'unhandled_errors:\n', 'unhandled_errors: fail\n']) {
    const r = check(text);
    assert.ok(r.value, JSON.stringify(r.diagnostics));
    assert.equal(r.value.unhandledErrors, undefined);
    assert.deepEqual(r.diagnostics, []);
  }
  assert.equal(check('unhandled_errors: pass_through\n').value?.unhandledErrors, 'pass_through');
});

test('a bad unhandled_errors value is an error with file:line:col and the allowed values', () => {
  const r = check('unhandled_errors: passthrough\n');
  assert.equal(r.value, undefined);
  assert.deepEqual(r.diagnostics.map(brief), ['E_INVALID_VALUE 1:19 unhandled_errors']);
  assert.equal(
    formatDiagnostic(r.diagnostics[0]!),
    "/fns/e.yaml:1:19: 'passthrough' is not a valid unhandled_errors; expected one of fail, pass_through (at unhandled_errors)\n  hint: did you mean 'pass_through'?",
  );
});
