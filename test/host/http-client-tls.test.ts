import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { createHost } from '../../src/host/index.js';
import { startHost } from './setup.js';
import { httpsTarget, pem, pipelineDir, writePipeline } from './tls-setup.js';

/** A pipeline from POST /<id> to an http_client output with `extra` (YAML lines under http_client). */
const pipeline = (id: string, url: string, extra: string, retries = 0) => `
input:
  http_server: { path: /${id} }
output:
  http_client:
    url: ${url}/${id}
    retries: ${retries}
${extra.replace(/^/gm, '    ')}
`;

const indent = (text: string, n: number) => text.trim().replace(/\n/g, `\n${' '.repeat(n)}`);

test('http_client over HTTPS: the test CA is untrusted by default; root_cas_file, root_cas and skip_cert_verify deliver', async (t) => {
  const { seen, base } = await httpsTarget(t);
  const dir = pipelineDir(t);
  const streams = [
    writePipeline(dir, 'plain', pipeline('plain', base, '')),
    writePipeline(dir, 'file', pipeline('file', base, 'tls: { enabled: true, root_cas_file: certs/ca.pem }')),
    writePipeline(dir, 'inline', pipeline('inline', base, `tls:\n  enabled: true\n  root_cas: |\n    ${indent(pem('ca.pem'), 4)}`)),
    writePipeline(dir, 'skip', pipeline('skip', base, 'tls: { enabled: true, skip_cert_verify: true }')),
  ];
  const { url } = await startHost(t, streams);

  const refused = await fetch(url('/plain'), { method: 'POST', body: 'x' });
  assert.equal(refused.status, 502, 'the message is nacked back to the caller');
  assert.match(await refused.text(), /plain failed: certificate verification failed: .*(issuer|self-signed).*tls\.root_cas_file/);
  assert.equal(seen.length, 0, 'nothing reached the server');

  const payload = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0, 0x80]);
  for (const id of ['file', 'inline', 'skip']) {
    const res = await fetch(url(`/${id}`), { method: 'POST', body: payload });
    assert.equal(res.status, 200, `${id}: ${await res.clone().text()}`);
    const got = seen.find((s) => s.url === `/${id}`);
    assert.ok(got, `${id} delivered`);
    assert.deepEqual(got.body, payload, `${id}: the bytes arrive exactly`);
  }
});

test('http_client mutual TLS: delivered with client_certs (files, inline, encrypted key), refused without', async (t) => {
  const { seen, base } = await httpsTarget(t, { mutual: true });
  const dir = pipelineDir(t);
  const trust = 'tls:\n  enabled: true\n  root_cas_file: certs/ca.pem\n';
  const streams = [
    writePipeline(dir, 'nocert', pipeline('nocert', base, trust)),
    writePipeline(dir, 'files', pipeline('files', base, `${trust}  client_certs:\n    - { cert_file: certs/client.pem, key_file: certs/client-key.pem }`)),
    writePipeline(dir, 'inline', pipeline('inline', base, `${trust}  client_certs:\n    - cert: |\n        ${indent(pem('client.pem'), 8)}\n      key: |\n        ${indent(pem('client-key.pem'), 8)}`)),
    writePipeline(dir, 'encrypted', pipeline('encrypted', base, `${trust}  client_certs:\n    - { cert_file: certs/client.pem, key_file: certs/client-key-encrypted.pem, password: hunter2 }`)),
  ];
  const { url } = await startHost(t, streams);

  const refused = await fetch(url('/nocert'), { method: 'POST', body: 'x' });
  assert.equal(refused.status, 502);
  assert.match(await refused.text(), /nocert failed: other side closed before answering \(if the server requires a client certificate, set tls.client_certs\)/);
  assert.equal(seen.length, 0);

  for (const id of ['files', 'inline', 'encrypted']) {
    const res = await fetch(url(`/${id}`), { method: 'POST', body: id });
    assert.equal(res.status, 200, `${id}: ${await res.clone().text()}`);
    const got = seen.find((s) => s.url === `/${id}`);
    assert.equal(got?.clientCN, 'hotplug test client', `${id}: the server saw the client certificate`);
    assert.equal(got?.body.toString(), id);
  }
});

test('http_client basic_auth sends the Authorization header, over any configured header', async (t) => {
  const { seen, base } = await httpsTarget(t);
  const dir = pipelineDir(t);
  const trust = 'tls: { enabled: true, root_cas_file: certs/ca.pem }\n';
  const streams = [
    writePipeline(dir, 'auth', pipeline('auth', base, `${trust}headers: { Authorization: nope, X-Other: kept }\nbasic_auth: { enabled: true, username: ada, password: "p@ss:wörd" }`)),
    writePipeline(dir, 'off', pipeline('off', base, `${trust}basic_auth: { enabled: false }`)),
  ];
  const { url } = await startHost(t, streams);
  assert.equal((await fetch(url('/auth'), { method: 'POST', body: 'x' })).status, 200);
  assert.equal((await fetch(url('/off'), { method: 'POST', body: 'x' })).status, 200);
  const auth = seen.find((s) => s.url === '/auth');
  assert.equal(auth?.headers.authorization, `Basic ${Buffer.from('ada:p@ss:wörd').toString('base64')}`);
  assert.equal(auth?.headers['x-other'], 'kept');
  assert.equal(seen.find((s) => s.url === '/off')?.headers.authorization, undefined);
});

test('http_client: skip_cert_verify warns once at start; basic_auth credentials never reach the log', async (t) => {
  const { seen, base } = await httpsTarget(t, { status: (n) => (n === 0 ? 503 : 200) });
  const dir = pipelineDir(t);
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  const streams = [
    writePipeline(dir, 'skip', pipeline('skip', base, 'tls: { enabled: true, skip_cert_verify: true }')),
    writePipeline(dir, 'auth', pipeline('auth', base, 'retry_period: 1ms\ntls: { enabled: true, root_cas_file: certs/ca.pem }\nbasic_auth: { enabled: true, username: ada, password: s3cr3t-pw }', 1)),
  ];
  const host = createHost({ port: 0, log, streams });
  t.after(() => host.stop());
  await host.start();
  assert.equal((await fetch(host.url('/auth'), { method: 'POST', body: 'x' })).status, 200);
  assert.equal((await fetch(host.url('/skip'), { method: 'POST', body: 'y' })).status, 200);
  assert.equal(seen.length, 3, 'auth: a 503 and its retry; skip: one');
  const warnings = lines.filter((l) => l.includes('skip_cert_verify'));
  assert.equal(warnings.length, 1, lines.join(''));
  assert.match(warnings[0] ?? '', /"level":40.*"stream":"skip"/);
  assert.ok(lines.some((l) => l.includes('http_client retrying')), 'the retry was logged at debug');
  const secret = Buffer.from('ada:s3cr3t-pw').toString('base64');
  assert.ok(!lines.some((l) => l.includes('s3cr3t-pw') || l.includes(secret)), 'no credentials in the log');
});
