import { isMap, isPair, isScalar, isSeq, parse, visit, type Scalar } from 'yaml';
import { ErrorCode, type SourceLocation } from '../core/errors.js';
import type { Diagnostics } from './diagnostics.js';
import { scalarOffsets } from './scalar-offsets.js';
import { at, childPath, type YamlSource } from './source.js';

/** Looks up an environment variable; the default reads `process.env`. */
export type EnvLookup = (name: string) => string | undefined;

// Redpanda Connect's syntax: `${NAME}` or `${NAME:default}`. `${! expr }` is an
// expression interpolation and never matches, because `!` is not a name character.
const ENV_REF = /\$\{([0-9A-Za-z_.]+)(?::((?:\$\{[^}]+\}|[^}])*))?\}/g;

/**
 * Replaces `${VAR}` / `${VAR:default}` in every scalar value of the document,
 * in place, before anything is checked. Unlike Redpanda Connect, which
 * substitutes in the raw text, this works per scalar so positions stay
 * exact; a plain scalar is re-typed afterwards (`count: ${N:10}` is the
 * number 10), as the text substitution would have done. An empty variable
 * counts as unset when there is a default, as in Connect.
 *
 * Returns the scalars that changed (their offsets no longer match the text).
 */
export function interpolateEnv(src: YamlSource, env: EnvLookup, diags: Diagnostics): WeakSet<Scalar> {
  const changed = new WeakSet<Scalar>();
  visit(src.doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const original = node.value;
      let missing: SourceLocation | undefined;
      const substitute = (match: string, name: string, fallback: string | undefined, index: number): string => {
        const value = env(name);
        // A default may itself name a variable: ${EVENTS_URL:${HOTPLUG_URL:http://127.0.0.1:4195}/in}.
        if (fallback !== undefined) return value === undefined || value === '' ? fallback.replace(ENV_REF, (m, n: string, f: string | undefined) => substitute(m, n, f, index)) : value;
        if (value !== undefined) return value;
        const offset = scalarOffsets(src.text, node)(index);
        missing = at(src, offset, pathOf(src, node));
        diags.error(ErrorCode.EnvVar, `environment variable ${name} is not set`, missing, `set ${name}, or give a default: \${${name}:value}`);
        return match;
      };
      const replaced = original.replace(ENV_REF, substitute);
      if (missing) diags.settle(missing);
      if (missing || replaced === original) return;
      node.value = node.type === 'PLAIN' ? retype(replaced) : replaced;
      changed.add(node);
    },
  });
  return changed;
}

// What the YAML core schema makes of the substituted text as a plain scalar.
function retype(text: string): unknown {
  try {
    const v: unknown = parse(text);
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return text.trim() === '' ? text : v;
  } catch {
    // Not a scalar on its own (e.g. contains ": "): keep the string.
  }
  return text;
}

// The YAML path of a node, found by walking from the root. Only used on the
// error path, so the walk's cost does not matter.
function pathOf(src: YamlSource, target: Scalar): string {
  let found = '';
  visit(src.doc, {
    Scalar(_key, node, ancestors) {
      if (node !== target) return;
      for (let i = 0; i < ancestors.length; i++) {
        const parent = ancestors[i];
        const child = ancestors[i + 1] ?? node;
        if (isMap(parent) && isPair(child)) found = childPath(found, String(isScalar(child.key) ? child.key.value : child.key));
        else if (isSeq(parent)) found = childPath(found, parent.items.indexOf(child as never));
      }
      return visit.BREAK;
    },
  });
  return found;
}
