import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { createCatalog, pipelineSchema, pluginSpec, readStream } from '../../src/config/index.js';
// src/config never imports src/pipeline; this test does, to check the loader and
// the generated schema against the real built-in specs.
import { createRegistry } from '../../src/pipeline/builtins.js';
import { assertAgree, brief, FIXTURES, upperPlugin } from './helpers.js';
import { validate } from './json-schema.js';

const specs = createRegistry().allSpecs();
const catalog = createCatalog(specs, [upperPlugin]);
const schema = pipelineSchema([...specs, pluginSpec(upperPlugin)]);
const dir = join(FIXTURES, 'pipelines/real');

for (const f of readdirSync(join(dir, 'good'))) {
  test(`real specs: good/${f} lints clean and is valid under the generated schema`, () => {
    const file = join(dir, 'good', f);
    const res = readStream(file, { catalog, env: () => undefined });
    assert.deepEqual(res.diagnostics, []);
    assert.ok(res.value);
    assert.deepEqual(validate(schema, parse(readFileSync(file, 'utf8'))), []);
  });
}

test('real specs: every class of mistake in one file, each at its place, and the schema agrees', () => {
  const file = join(dir, 'bad/mixed.yaml');
  const res = readStream(file, { catalog });
  assert.deepEqual(res.diagnostics.map(brief), [
    'E_WRONG_TYPE 4:14 input.http_server.timeout',
    'E_WRONG_TYPE 5:17 input.http_server.body_limit',
    'E_INVALID_VALUE 10:16 pipeline.processors[0].compress.level',
    'E_EXPRESSION 11:33 pipeline.processors[1].mapping',
    'E_UNKNOWN_FIELD 13:9 pipeline.processors[2].uppercase.loud',
    'E_MISSING_FIELD 14:7 pipeline.processors[3].while.processors',
    'E_INVALID_VALUE 15:20 pipeline.processors[3].while.max_loops',
    'E_UNKNOWN_FIELD 16:9 pipeline.processors[3].while.procesors',
    'E_WRONG_TYPE 20:11 output.http_client.verb',
    'E_WRONG_TYPE 21:18 output.http_client.backoff_on[0]',
    'E_UNKNOWN_FIELD 24:7 output.http_client.batching.cheque',
  ]);
  const errors = validate(schema, parse(readFileSync(file, 'utf8')));
  assertAgree('mixed.yaml', res.diagnostics, errors.map((e) => e.path), [
    'pipeline.processors[0].compress.level',
    'pipeline.processors[1].mapping',
    'pipeline.processors[3].while.max_loops',
  ]);
});

test('real specs: resources and enums', () => {
  const file = join(dir, 'bad/resources.yaml');
  const res = readStream(file, { catalog });
  assert.deepEqual(res.diagnostics.map(brief), ['E_UNKNOWN_RESOURCE 2:13 input.resource', 'E_INVALID_VALUE 5:14 output.broker.pattern']);
  assert.equal(res.diagnostics[1]?.hint, "did you mean 'fan_out'?");
  const errors = validate(schema, parse(readFileSync(file, 'utf8')));
  assertAgree('resources.yaml', res.diagnostics, errors.map((e) => e.path), ['input.resource']);
});
