import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ComponentConf } from '../../src/core/spec.js';
import { checkStream, createCatalog, loadStream } from '../../src/config/index.js';
import { brief, FIXTURES, markerCompilers, upperPlugin } from './helpers.js';
import { testSpecs } from './specs.js';

const catalog = createCatalog(testSpecs, [upperPlugin]);
const good = (name: string): string => join(FIXTURES, 'pipelines/good', name);

test('a full stream loads with defaults applied, durations in ms, env interpolated and components nested', () => {
  const env: Record<string, string> = { BATCH_PERIOD: '250ms', TARGET_PORT: '8080' };
  const s = loadStream(good('full.yaml'), { catalog, id: 'orders/full', env: (n) => env[n], expr: markerCompilers });
  assert.equal(s.id, 'orders/full');
  assert.equal(s.file, good('full.yaml'));
  assert.equal(s.threads, 2, '${THREADS:2} in a plain scalar becomes the integer 2');

  assert.equal(s.input.type, 'broker');
  assert.equal(s.input.label, 'ingress');
  assert.deepEqual(brief({ severity: 'error', code: 'E_INVALID_VALUE', message: '', location: s.input.location }), 'E_INVALID_VALUE 4:3 input.broker');
  const broker = s.input.config as { inputs: ComponentConf[]; batching: Record<string, unknown> };
  assert.deepEqual(broker.batching, { count: 10, period: 250 });
  const [http, ref] = broker.inputs as [ComponentConf, ComponentConf];
  assert.equal(http.type, 'http_server');
  assert.deepEqual(http.config, {
    path: '/orders/{id}',
    allowed_verbs: ['POST', 'PUT'],
    timeout: 90_000,
    sync_response: {
      status: { kind: 'interpolation', source: '${! meta("code") }' },
      headers: { 'Content-Type': { kind: 'interpolation', source: 'application/octet-stream' } },
    },
  });
  // locate() points into the component's config, and at the deepest written part for defaults.
  assert.equal(brief({ severity: 'error', code: 'E_INVALID_VALUE', message: '', location: http.locate('sync_response.status') }), 'E_INVALID_VALUE 11:21 input.broker.inputs[0].http_server.sync_response.status');
  assert.equal(brief({ severity: 'error', code: 'E_INVALID_VALUE', message: '', location: http.locate('allowed_verbs[1]') }), 'E_INVALID_VALUE 8:33 input.broker.inputs[0].http_server.allowed_verbs[1]');
  assert.equal(http.locate('sync_response.headers').line, 10);
  assert.equal(ref.type, 'resource');
  assert.equal(ref.config, 'ticker');
  assert.equal(s.input.processors.length, 1);
  assert.deepEqual(s.input.processors[0]?.config, { kind: 'mapping', source: 'root = this' });

  const [sw, c] = s.processors as [ComponentConf, ComponentConf];
  const cases = sw.config as Array<{ check: unknown; processors: ComponentConf[] }>;
  assert.equal(cases.length, 2);
  assert.deepEqual(cases[0]?.check, { kind: 'query', source: 'this.kind == "a"' });
  assert.deepEqual(cases[0]?.processors[0]?.config, { level: 'INFO', message: { kind: 'interpolation', source: 'kind a: ${! this.id }' } });
  assert.equal(cases[1]?.check, undefined, 'optional without default stays absent');
  assert.equal(cases[1]?.processors[0]?.config, 'shout');
  assert.equal(c.type, 'catch');
  assert.equal((c.config as ComponentConf[])[0]?.type, 'log');

  const out = s.output.config as Record<string, unknown>;
  assert.deepEqual(out['url'], { kind: 'interpolation', source: 'http://127.0.0.1:8080/ingest' });
  assert.equal(out['verb'], 'POST');
  assert.equal(out['retries'], 3);
  assert.equal(out['retry_period'], 1000);
  assert.equal(out['max_in_flight'], 64);
  const batching = out['batching'] as { count: number; byte_size: number; period: number; processors: ComponentConf[] };
  assert.equal(batching.count, 5);
  assert.equal(batching.byte_size, 0);
  assert.equal(batching.period, 0);
  assert.equal(batching.processors[0]?.type, 'uppercase');
  assert.deepEqual(batching.processors[0]?.config, {});

  assert.deepEqual([...s.resources.inputs.keys()], ['ticker']);
  assert.deepEqual(s.resources.inputs.get('ticker')?.config, { mapping: { kind: 'mapping', source: 'root = "tick"' }, interval: 100, count: 0 });
  assert.deepEqual([...s.resources.processors.keys()], ['shout']);
  assert.equal(s.resources.outputs.size, 0);
});

