import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createSilentLogger } from '../../src/core/index.js';
import { catalogFromLookup, loadStream } from '../../src/config/index.js';
import { createHost } from '../../src/host/index.js';
import { createRegistry } from '../../src/pipeline/index.js';
import { batchProcessorDefs } from '../../src/pipeline/processors/index.js';
import { readTar } from '../../src/pipeline/processors/formats/tar.js';

/**
 * The processors in running streams, through real HTTP: a host on an
 * ephemeral port runs a fixture pipeline, requests go in through its
 * http_server, and the http_client output posts to a sink server here.
 */
const fixtures = fileURLToPath(new URL('../../../test/fixtures/processors/', import.meta.url));

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Running {
  url(path: string): string;
  received: Received[];
}

async function run(t: { after(fn: () => Promise<void>): void }, fixture: string): Promise<Running> {
  const received: Received[] = [];
  const sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => sink.close(() => r())));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const registry = createRegistry();
  const conf = loadStream(join(fixtures, fixture), {
    catalog: catalogFromLookup(registry.lookup),
    env: (name) => (name === 'SINK_URL' ? sinkUrl : undefined),
  });
  const host = createHost({ port: 0, log: createSilentLogger(), registry, streams: [conf] });
  t.after(() => host.stop());
  await host.start();
  return { url: (p) => host.url(p), received };
}

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { method: 'POST', body, headers });
  await res.arrayBuffer();
  return res.status;
}

