import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDevConsole } from '../../src/console/index.js';
import type { ConsoleUpdate } from '../../src/console/wire.js';
import { comp, log, streamConf } from '../pipeline/helpers.js';
import { waitFor } from '../helpers/poll.js';
import { rawRequest, startHost } from '../host/setup.js';

const upper = (path: string) => streamConf(path.slice(1) || 'root', comp('input', 'http_server', { path, allowed_verbs: ['GET', 'POST'] }), [comp('processor', 'test_upper')], comp('output', 'sync_response'));

/** Reads an event stream until `until` holds for what arrived, then closes it. */
async function readEvents(url: string, until: (text: string) => boolean): Promise<string> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const reader = res.body!.getReader();
  let text = '';
  try {
    while (!until(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
  } finally {
    ac.abort();
  }
  return text;
}

test('the console records requests only while a page is open, and sends them in batches', async (t) => {
  const { host, url } = await startHost(t, [upper('/up')]);
  const hub = host.requests as unknown as { watching: boolean };
  const console = createDevConsole({ host, log, lingerMs: 20 });
  t.after(() => console.close());
  assert.equal(console.state(), 'idle');
  assert.equal(hub.watching, false, 'no page open: nobody listens to requests, the server records nothing');

  const seen = readEvents(url('/_hotplug/events'), (text) => /event: update\ndata: .*"path":"\/up"/.test(text));
  await waitFor(() => hub.watching, { what: 'the console listening once a page is open' });
  assert.equal(console.state(), 'watching');
  assert.equal(await (await fetch(url('/up'), { method: 'POST', body: 'hi' })).text(), 'HI');
  const text = await seen;
  assert.match(text, /^event: snapshot\ndata: \{"routes":\[\{"path":"\/up","methods":\["GET","POST"\],"stream":"up"/);
  assert.match(text, /"components":\[\{"role":"input","type":"http_server","plugin":false\},\{"role":"processor","type":"test_upper","plugin":false\},\{"role":"output","type":"sync_response","plugin":false\}\]/);
  const update = JSON.parse(/event: update\ndata: (.*"path":"\/up".*)\n/.exec(text)![1]!) as ConsoleUpdate;
  assert.deepEqual(update.requests?.requests.map((r) => [r.method, r.path, r.route, r.status]), [['POST', '/up', '/up', 200]]);

  // The page went away: after the linger, the console stops listening again.
  await waitFor(() => console.state() === 'idle' && !hub.watching, { what: 'the console idle after the last page closed' });
  // A page opening later gets what was recorded in its snapshot.
  const again = await readEvents(url('/_hotplug/events'), (s) => s.includes('\n\n'));
  assert.match(again, /"requests":\[\{"time":\d+,"method":"POST","path":"\/up"/);
});

test('the console answers only local names, serves its page, and GET / redirects there unless a route claims /', async (t) => {
  const { host, url } = await startHost(t, [upper('/up')]);
  const console = createDevConsole({ host, log });
  t.after(() => console.close());
  const page = await fetch(url('/_hotplug/'));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="\/_hotplug\/app\.js">/);
  const js = await fetch(url('/_hotplug/app.js'));
  assert.equal(js.status, 200, 'the bundled page is built by npm run build');
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await fetch(url('/_hotplug/nope'))).status, 404);
  const root = await fetch(url('/'), { redirect: 'manual' });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/_hotplug/');
  // Another Host header (a DNS-rebound name, another machine's view): refused.
  const foreign = await rawRequest(url('/_hotplug/'), { method: 'GET', headers: { Host: 'attacker.example:80' } });
  assert.equal(foreign.status, 403);
  assert.match(foreign.body, /only local requests/);
  const viaLocalhost = await rawRequest(url('/_hotplug/'), { method: 'GET', headers: { Host: `localhost:${host.address().port}` } });
  assert.equal(viaLocalhost.status, 200);

  // A stream that serves / keeps it.
  host.addStream(upper('/'));
  const mine = await fetch(url('/'), { method: 'POST', body: 'x', redirect: 'manual' });
  assert.equal(await mine.text(), 'X');
  console.close();
  assert.equal((await fetch(url('/_hotplug/'))).status, 404, 'closed: unmounted');
});

test('the playground maps a message with the host expression language and reports errors with line and column', async (t) => {
  const { host, url } = await startHost(t, []);
  const console = createDevConsole({ host, log });
  t.after(() => console.close());
  const run = async (body: unknown): Promise<unknown> => (await fetch(url('/_hotplug/api/mapping'), { method: 'POST', body: JSON.stringify(body) })).json();
  assert.deepEqual(await run({ mapping: 'root.n = this.n * 2\nmeta seen = "yes"', input: '{"n": 21}', metadata: { kept: 'k' } }), {
    ok: true,
    output: '{"n":42}',
    metadata: { kept: 'k', seen: 'yes' },
    deleted: false,
  });
  assert.deepEqual(await run({ mapping: 'root = deleted()', input: 'x' }), { ok: true, output: '', metadata: {}, deleted: true });
  assert.deepEqual(await run({ mapping: 'root = this.n +\n', input: '{}' }), { ok: false, stage: 'parse', error: 'expected an expression, got end of input', line: 2, col: 1 });
  const failed = (await run({ mapping: 'root = this.n.uppercase()', input: '{"n": 1}' })) as { ok: boolean; stage: string; error: string };
  assert.equal(failed.stage, 'execute');
  assert.match(failed.error, /line 1/);
  assert.equal((await fetch(url('/_hotplug/api/mapping'), { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) })).status, 413);
  assert.equal((await fetch(url('/_hotplug/api/mapping'), { method: 'POST', body: 'not json' })).status, 400);
});
