import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatDiagnostic } from '../../src/core/errors.js';
import { checkStream, createCatalog, httpRoutes, lintDir, loadDir, routeKey } from '../../src/config/index.js';
import { brief, markerCompilers, tree } from './helpers.js';
import { testSpecs } from './specs.js';

const plugin = (name: string, type = 'processor') => `name: ${name}\ntype: ${type}\ncommand: [node, main.js]\n`;
const http = (path: string, verbs = '[POST]') => `input:\n  http_server:\n    path: ${path}\n    allowed_verbs: ${verbs}\noutput:\n  sync_response: {}\n`;

test('lintDir: every diagnostic across manifests and streams, route clashes included', (t) => {
  const root = tree(t, {
    'uppercase/plugin.yaml': plugin('uppercase'),
    'drop/plugin.yaml': plugin('drop', 'output'),
    'api/a_orders.yaml': http('/orders/{id}'),
    'api/b_orders.yaml': [
      'input:',
      '  broker:',
      '    inputs:',
      '      - http_server: { path: "/orders/{order_id}", allowed_verbs: [GET, POST] }',
      'output:',
      '  sync_response: {}',
      '',
    ].join('\n'),
    'api/c_get.yaml': http('/orders/{id}', '[GET]'),
    'api/d_metrics.yaml': http('/metrics'),
    'default_a.yaml': 'input:\n  http_server: {}\noutput:\n  drop: {}\n',
    'default_b.yaml': 'input:\n  resource: in\ninput_resources:\n  - label: in\n    http_server: {}\noutput:\n  drop: {}\n',
    'typo.yaml': 'input:\n  http_server: { path: /typo }\npipeline:\n  processors:\n    - uppercas: {}\noutput:\n  drop: {}\n',
    'warn.yaml': 'logger: { level: DEBUG }\ninput:\n  http_server: { path: /warn }\noutput:\n  drop: {}\n',
  });
  const conf = loadDir(root, { builtins: testSpecs, expr: markerCompilers });
  const lines = conf.diagnostics.map((d) => `${d.severity} ${d.location?.file.slice(root.length + 1)} ${brief(d)}`);
  assert.deepEqual(lines, [
    'error drop/plugin.yaml E_DUPLICATE_PLUGIN 1:7 name',
    'error typo.yaml E_UNKNOWN_COMPONENT 5:7 pipeline.processors[0].uppercas',
    'warning warn.yaml E_UNKNOWN_FIELD 1:1 logger',
    'error api/b_orders.yaml E_ROUTE_CLASH 4:30 input.broker.inputs[0].http_server.path',
    'error api/c_get.yaml E_ROUTE_CLASH 3:11 input.http_server.path',
    'error api/d_metrics.yaml E_ROUTE_CLASH 3:11 input.http_server.path',
    'error default_b.yaml E_ROUTE_CLASH 5:5 input_resources[0].http_server.path',
  ]);
  const [, typo, , clash, clashGet, reserved, byDefault] = conf.diagnostics;
  assert.equal(typo?.hint, "did you mean 'uppercase'? known plugins: uppercase");
  assert.equal(clash?.message, `route POST /orders/{order_id} (same as /orders/{id}) is already claimed by stream 'api/a_orders' at ${join(root, 'api/a_orders.yaml')}:3:11`);
  // Different parameter names, same route: GET was claimed by b (whose POST clashed), so c clashes too.
  assert.equal(clashGet?.message, `route GET /orders/{id} (same as /orders/{order_id}) is already claimed by stream 'api/b_orders' at ${join(root, 'api/b_orders.yaml')}:4:30`);
  assert.match(reserved?.message ?? '', /route \/metrics is reserved by hotplug/);
  assert.equal(byDefault?.message, `route POST /post is already claimed by stream 'default_a' at ${join(root, 'default_a.yaml')}:2:3`);
  assert.ok(formatDiagnostic(clash!).includes('hint: each path and verb may be served by one http_server input only'));
  // Streams that loaded are handed on even when others fail; those that lost a route clash are not.
  assert.deepEqual(conf.streams.map((s) => s.id), ['api/a_orders', 'default_a', 'warn']);
  assert.equal(conf.discovery.streams.length, 8);
  // 'drop' shadows the built-in output of that name: reported, and left out.
  assert.deepEqual(conf.manifests.map((m) => m.name), ['uppercase']);
  assert.deepEqual(lintDir(root, { builtins: testSpecs, expr: markerCompilers }).map(brief), conf.diagnostics.map(brief));
});

test('routes under /_hotplug/ (the dev console) are reserved: a lint error naming the file and line', (t) => {
  const root = tree(t, { 'a.yaml': http('/_hotplug/events'), 'b.yaml': http('_hotplug'), 'c.yaml': http('/_hotplugged') });
  const diags = lintDir(root, { builtins: testSpecs });
  assert.deepEqual(diags.map((d) => `${d.location?.file.slice(root.length + 1)} ${brief(d)}`), ['a.yaml E_ROUTE_CLASH 3:11 input.http_server.path', 'b.yaml E_ROUTE_CLASH 3:11 input.http_server.path']);
  assert.match(diags[0]?.message ?? '', /route \/_hotplug\/events is reserved by hotplug/);
  assert.match(diags[0]?.hint ?? '', /everything under \/_hotplug\/ \(the dev console\)/);
});

test('a clean dir lints clean', (t) => {
  const root = tree(t, { 'uppercase/plugin.yaml': plugin('uppercase'), 'up.yaml': http('/up').replace('output:', 'pipeline:\n  processors:\n    - uppercase: {}\noutput:') });
  assert.deepEqual(lintDir(root, { builtins: testSpecs }), []);
});

test('httpRoutes finds http_server inputs nested in brokers and behind resources, with defaults', () => {
  const text = [
    'input:',
    '  broker:',
    '    inputs:',
    '      - http_server: { path: /a, allowed_verbs: [get, put] }',
    '      - broker:',
    '          inputs:',
    '            - resource: r',
    '      - generate: { mapping: root = 1 }',
    'input_resources:',
    '  - label: r',
    '    http_server: {}',
    'output:',
    '  drop: {}',
  ].join('\n');
  const res = checkStream(text, '/x/routes.yaml', { catalog: createCatalog(testSpecs), id: 'routes', expr: markerCompilers });
  assert.deepEqual(res.diagnostics, []);
  const routes = httpRoutes(res.value!);
  assert.deepEqual(
    routes.map((r) => [r.streamId, r.path, r.verbs, `${r.location.line}:${r.location.col}`]),
    [
      ['routes', '/a', ['GET', 'PUT'], '4:30'],
      ['routes', '/post', ['POST'], '11:5'],
    ],
  );
  assert.equal(routeKey('/users/{id}/posts/{post}'), routeKey('users/{name}/posts/{x}'));
  assert.notEqual(routeKey('/users/{id}'), routeKey('/users/me'));
});
