import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interopHost } from './helpers.js';

/*
 * The value-fidelity table of proto/README.md, row by row, through the real path:
 * pipeline YAML and a JSON body → mapping (Bloblang) → a grpcio plugin without hotplug's SDK
 * (sets metadata of every kind) → a grpc-js plugin generated from proto/ → the TS SDK →
 * the Python SDK (both decode and re-encode every value) → a mapping → a grpcio plugin →
 * sync_response's JSON. The contract-only plugins report the exact wire kind they received.
 */

type Report = Record<string, unknown>;
interface Answer {
  a: unknown;
  c: unknown;
  reports: { origin: { config: { struct: Report } }; js: { metadata: Report; payload: { struct: Report } }; py: { metadata: Report; payload: { struct: Report } }; tssdk: Report; pysdk: Report };
}

async function roundTrip(t: Parameters<typeof interopHost>[0]): Promise<{ text: string; answer: Answer }> {
  const host = await interopHost(t);
  const res = await fetch(host.url('/fidelity'), { method: 'POST', body: '{"a": 1.0, "b": 1, "c": 4611686018427387905, "d": 2.5, "e": [1.0, 1]}' });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return { text, answer: JSON.parse(text) as Answer };
}

test('value fidelity: every row of the table, YAML/JSON/Bloblang in, contract-only and SDK plugins, mapping, JSON out', async (t) => {
  const { text, answer } = await roundTrip(t);
  const { origin, js, py, tssdk, pysdk } = answer.reports;

  // YAML config → Init's Value, per the field's declared type (a float field is a double even when written 1).
  assert.deepEqual(origin.config.struct, {
    ratio: { double: '1.0' },
    ratios: { list: [{ double: '1.0' }, { double: '2.5' }] },
    weights: { struct: { a: { double: '1.0' } } },
    anything: { double: '1.0' }, // untyped 1.0
    count: { integer: '1' }, // untyped 1
    big: { integer: '9223372036854775807' },
    name: { string: 'n' },
    flag: { bool: true },
    fallback: { double: '3.0' }, // a float field's default written 3
    untyped_default: { double: '4.0' }, // an unknown field's default written 4.0
  });

  // Metadata of every kind, set by a grpcio plugin, seen by the next contract-only plugin (grpc-js)
  // and, after the TS SDK, the Python SDK and a mapping re-encoded all of it, by a grpcio plugin.
  const everyKind = {
    double_whole: { double: '2.0' },
    double_frac: { double: '2.5' },
    int: { integer: '2' },
    int_big: { integer: '4611686018427387905' },
    int_min: { integer: '-9223372036854775808' },
    bytes: { bytes: '0102' },
    timestamp: { timestamp: '1700000000.123456789' },
    string: { string: 'x' },
    bool: { bool: true },
    null: { null: null },
    struct: { struct: { d: { double: '1.0' }, i: { integer: '1' } } },
    list: { list: [{ double: '3.0' }, { integer: '3' }] },
    bloblang_double: { double: '2.0' }, // Bloblang `2.0`
    bloblang_int: { integer: '2' },
  };
  for (const [key, want] of Object.entries(everyKind)) {
    assert.deepEqual(js.metadata[key], want, `plugin → plugin: metadata ${key}`);
    assert.deepEqual(py.metadata[key], want, `through both SDKs and a mapping: metadata ${key}`);
  }
  // A mapping that copies metadata (`meta x = @y`) keeps the kinds.
  assert.deepEqual(py.metadata['copied_double'], { double: '2.0' });
  assert.deepEqual(py.metadata['copied_struct'], everyKind.struct);

  // JSON body → structured payload: `1.0` a double, `1` an integer, big integers exact.
  const payload = { a: { double: '1.0' }, b: { integer: '1' }, c: { integer: '4611686018427387905' }, d: { double: '2.5' }, e: { list: [{ double: '1.0' }, { integer: '1' }] } };
  assert.deepEqual(js.payload.struct, payload);
  assert.deepEqual({ ...py.payload.struct, bytes: undefined, timestamp: undefined, int_big: undefined }, { ...payload, bytes: undefined, timestamp: undefined, int_big: undefined });
  // Bloblang assignments of metadata into the payload keep bytes, nanoseconds and big integers.
  assert.deepEqual(py.payload.struct['bytes'], { bytes: '0102' });
  assert.deepEqual(py.payload.struct['timestamp'], { timestamp: '1700000000.123456789' });
  assert.deepEqual(py.payload.struct['int_big'], { integer: '4611686018427387905' });

  // What each SDK hands the plugin's code.
  assert.deepEqual(
    { d: tssdk['double_whole'], f: tssdk['double_frac'], i: tssdk['int'], big: tssdk['int_big'], b: tssdk['bytes'], ts: tssdk['timestamp'], s: tssdk['struct'], l: tssdk['list'], p: tssdk['payload'] },
    { d: 'Double', f: 'number', i: 'number', big: 'bigint', b: 'Uint8Array', ts: 'NanoDate+456789ns', s: { d: 'Double', i: 'number' }, l: ['Double', 'number'], p: { a: 'Double', b: 'number', c: 'bigint', d: 'number', e: ['Double', 'number'] } },
  );
  assert.deepEqual(
    { d: pysdk['double_whole'], f: pysdk['double_frac'], i: pysdk['int'], big: pysdk['int_big'], b: pysdk['bytes'], ts: pysdk['timestamp'], s: pysdk['struct'], l: pysdk['list'], p: pysdk['payload'] },
    { d: 'float', f: 'float', i: 'int', big: 'int', b: 'bytes', ts: 'NanoDatetime+789ns', s: { d: 'float', i: 'int' }, l: ['float', 'int'], p: { a: 'float', b: 'int', c: 'int', d: 'float', e: ['float', 'int'] } },
  );

  // JSON out, as Connect writes it: base64 bytes, exact big integers, RFC 3339 with nanoseconds.
  assert.match(text, /"bytes":"AQI="/);
  assert.match(text, /"int_big":4611686018427387905[,}]/);
  assert.match(text, /"c":4611686018427387905[,}]/);
  assert.match(text, /"timestamp":"2023-11-14T22:13:20\.123456789Z"/);
  assert.equal(answer.a, 1);
});
