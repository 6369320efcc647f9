import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkStream } from '../../src/config/index.js';
import { type Diagnostic, formatDiagnostic } from '../../src/core/index.js';
import { loadOptions } from './tls-setup.js';

const FILE = '/fns/limited.yaml';
const check = (text: string) => checkStream(text, FILE, loadOptions());

const LIMITS = 'rate_limit_resources:\n  - label: per_sec\n    local: { count: 10, interval: 1s }\n';
const IO = 'input:\n  http_server: { path: /x, rate_limit: per_sec }\noutput:\n  http_client: { url: "http://127.0.0.1:1/", rate_limit: per_sec }\n';

function errors(text: string): Diagnostic[] {
  const res = check(text);
  assert.equal(res.value, undefined, 'the file does not load');
  return res.diagnostics.filter((d) => d.severity === 'error');
}

test('rate_limit_resources load: local limits by label, durations in ms, no warning; http fields keep the label', () => {
  const res = check(`${LIMITS}  - label: slow\n    local: { count: 1 }\n${IO}`);
  assert.ok(res.value, res.diagnostics.map(formatDiagnostic).join('\n'));
  assert.deepEqual(res.diagnostics, [], 'no longer an ignored key');
  const limits = res.value.resources.rateLimits;
  assert.deepEqual(
    [...(limits?.values() ?? [])].map((l) => [l.label, l.count, l.intervalMs, l.location.line]),
    [
      ['per_sec', 10, 1000, 3],
      ['slow', 1, 1000, 5],
    ],
  );
  assert.equal((res.value.input.config as { rate_limit: string }).rate_limit, 'per_sec');
  assert.equal((res.value.output.config as { rate_limit: string }).rate_limit, 'per_sec');
});

test('an unknown rate_limit label is an error at the field, with a did-you-mean hint', () => {
  const [d, ...rest] = errors(`${LIMITS}input:\n  http_server: { path: /x, rate_limit: per_secs }\noutput:\n  http_client: { url: "http://127.0.0.1:1/", rate_limit: nope }\n`);
  assert.equal(d?.code, 'E_UNKNOWN_RESOURCE');
  assert.equal(d?.message, "unknown rate limit resource 'per_secs'");
  assert.deepEqual(d?.location, { file: FILE, line: 5, col: 40, path: 'input.http_server.rate_limit' });
  assert.match(d?.hint ?? '', /did you mean 'per_sec'\?/);
  assert.equal(rest.length, 1);
  assert.equal(rest[0]?.location?.path, 'output.http_client.rate_limit');
  assert.match(rest[0]?.hint ?? '', /known rate limits: per_sec/);

  const [none] = errors('input:\n  http_server: { path: /x, rate_limit: api }\noutput:\n  sync_response: {}\n');
  assert.match(none?.hint ?? '', /there are no rate_limit_resources; add one/);
});

test('a rate_limit inside a resource or a broker is checked too', () => {
  const text = `${LIMITS}output_resources:\n  - label: out\n    http_client: { url: "http://127.0.0.1:1/", rate_limit: missing }\ninput:\n  broker:\n    inputs:\n      - http_server: { path: /y, rate_limit: gone }\noutput:\n  resource: out\n`;
  assert.deepEqual(
    errors(text).map((d) => d.location?.path),
    ['output_resources[0].http_client.rate_limit', 'input.broker.inputs[0].http_server.rate_limit'],
  );
});

test('a duplicate rate limit label is an error at the second, naming the first line', () => {
  const [d, ...rest] = errors(`${LIMITS}  - label: per_sec\n    local: { count: 5, interval: 1m }\n${IO}`);
  assert.equal(rest.length, 0);
  assert.equal(d?.code, 'E_INVALID_VALUE');
  assert.equal(d?.message, "duplicate rate limit label 'per_sec'");
  assert.deepEqual(d?.location, { file: FILE, line: 4, col: 12, path: 'rate_limit_resources[1].label' });
  assert.match(d?.hint ?? '', /the first is at line 2/);
});

test('bad intervals and counts, a missing label or local, another type, and a bad label are load errors at the value', () => {
  const one = (item: string) => {
    const found = errors(`rate_limit_resources:\n  - ${item}\n${IO.replace(/rate_limit: per_sec/g, 'rate_limit: ""')}`);
    assert.equal(found.length, 1, found.map(formatDiagnostic).join('\n'));
    return found[0] as Diagnostic;
  };
  const soon = one('{ label: a, local: { interval: soon } }');
  assert.equal(soon.location?.path, 'rate_limit_resources[0].local.interval');
  assert.deepEqual([soon.location?.line, soon.location?.col], [2, 36]);
  assert.match(soon.message, /'soon' is not a duration/);
  assert.match(soon.hint ?? '', /5s or 100ms/);
  assert.match(one('{ label: a, local: { interval: 0s } }').message, /interval must be longer than 0/);
  assert.match(one('{ label: a, local: { count: 0 } }').message, /count must be 1 or more/);
  assert.equal(one('{ label: a, local: { count: many } }').location?.path, 'rate_limit_resources[0].local.count');
  assert.equal(one('{ local: {} }').message, "missing required field 'label' in rate limit");
  assert.equal(one('{ label: a }').message, "missing required field 'local' in rate limit");
  const redis = one('{ label: a, redis: { url: x } }');
  assert.equal(redis.message, "unsupported rate limit type 'redis'");
  assert.match(redis.hint ?? '', /local rate limits only/);
  const typo = errors(`rate_limit_resources:\n  - { label: a, locl: {} }\n${IO.replace(/rate_limit: per_sec/g, 'rate_limit: ""')}`);
  assert.match(typo.find((d) => d.code === 'E_UNKNOWN_FIELD')?.hint ?? '', /did you mean 'local'/);
  assert.equal(one('{ label: a, local: { interval: 0 } }').location?.path, 'rate_limit_resources[0].local.interval');
  assert.equal(one('{ label: Bad-Name, local: {} }').location?.path, 'rate_limit_resources[0].label');
});

test('http_server cors: fields checked at load; enabled without origins is an error (as Connect)', () => {
  const cors = (c: string) => check(`input:\n  http_server:\n    path: /x\n    cors: ${c}\noutput:\n  sync_response: {}\n`);
  const good = cors('{ enabled: true, allowed_origins: [ "https://a.example", "*" ] }');
  assert.ok(good.value, good.diagnostics.map(formatDiagnostic).join('\n'));
  assert.deepEqual((good.value.input.config as { cors: unknown }).cors, { enabled: true, allowed_origins: ['https://a.example', '*'] });
  assert.deepEqual((cors('{}').value?.input.config as { cors: unknown }).cors, { enabled: false, allowed_origins: [] });
  const empty = cors('{ enabled: true }').diagnostics;
  assert.equal(empty.length, 1);
  assert.equal(empty[0]?.message, 'cors is enabled but allows no origin');
  assert.equal(empty[0]?.location?.path, 'input.http_server.cors.allowed_origins');
  const typo = cors('{ enabled: true, allowed_origin: [x] }').diagnostics[0];
  assert.equal(typo?.code, 'E_UNKNOWN_FIELD');
  assert.match(typo?.hint ?? '', /allowed_origins/);
});

test("the README's rate limit example loads clean", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Rate limits'), readme.indexOf('### Batch policies'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml?.includes('rate_limit_resources'), 'the Rate limits section has the example');
  const res = check(yaml ?? "");
  assert.deepEqual(res.diagnostics.map(formatDiagnostic), []);
  assert.equal(res.value?.resources.rateLimits?.get('partner_api')?.count, 100);
});
