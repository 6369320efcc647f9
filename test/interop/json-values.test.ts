import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJSON, toJSON } from '../../src/core/json.js';
import { Double, NanoDate } from '../../src/core/value.js';

test('JSON text → Value keeps doubles and exact integers apart, as Connect reads JSON', () => {
  assert.deepEqual(parseJSON('{"a":1.0,"b":1,"c":1e3,"d":2.5,"e":-0.0}'), { a: new Double(1), b: 1, c: new Double(1000), d: 2.5, e: new Double(-0) });
  assert.deepEqual(parseJSON('[4611686018427387905, -9223372036854775808, 18446744073709551615]'), [2n ** 62n + 1n, -(2n ** 63n), 2n ** 64n - 1n]);
  assert.deepEqual(parseJSON('[1e400, 123456789012345678901234567890]'), [Infinity, new Double(1.2345678901234568e29)]);
  // Strings that merely look like numbers stay strings; the fast path still parses plain JSON.
  assert.deepEqual(parseJSON('{"v":"1.0","w":[1,2,{"x":null}]}'), { v: '1.0', w: [1, 2, { x: null }] });
  assert.throws(() => parseJSON('{"a": 1.0'), /./);
  const proto = parseJSON('{"__proto__": {"polluted": 1.0}}') as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.deepEqual(Object.keys(proto), ['__proto__']);
});

test('Value → JSON text as Connect writes it: base64 bytes, exact big integers, RFC 3339 nanoseconds', () => {
  assert.equal(
    toJSON({ b: Uint8Array.from([1, 2]), big: 2n ** 62n + 1n, d: new Double(2), f: 2.5, t: new NanoDate(1_700_000_000_123, 456_789), t0: new Date(1_700_000_000_000), n: null, l: [true, 'x'] }),
    '{"b":"AQI=","big":4611686018427387905,"d":2,"f":2.5,"t":"2023-11-14T22:13:20.123456789Z","t0":"2023-11-14T22:13:20Z","n":null,"l":[true,"x"]}',
  );
  // Round trip: what toJSON writes, parseJSON reads back to the same kinds (bytes become their base64 text).
  const v = { x: new Double(3), y: 3, z: -(2n ** 63n) };
  assert.deepEqual(parseJSON(toJSON(v)), { x: 3, y: 3, z: -(2n ** 63n) }, 'Go writes float64 3.0 as 3, so it reads back as an integer, as on Connect');
  assert.equal(toJSON({ a: [1, { b: 2 }] }, '  '), JSON.stringify({ a: [1, { b: 2 }] }, null, '  '));
  assert.equal(toJSON({ a: [], b: {} }, '  '), JSON.stringify({ a: [], b: {} }, null, '  '));
});
