import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createHost } from '../../src/host/index.js';
import { log } from '../pipeline/helpers.js';

// A pipeline file as a user writes it: the mapping is compiled by the config loader, runs in the
// real stream, and its result is the HTTP response.
const pipeline = `input:
  http_server:
    path: /orders
pipeline:
  processors:
    - mapping: |
        root = this
        root.card = this.card.re_replace_all("^(?:\\\\d{4}[ -]?){3}(\\\\d{4})$", "**** $1")
        match this.kind {
          "refund" => {
            root.sign = -1
            meta route = "refunds"
          }
          this.has_prefix("sub") => {
            root.sign = 1
            root.plan = this.re_find_object("sub-(?P<plan>\\\\w+)").plan
          }
          _ => { root.sign = 1 }
        }
        root.size = match { this.total > 100 => "big", _ => "small" }
    - bloblang: 'meta out_route = @route | "none"'
output:
  sync_response: {}
`;

test('a match statement and re_replace_all in a mapping processor answer a real HTTP request', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-expr-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'orders.yaml'), pipeline);
  const host = createHost({ dir, port: 0, log });
  t.after(() => host.stop());
  await host.start();
  assert.deepEqual(host.diagnostics, []);

  const post = async (body: unknown) => {
    const res = await fetch(host.url('/orders'), { method: 'POST', body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  };
  assert.deepEqual(await post({ kind: 'refund', card: '4111 1111 1111 1234', total: 250 }), {
    kind: 'refund', card: '**** 1234', total: 250, sign: -1, size: 'big',
  });
  assert.deepEqual(await post({ kind: 'sub-gold', card: '4111-1111-1111-9876', total: 9 }), {
    kind: 'sub-gold', card: '**** 9876', total: 9, sign: 1, plan: 'gold', size: 'small',
  });
  assert.deepEqual(await post({ kind: 'sale', card: 'not a card', total: 101 }), {
    kind: 'sale', card: 'not a card', total: 101, sign: 1, size: 'big',
  });
});

test('an invalid literal pattern in a pipeline file is a load diagnostic with its position', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hotplug-expr-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'bad.yaml'), 'input:\n  http_server:\n    path: /bad\npipeline:\n  processors:\n    - mapping: |\n        root = this\n        root.x = this.a.re_match("(unclosed")\noutput:\n  sync_response: {}\n');
  const host = createHost({ dir, port: 0, log });
  t.after(() => host.stop());
  await host.start();
  const [d] = host.diagnostics;
  assert.match(d?.message ?? '', /re_match\(\): invalid regular expression "\(unclosed": Unterminated group/);
  // Line 8 of the file; column 34 is the pattern's opening quote.
  assert.deepEqual([d?.location?.file, d?.location?.line, d?.location?.col], [join(dir, 'bad.yaml'), 8, 34]);
});