function multipart(parts: { headers: Record<string, string>; body: string }[]): { body: Buffer; contentType: string } {
  const boundary = 'hotplug-test-boundary';
  const chunks = parts.map((p) => {
    const head = Object.entries(p.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    return `--${boundary}\r\n${head}\r\n${p.body}\r\n`;
  });
  return { body: Buffer.from(`${chunks.join('')}--${boundary}--\r\n`), contentType: `multipart/mixed; boundary=${boundary}` };
}

test('the registry offers every batch processor', () => {
  const registry = createRegistry();
  for (const def of batchProcessorDefs) assert.ok(registry.processor(def.spec.name), def.spec.name);
});

test('group_by_value + archive tar + compress gzip, routed by ${! meta(...) } in the url', async (t) => {
  const { url, received } = await run(t, 'group-archive.yaml');
  const sent = [
    ['a', '{"n":1}'],
    ['b', '{"n":2}'],
    ['a', '{"n":3}'],
    ['b', '{"n":4}'],
  ];
  const statuses = await Promise.all(sent.map(([partition, body]) => post(url('/group'), body!, { partition: partition! })));
  assert.deepEqual(statuses, [200, 200, 200, 200]);
  assert.equal(received.length, 2, 'one archive per partition');
  const byPartition = new Map(received.map((r) => [r.path.split('/')[2], r]));
  for (const partition of ['a', 'b']) {
    const r = byPartition.get(partition);
    assert.ok(r, `an archive for ${partition}`);
    assert.match(r.path, new RegExp(`^/docs/${partition}/\\d+\\.tar\\.gz$`));
    const members = readTar(gunzipSync(r.body));
    const expected = sent.filter(([p]) => p === partition).map(([, body]) => body);
    assert.deepEqual(members.map((m) => m.name), [`${partition}/0.json`, `${partition}/1.json`]);
    assert.deepEqual(members.map((m) => Buffer.from(m.data).toString()).sort(), [...expected].sort());
  }
});

test('an archive arriving as one message is unpacked and split by byte_size', async (t) => {
  const { url, received } = await run(t, 'split-oversized.yaml');
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-split-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const names = ['m1', 'm2', 'm3', 'm4', 'm5'];
  for (const n of names) await writeFile(join(dir, n), `${n}___`);
  const tar = spawnSync('tar', ['-cf', '-', ...names], { cwd: dir });
  assert.equal(tar.status, 0);
  assert.equal(await post(url('/split'), gzipSync(tar.stdout)), 200);
  const bodies = received.map((r) => r.body.toString()).sort();
  assert.deepEqual(bodies, ['m1___\nm2___', 'm3___\nm4___', 'm5___']);
});

test('a broker with a batch policy: messages from both inputs are processed as one batch', async (t) => {
  const { url, received } = await run(t, 'broker-batch.yaml');
  const statuses = await Promise.all([post(url('/left'), 'l1'), post(url('/right'), 'r1'), post(url('/left'), 'l2'), post(url('/right'), 'r2')]);
  assert.deepEqual(statuses, [200, 200, 200, 200]);
  assert.equal(received.length, 1);
  assert.deepEqual(received[0]!.body.toString().split('\n').sort(), ['l1', 'l2', 'r1', 'r2']);
});

test('for_each + while + catch retries each message until the flaky resource succeeds', async (t) => {
  const { url, received } = await run(t, 'retry-loop.yaml');
  const { body, contentType } = multipart([
    { headers: {}, body: 'first' },
    { headers: {}, body: 'second' },
  ]);
  assert.equal(await post(url('/retry'), body, { 'content-type': contentType }), 200);
  const got = received.map((r) => [r.body.toString(), r.headers['x-calls']]).sort();
  // Each message needs three calls; for_each runs them one after the other.
  assert.deepEqual(got, [
    ['first', '3'],
    ['second', '6'],
  ]);
});

test('post-batch processors: the output batches three requests and sends them as lines', async (t) => {
  const { url, received } = await run(t, 'post-batch.yaml');
  const statuses = await Promise.all(['x', 'y', 'z'].map((s) => post(url('/lines'), s)));
  assert.deepEqual(statuses, [200, 200, 200]);
  assert.equal(received.length, 1);
  assert.deepEqual(received[0]!.body.toString().split('\n').sort(), ['x', 'y', 'z']);
});

test('switch, try, catch, group_by, log and sleep route and recover items of one request', async (t) => {
  const { url, received } = await run(t, 'route-recover.yaml');
  const items = [
    { kind: 'shout', text: 'hi' },
    { kind: 'drop', text: 'x' },
    { kind: 'plain', text: 'bad' },
    { kind: 'plain', text: 'ok' },
  ];
  assert.equal(await post(url('/route'), JSON.stringify(items)), 200);
  const byPath = new Map(received.map((r) => [r.path, JSON.parse(r.body.toString()) as Record<string, unknown>[]]));
  assert.deepEqual([...byPath.keys()].sort(), ['/route/caught', '/route/fine']);
  assert.deepEqual(byPath.get('/route/fine'), [
    { kind: 'shout', text: 'HI', checked: true },
    { kind: 'plain', text: 'ok', checked: true },
  ]);
  const [caught, ...more] = byPath.get('/route/caught')!;
  assert.deepEqual(more, []);
  assert.equal(caught!['text'], 'bad');
  assert.equal(caught!['checked'], undefined, 'try skipped the rest for the failed item');
  assert.match(String(caught!['caught']), /bad text/);
});

test('zip + brotli round trip inside a stream; select_parts picks the last and first member', async (t) => {
  const { url, received } = await run(t, 'zip-brotli.yaml');
  const { body, contentType } = multipart([
    { headers: { 'X-Name': 'one.txt' }, body: 'first part' },
    { headers: { 'X-Name': 'two.txt' }, body: 'second part' },
    { headers: { 'X-Name': 'three.txt' }, body: 'third part' },
  ]);
  assert.equal(await post(url('/zip'), body, { 'content-type': contentType }), 200);
  assert.deepEqual(received.map((r) => r.body.toString()), ['three.txt=third part\none.txt=first part']);
});

test('sync_response after archive answers every merged request with the archive', async (t) => {
  const { url } = await run(t, 'archive-respond.yaml');
  const answers = await Promise.all(['1', '2', '3'].map(async (n) => {
    const res = await fetch(url('/together'), { method: 'POST', body: `{"n":${n}}` });
    return { status: res.status, body: await res.text() };
  }));
  for (const a of answers) {
    assert.equal(a.status, 200);
    const items = (JSON.parse(a.body) as { n: number }[]).map((i) => i.n).sort();
    assert.deepEqual(items, [1, 2, 3]);
  }
});

test('a runtime failure flags the message, catch answers it, and the stream keeps serving', async (t) => {
  const { url } = await run(t, 'bad-input.yaml');
  const bad = await fetch(url('/unpack'), { method: 'POST', body: 'plain text' });
  assert.equal(bad.status, 200);
  assert.match(await bad.text(), /^not gzip: decompress gzip: /);
  const good = await fetch(url('/unpack'), { method: 'POST', body: gzipSync('hello') });
  assert.equal(good.status, 200);
  assert.equal(await good.text(), 'hello');
});
