import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, formatDiagnostic } from '../../src/core/errors.js';
import { createCatalog, loadStream, readStream } from '../../src/config/index.js';
import { brief, FIXTURES, markerCompilers, upperPlugin } from './helpers.js';
import { testSpecs } from './specs.js';

const catalog = createCatalog(testSpecs, [upperPlugin]);
const env = (name: string): string | undefined => ({ HOTPLUG_TEST_HOST: '' })[name];

/** Each bad fixture and every diagnostic it must produce, in file order: `CODE line:col path`, plus hints. */
const cases: Array<{ file: string; expect: string[]; hints?: string[]; messages?: string[]; realExpr?: boolean }> = [
  {
    file: 'yaml-syntax.yaml',
    expect: ['E_YAML_SYNTAX 3:11'],
    hints: ['every [ { and quote is closed'],
  },
  {
    file: 'yaml-syntax-many.yaml',
    expect: ['E_YAML_SYNTAX 2:16', 'E_YAML_SYNTAX 4:1'],
    hints: ['indentation', 'not tabs'],
  },
  {
    file: 'duplicate-key.yaml',
    expect: ['E_YAML_SYNTAX 5:1'],
    messages: ['Map keys must be unique'],
    hints: ['a key may appear only once'],
  },
  {
    file: 'unknown-field.yaml',
    expect: ['E_UNKNOWN_FIELD 3:5 input.http_server.pth', 'E_UNKNOWN_FIELD 8:9 pipeline.processors[0].log.levle'],
    messages: ["unknown field 'pth' in http_server", "unknown field 'levle' in log"],
    hints: ["did you mean 'path'?", "did you mean 'level'?"],
  },
  {
    file: 'wrong-types.yaml',
    expect: [
      'E_WRONG_TYPE 3:11 input.http_server.path',
      'E_WRONG_TYPE 4:20 input.http_server.allowed_verbs',
      'E_WRONG_TYPE 6:12 pipeline.threads',
      'E_INVALID_VALUE 9:16 pipeline.processors[0].log.level',
      'E_WRONG_TYPE 13:14 output.http_client.retries',
      'E_WRONG_TYPE 14:25 output.http_client.batch_as_multipart',
      'E_WRONG_TYPE 16:14 output.http_client.batching.count',
    ],
    messages: [
      'expected a string, got the integer 42',
      'expected a list of strings, got the string "POST"',
      'expected an integer, got the string "4"',
      "'INF' is not a valid level",
      'expected an integer, got the number 1.5',
      'expected true or false, got the string "yes"',
      'expected an integer, got the string "ten"',
    ],
    hints: ['path: "42"', 'allowed_verbs: [ POST ]', 'remove the quotes', "did you mean 'INFO'?"],
  },
  {
    file: 'missing-field.yaml',
    expect: ['E_MISSING_FIELD 2:3 input.generate.mapping', 'E_MISSING_FIELD 5:3 output.http_client.url'],
    messages: ["missing required field 'mapping' in generate", "missing required field 'url' in http_client"],
    hints: ['add mapping:', 'add url:'],
  },
  {
    file: 'bad-duration.yaml',
    expect: ['E_INVALID_VALUE 4:14 input.http_server.timeout', 'E_WRONG_TYPE 8:19 output.http_client.retry_period'],
    hints: ['expected a duration like 5s or 100ms', 'durations need a unit: write 10s for seconds'],
  },
  {
    file: 'unknown-component.yaml',
    expect: [
      'E_UNKNOWN_COMPONENT 2:3 input.http_servr',
      'E_UNKNOWN_COMPONENT 6:7 pipeline.processors[0].uppercse',
      'E_UNKNOWN_COMPONENT 7:7 pipeline.processors[1].sync_response',
      'E_UNKNOWN_COMPONENT 9:3 output.uppercase',
    ],
    messages: ["unknown input 'http_servr'", "unknown processor 'uppercse'", "'sync_response' is an output, not a processor", "'uppercase' is a processor, not an output"],
    hints: ["did you mean 'http_server'? known plugins: uppercase", "did you mean 'uppercase'? known plugins: uppercase"],
  },
  {
    file: 'unknown-resource.yaml',
    expect: ['E_UNKNOWN_RESOURCE 2:13 input.resource', 'E_UNKNOWN_RESOURCE 5:17 pipeline.processors[0].resource'],
    hints: ['there are no input_resources', "did you mean 'enrichh'? known processor resources: enrichh"],
  },
  {
    file: 'env-missing.yaml',
    expect: ['E_ENV_VAR 3:12 input.http_server.path', 'E_ENV_VAR 6:49 output.http_client.url'],
    messages: ['environment variable HOTPLUG_TEST_UNSET_A is not set', 'environment variable HOTPLUG_TEST_UNSET_B is not set'],
    hints: ['${HOTPLUG_TEST_UNSET_A:value}'],
  },
  {
    file: 'component-shape.yaml',
    expect: [
      'E_INVALID_VALUE 4:3 input.generate',
      'E_MISSING_FIELD 8:7 pipeline.processors[0]',
      'E_INVALID_VALUE 10:7 pipeline.processors[1].log',
      'E_WRONG_TYPE 11:7 pipeline.processors[2]',
      'E_WRONG_TYPE 12:9 output',
    ],
    messages: ["exactly one type key, found 'http_server' and 'generate'", 'no processor type given', "found 'mapping' and 'log'", 'expected a processor', 'expected an output'],
    hints: ['broker', 'add one key naming the processor', 'its own list item', 'as an object', 'write it as an object: { drop: {} }'],
  },
  {
    file: 'processors-typo.yaml',
    expect: ['E_INVALID_VALUE 3:3 input.processor', 'E_MISSING_FIELD 7:7 pipeline.processors[0].catch', 'E_INVALID_VALUE 9:7 pipeline.processors[1].lable'],
    messages: ["found 'http_server' and 'processor'", 'catch needs a value', "found 'mapping' and 'lable'"],
    hints: ["did you mean 'processors'?", 'catch: ...', "did you mean 'label'?"],
  },
  {
    file: 'top-level.yaml',
    expect: ['E_UNKNOWN_FIELD 1:1 http', 'E_UNKNOWN_FIELD 3:1 logger', 'E_UNKNOWN_FIELD 8:1 pipelines'],
    hints: ['--port', 'pino', "did you mean 'pipeline'?"],
  },
  {
    file: 'no-output.yaml',
    expect: ['E_MISSING_FIELD 1:1 output'],
    hints: ['add output:'],
  },
  {
    file: 'resources-bad.yaml',
    expect: ['E_INVALID_VALUE 6:12 input_resources[1].label', 'E_MISSING_FIELD 8:5 input_resources[2].label'],
    hints: ['the first is at line 4', 'add label: NAME'],
  },
  {
    // The marker @@ must be pointed at exactly in plain, double-quoted (after an escape), literal block and single-quoted scalars.
    file: 'expressions.yaml',
    expect: [
      'E_EXPRESSION 3:21 input.generate.mapping',
      'E_EXPRESSION 6:26 pipeline.processors[0].mapping',
      'E_EXPRESSION 9:16 pipeline.processors[1].mapping',
      'E_EXPRESSION 11:23 pipeline.processors[2].log.message',
    ],
    messages: ['invalid mapping: unexpected @@', 'invalid mapping', 'invalid mapping', 'invalid interpolation'],
  },
  {
    // The same through src/expr's real compilers: each error points at the offending character.
    file: 'expressions-real.yaml',
    realExpr: true,
    expect: [
      'E_EXPRESSION 3:31 input.generate.mapping',
      'E_EXPRESSION 6:32 pipeline.processors[0].mapping',
      'E_EXPRESSION 9:18 pipeline.processors[1].mapping',
      'E_EXPRESSION 11:33 pipeline.processors[2].log.message',
      'E_EXPRESSION 13:27 pipeline.processors[3].switch[0].check',
    ],
    messages: [
      "invalid mapping: unknown method 'upcase'",
      "invalid mapping: expected an expression, got ')'",
      "invalid mapping: unknown function 'counter'",
      "invalid interpolation: expected an expression, got '}'",
      "invalid expression: expected an expression, got '=='",
    ],
    // The compiler's suggestion becomes the hint.
    hints: ['write a Bloblang mapping', 'write a Bloblang mapping', "did you mean 'count'?"],
  },
];