test('null component bodies are empty objects; the id defaults to the file name', () => {
  const s = loadStream(good('minimal.yml'), { catalog, expr: markerCompilers });
  assert.equal(s.id, 'minimal');
  assert.equal(s.threads, -1);
  assert.deepEqual(s.processors, []);
  assert.deepEqual((s.input.config as Record<string, unknown>)['path'], '/post');
  assert.equal((s.input.config as Record<string, unknown>)['timeout'], 5000);
  assert.deepEqual(s.output.config, {});
});

test('env interpolation: defaults, empty values, retyping of plain scalars only, ${! } untouched', () => {
  const text = [
    'input:',
    '  generate:',
    '    mapping: \'root = "${NAME:anon}-${! uuid_v4() }"\'',
    '    count: ${COUNT:3}',
    '    interval: ${EMPTY:2s}',
    'pipeline:',
    '  threads: "${QUOTED:4}"',
    'output:',
    '  drop: {}',
  ].join('\n');
  const env: Record<string, string> = { NAME: 'ada', EMPTY: '' };
  const res = checkStream(text, '/x/env.yaml', { catalog, env: (n) => env[n], expr: markerCompilers });
  // A quoted scalar stays a string after substitution, so threads is a type error.
  assert.deepEqual(res.diagnostics.map(brief), ['E_WRONG_TYPE 7:12 pipeline.threads']);
  const fixed = checkStream(text.replace('"${QUOTED:4}"', '${QUOTED:4}'), '/x/env.yaml', { catalog, env: (n) => env[n], expr: markerCompilers });
  assert.deepEqual(fixed.diagnostics, []);
  const input = fixed.value?.input.config as Record<string, unknown>;
  assert.deepEqual(input['mapping'], { kind: 'mapping', source: 'root = "ada-${! uuid_v4() }"' });
  assert.equal(input['count'], 3);
  assert.equal(input['interval'], 2000, 'an empty variable takes the default');
  assert.equal(fixed.value?.threads, 4);
});

test('an error inside a value changed by ${VAR} points at the value, not past it', () => {
  const text = 'input:\n  generate:\n    mapping: ${PREFIX:root = } @@\noutput:\n  drop: {}\n';
  const res = checkStream(text, '/x/e.yaml', { catalog, env: () => undefined, expr: markerCompilers });
  assert.deepEqual(res.diagnostics.map(brief), ['E_EXPRESSION 3:14 input.generate.mapping']);
});

test('an empty file and a non-object file are reported at their start', () => {
  assert.deepEqual(checkStream('', '/x/empty.yaml', { catalog }).diagnostics.map(brief), ['E_MISSING_FIELD 1:1']);
  const list = checkStream('- a\n- b\n', '/x/list.yaml', { catalog });
  assert.deepEqual(list.diagnostics.map(brief), ['E_MISSING_FIELD 1:1']);
  assert.match(list.diagnostics[0]?.message ?? '', /expected a pipeline object, got a list/);
});

test('with the default compilers, interpolated and expression fields hold compiled src/expr objects', () => {
  const text = 'input:\n  generate:\n    mapping: root = "hi"\noutput:\n  http_client:\n    url: http://h/${! "x" }\n';
  const res = checkStream(text, '/x/real.yaml', { catalog });
  assert.deepEqual(res.diagnostics, []);
  const input = res.value?.input.config as { mapping: { apply: unknown } };
  assert.equal(typeof input.mapping.apply, 'function');
  const out = res.value?.output.config as { url: { str: unknown; isStatic: boolean }; batching: { processors: unknown[] } };
  assert.equal(typeof out.url.str, 'function');
  assert.equal(out.url.isStatic, false);
});

test("a spec's lint runs on checked configs and its problems are located by path", () => {
  const specs = [
    ...testSpecs,
    {
      name: 'compress',
      kind: 'processor' as const,
      fields: [
        { name: 'algorithm', type: 'string' as const, enum: ['gzip', 'lz4'] },
        { name: 'level', type: 'int' as const, default: -1 },
      ],
      lint: (config: unknown) => {
        const c = config as { algorithm: string; level: number };
        const problems = [];
        if (c.algorithm === 'lz4' && c.level > 0) problems.push({ severity: 'error' as const, message: 'lz4 takes no level', path: 'level', hint: 'remove level' });
        if (c.algorithm === 'gzip') problems.push({ severity: 'warning' as const, message: 'gzip is slow', path: '' });
        return problems;
      },
    },
  ];
  const text = 'input:\n  http_server: {}\npipeline:\n  processors:\n    - compress: { algorithm: lz4, level: 9 }\n    - compress:\n        algorithm: gzip\noutput:\n  drop: {}\n';
  const res = checkStream(text, '/x/lint.yaml', { catalog: createCatalog(specs) });
  assert.equal(res.value, undefined);
  assert.deepEqual(res.diagnostics.map((d) => `${d.severity} ${brief(d)} ${d.message}`), [
    'error E_INVALID_VALUE 5:42 pipeline.processors[0].compress.level lz4 takes no level',
    'warning E_INVALID_VALUE 7:9 pipeline.processors[1].compress gzip is slow',
  ]);
  assert.equal(res.diagnostics[0]?.hint, 'remove level');
});

