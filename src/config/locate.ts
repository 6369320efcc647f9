import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { SourceLocation } from '../core/errors.js';
import { Diagnostics } from './diagnostics.js';
import { at, parseYaml, type YamlSource } from './source.js';

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

/**
 * `locateIn` for components rebuilt away from their YAML tree (checked in a
 * worker thread): the first call parses `text` again (the text that was
 * checked), then finds the component's value by its path (`pipeline.processors[2].mapping`).
 */
export function createLocator(file: string, text: string): (typePath: string, rel: string) => SourceLocation {
  let src: YamlSource | undefined;
  return (typePath, rel) => {
    src ??= parseYaml(text, file, new Diagnostics());
    let node = src.doc.contents as Node | null;
    let keyAt: number | undefined;
    for (const seg of segments(typePath)) {
      const pair = typeof seg === 'string' && isMap(node) ? node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg) : undefined;
      keyAt = pair ? (pair.key as Node).range?.[0] : keyAt;
      node = pair ? (pair.value as Node | null) : typeof seg === 'number' && isSeq(node) ? (node.items[seg] as Node | null) : null;
    }
    return locateIn(src, node, typePath, rel, keyAt);
  };
}

function segments(rel: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of rel.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}
