import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMap, isScalar, parseDocument, type Scalar } from 'yaml';
import { indexOfLineCol, scalarOffsets } from '../../src/config/scalar-offsets.js';

/**
 * For each way of writing a scalar, the character `X` in the value must map
 * to the offset of the `X` in the source (the only X in the text).
 */
const cases: Array<[string, string]> = [
  ['plain', 'k: ab X cd\n'],
  ['double-quoted', 'k: "ab X"\n'],
  ['double-quoted after escapes', 'k: "a\\t\\"b\\u00e9\\x41 X"\n'],
  ['double-quoted after an astral \\U escape', 'k: "\\U0001F600 X"\n'],
  ['double-quoted, escaped line break', 'k: "ab \\\n   cd X"\n'],
  ['single-quoted with doubled quote', "k: 'it''s X'\n"],
  ['literal block, second line', 'k: |\n  line one\n    two X\n'],
  ['literal block, keep chomping, nested', 'a:\n  k: |+\n    one\n\n    X\n'],
  ['literal block with indentation indicator', 'k: |2\n    lead\n  X\n'],
  ['folded block', 'k: >\n  one\n  two X\n'],
  ['plain multi-line', 'k: one\n  two X\n'],
];

for (const [name, text] of cases) {
  test(`scalar offsets: ${name}`, () => {
    const doc = parseDocument(text, { keepSourceTokens: true });
    assert.deepEqual(doc.errors, []);
    let node = doc.contents as unknown;
    while (isMap(node)) node = (node.items[0] as { value: unknown }).value;
    assert.ok(isScalar(node));
    const scalar = node as Scalar;
    const value = String(scalar.value);
    const index = value.indexOf('X');
    assert.ok(index >= 0, `value ${JSON.stringify(value)}`);
    assert.equal(scalarOffsets(text, scalar)(index), text.indexOf('X'), `value ${JSON.stringify(value)}`);
  });
}

test('line:col inside a value to an index', () => {
  assert.equal(indexOfLineCol('ab\ncde\nf', 1, 1), 0);
  assert.equal(indexOfLineCol('ab\ncde\nf', 2, 3), 5);
  assert.equal(indexOfLineCol('ab\ncde\nf', 3, 1), 7);
});
