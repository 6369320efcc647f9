import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Diagnostic, formatDiagnostic } from '../../src/core/index.js';
import { lintDir, readStream } from '../../src/config/index.js';
import { createHost } from '../../src/host/index.js';
import { loadOptions, pem, pipelineDir } from './tls-setup.js';

const HEAD = 'input:\n  http_server: { path: /in }\noutput:\n  http_client:\n    url: https://127.0.0.1:1/x\n';

/** Loads `HEAD + body` (YAML under http_client, indented by 4) from a folder holding certs/. */
function load(t: { after(fn: () => void): void }, body: string): { diags: Diagnostic[]; file: string; dir: string } {
  const dir = pipelineDir(t);
  const file = join(dir, 'p.yaml');
  writeFileSync(file, HEAD + body.replace(/^/gm, '    '));
  return { diags: readStream(file, loadOptions()).diagnostics, file, dir };
}

function only(diags: Diagnostic[], severity: 'error' | 'warning' = 'error'): Diagnostic {
  const found = diags.filter((d) => d.severity === severity);
  assert.equal(found.length, 1, diags.map(formatDiagnostic).join('\n'));
  return found[0] as Diagnostic;
}

test('tls config: a good config loads clean; an unknown field is rejected at its line with the YAML path', (t) => {
  assert.deepEqual(load(t, 'tls:\n  enabled: true\n  root_cas_file: certs/ca.pem\n  client_certs:\n    - { cert_file: certs/client.pem, key_file: certs/client-key-encrypted.pem, password: hunter2 }\nbasic_auth: { enabled: true, username: a, password: b }').diags, []);
  const { diags, file } = load(t, 'tls:\n  enabled: true\n  root_ca_file: certs/ca.pem');
  const d = only(diags);
  assert.equal(d.code, 'E_UNKNOWN_FIELD');
  assert.deepEqual(d.location, { file, line: 8, col: 7, path: 'output.http_client.tls.root_ca_file' });
  assert.match(d.hint ?? '', /root_cas_file/);
});

test('tls config: a missing root_cas_file or cert_file is a load error naming the resolved path', (t) => {
  const ca = load(t, 'tls:\n  enabled: true\n  root_cas_file: certs/nope.pem');
  const d = only(ca.diags);
  assert.equal(d.code, 'E_INVALID_VALUE');
  assert.equal(d.message, `cannot read ${join(ca.dir, 'certs/nope.pem')}: no such file`);
  assert.deepEqual(d.location, { file: ca.file, line: 8, col: 22, path: 'output.http_client.tls.root_cas_file' });
  assert.match(d.hint ?? '', /relative to the pipeline file's folder/);

  const cert = load(t, 'tls:\n  enabled: true\n  client_certs:\n    - { cert_file: gone.pem, key_file: certs/client-key.pem }');
  const c = only(cert.diags);
  assert.equal(c.message, `cannot read ${join(cert.dir, 'gone.pem')}: no such file`);
  assert.equal(c.location?.path, 'output.http_client.tls.client_certs[0].cert_file');
  assert.equal(c.location?.line, 9);
});

test('tls config: PEM that does not parse, a key of another certificate, a wrong password, and half a pair are load errors', (t) => {
  const garbled = pem('ca.pem').replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
  const cases: Array<[string, RegExp, string]> = [
    ['tls:\n  enabled: true\n  root_cas: not a certificate', /tls\.root_cas holds no PEM certificate/, 'tls.root_cas'],
    [`tls:\n  enabled: true\n  root_cas: |\n    ${garbled.trim().replace(/\n/g, '\n    ')}`, /tls\.root_cas does not parse/, 'tls.root_cas'],
    ['tls:\n  enabled: true\n  client_certs:\n    - { cert_file: certs/client.pem, key_file: certs/server-key.pem }', /does not belong to the certificate/, 'tls.client_certs[0].key_file'],
    ['tls:\n  enabled: true\n  client_certs:\n    - { cert_file: certs/client.pem, key_file: certs/client-key-encrypted.pem, password: wrong }', /cannot decrypt the private key/, 'tls.client_certs[0].password'],
    ['tls:\n  enabled: true\n  client_certs:\n    - { cert_file: certs/client.pem, key_file: certs/client-key-encrypted.pem }', /cannot decrypt the private key/, 'tls.client_certs[0].key_file'],
    ['tls:\n  enabled: true\n  client_certs:\n    - { cert_file: certs/client.pem }', /tls\.client_certs\[0\] has no key/, 'tls.client_certs[0]'],
    ['tls:\n  enabled: true\n  client_certs:\n    - { cert: x, cert_file: certs/client.pem, key_file: certs/client-key.pem }', /has both cert and cert_file/, 'tls.client_certs[0].cert_file'],
    ['basic_auth: { enabled: true, username: "a:b" }', /username cannot contain ":"/, 'basic_auth.username'],
  ];
  for (const [body, message, path] of cases) {
    const d = only(load(t, body).diags);
    assert.match(d.message, message, body);
    assert.equal(d.location?.path, `output.http_client.${path}`, body);
    assert.ok((d.location?.line ?? 0) >= 6, `${body}: has a line`);
    assert.ok(d.hint, `${body}: has a hint`);
  }
});

test('tls config: settings under enabled: false are ignored with a warning', (t) => {
  const w = only(load(t, 'tls: { root_cas_file: certs/nope.pem, skip_cert_verify: true }').diags, 'warning');
  assert.match(w.message, /tls\.skip_cert_verify, tls\.root_cas_file are ignored because tls\.enabled is false/);
  assert.equal(w.location?.path, 'output.http_client.tls');
  assert.match(only(load(t, 'basic_auth: { username: a }').diags, 'warning').message, /basic_auth credentials are ignored/);
});

test('hotplug lint reports a bad TLS file of a pipeline in a functions dir', (t) => {
  const dir = pipelineDir(t);
  writeFileSync(join(dir, 'out.yaml'), `${HEAD}    tls: { enabled: true, root_cas_file: missing/ca.pem }\n`);
  const diags = lintDir(dir, createHost({ port: 0 }).loadOptions());
  const d = only(diags);
  assert.equal(formatDiagnostic(d).split('\n')[0], `${join(dir, 'out.yaml')}:6:42: cannot read ${join(dir, 'missing/ca.pem')}: no such file (at output.http_client.tls.root_cas_file)`);
});

test("the README's http_client TLS example loads clean", (t) => {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const section = readme.slice(readme.indexOf('### HTTP out'), readme.indexOf('### Batch policies'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml?.includes('root_cas_file'), 'the HTTP out section has the example');
  const dir = pipelineDir(t);
  const file = join(dir, 'readme.yaml');
  writeFileSync(file, `input:\n  http_server: { path: /in }\n${yaml}`);
  const env: Record<string, string> = { INGEST_PASSWORD: 'pw' };
  assert.deepEqual(readStream(file, { ...loadOptions(), env: (n) => env[n] }).diagnostics.map(formatDiagnostic), []);
});