for (const c of cases) {
  test(`bad pipeline ${c.file}`, () => {
    const file = join(FIXTURES, 'pipelines/bad', c.file);
    const res = readStream(file, { catalog, env, ...(!c.realExpr && { expr: markerCompilers }) });
    assert.equal(res.value, undefined);
    assert.deepEqual(res.diagnostics.map(brief), c.expect);
    for (const d of res.diagnostics) assert.equal(d.location?.file, file);
    c.messages?.forEach((m, i) => assert.ok(res.diagnostics[i]?.message.includes(m), `message ${i}: ${res.diagnostics[i]?.message} should include ${m}`));
    c.hints?.forEach((h, i) => assert.ok(res.diagnostics[i]?.hint?.includes(h), `hint ${i}: ${res.diagnostics[i]?.hint} should include ${h}`));
  });
}

test('only warnings leave the stream loadable; errors make loadStream throw every diagnostic', () => {
  const bad = join(FIXTURES, 'pipelines/bad', 'wrong-types.yaml');
  assert.throws(
    () => loadStream(bad, { catalog, expr: markerCompilers }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.diagnostics.length, 7);
      // The printed form names file:line:col, the path and the hint.
      assert.ok(err.message.includes(`${bad}:3:11: expected a string, got the integer 42 (at input.http_server.path)\n  hint: put it in quotes`), err.message);
      return true;
    },
  );
  const warned = readStream(join(FIXTURES, 'pipelines/good', 'ignored-keys.yaml'), { catalog, expr: markerCompilers });
  assert.ok(warned.value);
  assert.deepEqual(warned.diagnostics.map((d) => d.severity), ['warning', 'warning', 'warning']);
  assert.match(formatDiagnostic(warned.diagnostics[0]!), /ignored-keys\.yaml:1:1: warning: 'http' is ignored by hotplug \(at http\)/);
});
