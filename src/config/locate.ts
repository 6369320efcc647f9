import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { SourceLocation } from '../core/errors.js';
import { at, type YamlSource } from './source.js';

/**
 * Where `rel` (`sync_response.status`, `cases[1].check`) is written below
 * `node`. When the path goes further than the YAML does (a default that was
 * applied), the deepest part that exists is pointed at.
 */
export function locateIn(src: YamlSource, node: Node | null, basePath: string, rel: string, fallback: number | undefined): SourceLocation {
  const path = rel === '' ? basePath : rel.startsWith('[') ? `${basePath}${rel}` : `${basePath}.${rel}`;
  let offset = node?.range?.[0] ?? fallback;
  // Where the last key found on the way is written: a part that is not
  // written (a default) is reported at the key of the part that holds it.
  let holder = fallback;
  let current: Node | null = node;
  for (const seg of segments(rel)) {
    let next: Node | null | undefined;
    if (typeof seg === 'number' && isSeq(current)) next = current.items[seg] as Node | null | undefined;
    else if (typeof seg === 'string' && isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (pair) {
        next = pair.value as Node | null;
        holder = (pair.key as Node).range?.[0] ?? holder;
        if (!next?.range) offset = holder;
      }
    }
    if (next === undefined) return at(src, holder ?? offset, path);
    current = next;
    if (next?.range) offset = next.range[0];
  }
  return at(src, offset, path);
}

function segments(rel: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of rel.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}
