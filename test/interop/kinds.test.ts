import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../helpers/poll.js';
import { interopHost, lines, rawFunctions } from './helpers.js';

/*
 * Plugins written against the contract by code that is not hotplug's SDK (raw grpcio with classes
 * from proto/'s descriptors, raw grpc-js with protobuf-es classes generated from proto/), through every
 * kind: input (batches, acks, nack replay), processors (per-message and batch errors), outputs (their
 * own batch policy and max_in_flight, a refused Send). Config of every field type and metadata of every
 * Value kind: value-fidelity.test.ts.
 */

test('contract-only inputs (grpcio, grpc-js) → processors → outputs: batches, the output\'s own batch policy, a refused Send replayed, every ack ok', async (t) => {
  const dir = rawFunctions(t, {});
  const inLog = join(dir, 'in.log');
  const outLog = join(dir, 'out.log');
  const jsLog = join(dir, 'js.log');
  const feed = (name: string, input: string, output: string) =>
    `input:\n  ${input}: { batches: 4, size: 1, log: ${JSON.stringify(inLog.replace('in.log', `${name}-in.log`))} }\npipeline:\n  processors:\n    - raw_errors: {}\n    - js_errors: {}\noutput:\n  ${output}\n`;
  const { writeFileSync } = await import('node:fs');
  // grpcio input → grpcio output, grpc-js input → grpc-js output; each output refuses the pair holding in-3-0 once.
  writeFileSync(join(dir, 'py.yaml'), feed('py', 'raw_in', `raw_out: { batch_count: 2, refuse_once: in-3-0, log: ${JSON.stringify(outLog)} }`));
  writeFileSync(join(dir, 'js.yaml'), feed('js', 'js_in', `js_out: { refuse_once: in-3-0, log: ${JSON.stringify(jsLog)} }`));
  await interopHost(t, dir);
  // Each Send's payloads (batches are processed concurrently, so which two share a Send varies).
  const sends = (f: string) => lines(f).filter((l) => l.startsWith('send')).map((l) => l.split(' ').slice(1));
  const everyMessage = ['in-1-0', 'in-2-0', 'in-3-0', 'in-4-0'];
  // Both outputs declare count 2: the host batches pairs before Send (Connect applies a plugin's policy).
  await waitFor(() => sends(outLog).length === 2 && sends(jsLog).length === 2, { timeoutMs: 30_000, what: 'all four messages delivered by both outputs' }).catch((err: Error) => {
    throw new Error(`${err.message}: py out ${JSON.stringify(lines(outLog))}, js out ${JSON.stringify(lines(jsLog))}, py in ${JSON.stringify(lines(join(dir, 'py-in.log')))}`);
  });
  // Each output refused the pair holding in-3-0 once; the input's auto_replay_nacks made the host send it
  // again, also after the input had reported its end.
  for (const [name, log] of [['py', outLog], ['js', jsLog]] as const) {
    assert.deepEqual(sends(log).map((s) => s.length), [2, 2], `${name}: two Sends of two`);
    assert.deepEqual(sends(log).flat().sort(), everyMessage, `${name}: each message delivered once (the refused Send is not logged)`);
    assert.ok(lines(join(dir, `${name}-in.log`)).some((l) => l.startsWith('connect')), `${name}: the input was connected`);
  }
  for (const name of ['py', 'js']) {
    const acks = () => lines(join(dir, `${name}-in.log`)).filter((l) => l.startsWith('ack')).sort();
    await waitFor(() => acks().length === 4, { what: `${name}: four acks` });
    assert.deepEqual(acks(), ['ack 1 ok', 'ack 2 ok', 'ack 3 ok', 'ack 4 ok'], `${name}: the input sees only the final outcome of each batch`);
  }
});

test('contract-only processors behind HTTP: a flagged message is a 500 with its error, a failed batch a 500, the rest pass', async (t) => {
  const dir = rawFunctions(t, {
    py_errors: 'input:\n  http_server:\n    path: /py\npipeline:\n  processors:\n    - raw_errors: {}\noutput:\n  sync_response: {}\n',
    js_errors: 'input:\n  http_server:\n    path: /js\npipeline:\n  processors:\n    - js_errors: {}\noutput:\n  sync_response: {}\n',
  });
  const host = await interopHost(t, dir);
  for (const path of ['/py', '/js']) {
    const call = async (body: string) => {
      const res = await fetch(host.url(path), { method: 'POST', body });
      return [res.status, await res.text()] as const;
    };
    assert.deepEqual(await call('fine'), [200, 'fine'], path);
    const [oneStatus, oneBody] = await call('fail-one');
    assert.equal(oneStatus, 500, path);
    assert.match(oneBody, /this one failed/, path);
    const [batchStatus, batchBody] = await call('fail-batch');
    assert.equal(batchStatus, 500, path);
    assert.match(batchBody, /the whole batch failed/, path);
  }
});
