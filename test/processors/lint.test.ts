import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic, type ComponentSpec, type Diagnostic, type StreamConf } from '../../src/core/index.js';
import { checkStream, createCatalog, type ExprCompilers } from '../../src/config/index.js';
import { compileInterpolation, compileMapping, compileQuery } from '../../src/expr/index.js';
import { batchProcessorDefs } from '../../src/pipeline/processors/index.js';
import { batchOf, createTestContext, textsOf } from './helpers.js';

/**
 * The processors' specs through the real config loader: what a user writes
 * is checked with file:line:col, and what loads builds and runs.
 */
const io: ComponentSpec[] = [
  { name: 'generate', kind: 'input', fields: [] },
  { name: 'drop', kind: 'output', fields: [] },
];
const catalog = createCatalog([...batchProcessorDefs.map((d) => d.spec), ...io]);
const expr: ExprCompilers = { interpolation: compileInterpolation, query: compileQuery, mapping: compileMapping };

function load(processors: string): { value: StreamConf | undefined; diagnostics: Diagnostic[] } {
  const text = `input:\n  generate: {}\npipeline:\n  processors:\n${processors}\noutput:\n  drop: {}\n`;
  return checkStream(text, '/f/pipe.yaml', { catalog, expr });
}

function errors(processors: string): string[] {
  return load(processors).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

test('bad input: unknown archive format, negative split size, unknown algorithm are lint errors at file:line:col', () => {
  const [archive] = errors('    - archive:\n        format: rar');
  assert.match(archive!, /^\/f\/pipe\.yaml:6:17: /);
  assert.match(archive!, /rar/);
  const [split] = errors('    - split:\n        size: -2');
  assert.match(split!, /^\/f\/pipe\.yaml:6:15: .*0 or more/);
  const [algo] = errors('    - compress:\n        algorithm: snappy');
  assert.match(algo!, /^\/f\/pipe\.yaml:6:20: .*snappy/);
  const [level] = errors('    - compress:\n        algorithm: gzip\n        level: 12');
  assert.match(level!, /^\/f\/pipe\.yaml:7:16: .*0-11/);
});

test('bad input: an expression that does not parse points at its character', () => {
  const [bad] = errors('    - group_by_value:\n        value: ${! meta("k" }');
  assert.match(bad!, /^\/f\/pipe\.yaml:6:\d+: invalid interpolation/);
  const [check] = errors('    - while:\n        check: this.n >\n        processors: []');
  assert.match(check!, /^\/f\/pipe\.yaml:6:\d+: invalid expression/);
});

test('every processor loads from YAML as written in Redpanda Connect docs, then builds and runs', async () => {
  const res = load(
    [
      '    - group_by_value:',
      '        value: ${! meta("p") }',
      '    - archive:',
      '        format: tar',
      '        path: ${! meta("p") }-${! batch_index() }.txt',
      '    - compress:',
      '        algorithm: gzip',
      '    - decompress:',
      '        algorithm: gzip',
      '    - unarchive:',
      '        format: tar',
      '    - for_each:',
      '      - while:',
      '          at_least_once: true',
      '          max_loops: 0',
      '          check: errored()',
      '          processors:',
      '            - catch: []',
      '    - switch:',
      '        - check: content() == "b"',
      '          processors:',
      '            - select_parts: { parts: [0, -1] }',
      '        - fallthrough: false',
      '          processors: []',
      '    - group_by:',
      '        - check: content() == "a"',
      '          processors:',
      '            - log: { level: DEBUG, message: "${! content() }", fields_mapping: "root.n = 1" }',
      '    - try:',
      '        - sleep: { duration: "${! \\"1ms\\" }" }',
      '    - split: { size: 10 }',
    ].join('\n'),
  );
  assert.deepEqual(res.diagnostics.map(formatDiagnostic), []);
  const ctx = createTestContext();
  const procs = ctx.buildProcessors(res.value!.processors);
  let batches = [batchOf('a', 'b', 'c')];
  for (const [i, m] of batches[0]!.entries()) m.metadata.set('p', i === 1 ? 'y' : 'x');
  for (const p of procs) batches = (await Promise.all(batches.map((b) => p.processBatch(b)))).flat();
  assert.deepEqual(textsOf(batches).flat().sort(), ['a', 'b', 'b', 'c']);
  assert.ok(batches.flat().every((m) => m.error === undefined));
  await Promise.all(procs.map((p) => p.close()));
});

test('bad input: while with neither check nor max_loops is a located warning; the file still loads', () => {
  const res = load('    - while:\n        processors: []');
  const [warning, ...rest] = res.diagnostics;
  assert.deepEqual(rest, []);
  assert.equal(warning!.severity, 'warning');
  assert.match(formatDiagnostic(warning!), /^\/f\/pipe\.yaml:6:9: warning: while has neither a check nor max_loops/);
  assert.ok(res.value, 'a warning does not stop the load');
  assert.deepEqual(load('    - while:\n        max_loops: 3\n        processors: []').diagnostics, []);
});

test('split: byte_size under the default size of 1 warns that it does nothing', () => {
  const [warning, ...rest] = load('    - split:\n        byte_size: 5000000').diagnostics;
  assert.deepEqual(rest, []);
  assert.match(formatDiagnostic(warning!), /^\/f\/pipe\.yaml:6:20: warning: byte_size has no effect while size is 1/);
  assert.deepEqual(load('    - split:\n        size: 0\n        byte_size: 10').diagnostics, []);
});

test('sleep: a constant duration that does not parse is a lint error; an interpolated one is checked per message', () => {
  const [bad] = errors('    - sleep:\n        duration: 5 seconds');
  assert.match(bad!, /^\/f\/pipe\.yaml:6:19: "5 seconds" is not a duration/);
  assert.deepEqual(errors('    - sleep:\n        duration: ${! meta("d") }'), []);
  assert.deepEqual(errors('    - sleep:\n        duration: 1.5s'), []);
});
