import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comp, streamConf } from '../pipeline/helpers.js';
import { rawRequest, startHost } from './setup.js';

const OK = 'https://app.example';

const streams = () => [
  streamConf('c', comp('input', 'http_server', { path: '/c', allowed_verbs: ['POST', 'PUT'], cors: { enabled: true, allowed_origins: [OK] } }), [comp('processor', 'test_upper')], comp('output', 'sync_response')),
  streamConf('any', comp('input', 'http_server', { path: '/any', cors: { enabled: true, allowed_origins: ['*'] } }), [], comp('output', 'sync_response')),
  streamConf('plain', comp('input', 'http_server', { path: '/plain' }), [], comp('output', 'sync_response')),
];

const preflight = (origin: string, extra: Record<string, string> = {}) => ({
  method: 'OPTIONS',
  headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', ...extra },
});

test('cors: a preflight from an allowed origin is answered 204 with the allow headers', async (t) => {
  const { url } = await startHost(t, streams());
  const res = await rawRequest(url('/c'), preflight(OK, { 'Access-Control-Request-Headers': 'content-type, x-trace' }));
  assert.equal(res.status, 204);
  assert.equal(res.headers['access-control-allow-origin'], OK);
  assert.equal(res.headers['access-control-allow-methods'], 'POST, PUT');
  assert.equal(res.headers['access-control-allow-headers'], 'content-type, x-trace');
  assert.equal(res.body, '');

  const any = await rawRequest(url('/any'), preflight('http://elsewhere:8080'));
  assert.equal(any.status, 204);
  assert.equal(any.headers['access-control-allow-origin'], '*');
});

test('cors: a disallowed origin gets no Access-Control-Allow-Origin, on the preflight or the request', async (t) => {
  const { url } = await startHost(t, streams());
  const pre = await rawRequest(url('/c'), preflight('https://evil.example'));
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  assert.equal(pre.headers['access-control-allow-methods'], undefined);
  const res = await rawRequest(url('/c'), { headers: { Origin: 'https://evil.example' }, body: 'hi' });
  assert.equal(res.status, 200);
  assert.equal(res.body, 'HI');
  assert.equal(res.headers['access-control-allow-origin'], undefined);
});

test('cors: responses to an allowed origin carry Access-Control-Allow-Origin, errors included', async (t) => {
  const { url } = await startHost(t, streams());
  const res = await rawRequest(url('/c'), { headers: { Origin: OK }, body: 'hi' });
  assert.equal(res.status, 200);
  assert.equal(res.body, 'HI');
  assert.equal(res.headers['access-control-allow-origin'], OK);
  assert.equal(res.headers['vary'], 'Origin');
  const wrongVerb = await rawRequest(url('/c'), { method: 'DELETE', headers: { Origin: OK } });
  assert.equal(wrongVerb.status, 405);
  assert.equal(wrongVerb.headers['access-control-allow-origin'], OK, 'the browser can read the error');
});

test('cors: a route without cors still answers OPTIONS 405, preflight or not', async (t) => {
  const { url } = await startHost(t, streams());
  const pre = await rawRequest(url('/plain'), preflight(OK));
  assert.equal(pre.status, 405);
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  assert.equal((await rawRequest(url('/plain'), { method: 'OPTIONS' })).status, 405);
  assert.equal((await rawRequest(url('/c'), { method: 'OPTIONS', headers: { Origin: OK } })).status, 405, 'an OPTIONS that is no preflight is an ordinary request');
});
