import { isAlias, isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { double } from '../core/value.js';

/*
 * A YAML node as a plugin's config Value, typed the way Redpanda Connect reads
 * YAML: a number written with a fraction, an exponent or as .inf/.nan is a
 * double (`1.0` stays a double), one written without is an integer, exact
 * beyond 2^53 (a bigint up to uint64, a double past it).
 */

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);

/** A plain or tagged scalar's number as Connect would type it. */
export function yamlNumber(node: Scalar): unknown {
  const n = node.value as number;
  const text = node.source ?? String(n);
  if (node.format === 'HEX' || node.format === 'OCT' || !/[.eEnN]/.test(text)) return integer(n, text);
  return double(n);
}

function integer(n: number, text: string): unknown {
  if (Number.isSafeInteger(n) || !/^[-+]?\d+$/.test(text)) return n;
  const big = BigInt(text);
  return big >= INT64_MIN && big <= UINT64_MAX ? big : double(n);
}

/** Like node.toJSON(), keeping doubles and big integers as Connect types them. */
export function yamlValue(node: Node | null | undefined): unknown {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) return typeof node.value === 'number' ? yamlNumber(node) : node.toJSON();
  if (isSeq(node)) return node.items.map((item) => yamlValue(item as Node));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      Object.defineProperty(out, key, { value: yamlValue(pair.value as Node | null), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (isAlias(node)) return node.toJSON();
  return (node as Node).toJSON();
}