test('YAML anchors and aliases load as the values they stand for', () => {
  const s = loadStream(good('anchors.yaml'), { catalog, expr: markerCompilers });
  assert.deepEqual(s.processors.map((p) => p.config), [
    { kind: 'mapping', source: 'root = content().uppercase()' },
    { kind: 'mapping', source: 'root = content().uppercase()' },
  ]);
  const batching = (s.output.config as { batching: { processors: ComponentConf[] } }).batching;
  assert.equal(batching.processors[0]?.type, 'mapping');
});

test('env interpolation edge cases: dotted names, colons in defaults, several per value, booleans re-typed', () => {
  const text = [
    'input:',
    '  http_server:',
    '    path: /${app.name}/${VERSION:v1}',
    'output:',
    '  http_client:',
    '    url: ${URL:http://127.0.0.1:8080/x}',
    '    batch_as_multipart: ${MULTI:false}',
    '    retries: ${RETRIES}',
    '',
  ].join('\n');
  const env: Record<string, string> = { 'app.name': 'shop', RETRIES: '7' };
  const res = checkStream(text, '/x/env2.yaml', { catalog, env: (n) => env[n], expr: markerCompilers });
  assert.deepEqual(res.diagnostics, []);
  assert.equal((res.value?.input.config as { path: string }).path, '/shop/v1');
  const out = res.value?.output.config as Record<string, unknown>;
  assert.deepEqual(out['url'], { kind: 'interpolation', source: 'http://127.0.0.1:8080/x' });
  assert.equal(out['batch_as_multipart'], false);
  assert.equal(out['retries'], 7);
  // A value that is not a number after substitution is reported as the type error it is, at the value.
  const wrong = checkStream(text, '/x/env2.yaml', { catalog, env: (n) => ({ ...env, RETRIES: 'many' })[n], expr: markerCompilers });
  assert.deepEqual(wrong.diagnostics.map(brief), ['E_WRONG_TYPE 8:14 output.http_client.retries']);
  assert.match(wrong.diagnostics[0]?.message ?? '', /got the string "many"/);
});

test('env interpolation: a default may name another variable, which may have its own default', () => {
  const text = 'input:\n  http_server:\n    path: /in\noutput:\n  http_client:\n    url: ${EVENTS_URL:${HOTPLUG_URL:http://127.0.0.1:4195}/events/sink}\n';
  const url = (env: Record<string, string>) =>
    (checkStream(text, '/x/nested.yaml', { catalog, env: (n) => env[n], expr: markerCompilers }).value?.output.config as { url: { source: string } }).url.source;
  assert.equal(url({}), 'http://127.0.0.1:4195/events/sink');
  assert.equal(url({ HOTPLUG_URL: 'http://127.0.0.1:8080' }), 'http://127.0.0.1:8080/events/sink');
  assert.equal(url({ HOTPLUG_URL: 'http://127.0.0.1:8080', EVENTS_URL: 'https://elsewhere/in' }), 'https://elsewhere/in');
  const missing = checkStream(text.replace(':http://127.0.0.1:4195', ''), '/x/nested.yaml', { catalog, env: () => undefined, expr: markerCompilers });
  assert.deepEqual(missing.diagnostics.map((d) => d.message), ['environment variable HOTPLUG_URL is not set']);
});

test('integers with digit separators load as numbers, as in Redpanda Connect snippets (`byte_size: 5_000_000`)', () => {
  const text = 'input:\n  broker:\n    inputs: []\n    batching:\n      count: 5_000_000\noutput:\n  drop: {}\n';
  const res = checkStream(text, '/x/sep.yaml', { catalog, id: 'sep', expr: markerCompilers });
  assert.deepEqual(res.diagnostics.filter((d) => d.severity === 'error'), []);
  const batching = (res.value!.input.config as { batching: Record<string, unknown> }).batching;
  assert.equal(batching['count'], 5_000_000);
  const quoted = checkStream(text.replace('5_000_000', '"5_000_000"'), '/x/sep.yaml', { catalog, id: 'sep', expr: markerCompilers });
  assert.match(quoted.diagnostics[0]?.message ?? '', /expected an integer/);
});
