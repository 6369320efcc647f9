import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { FieldSpec } from '../core/spec.js';

/* Wording shared by field errors: how a value reads, sample values, hints. */

/** `key:` with nothing after it, or `~`: treated as absent by the loader. */
export function isNull(node: Node | null | undefined): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}


/** How a value reads in an error message: `the string "abc"`, `a list`, `nothing`. */
export function describe(node: Node | null | undefined): string {
  if (isNull(node)) return 'nothing';
  if (isMap(node)) return 'an object';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
    if (typeof v === 'number') return Number.isInteger(v) ? `the integer ${v}` : `the number ${v}`;
    if (typeof v === 'boolean') return `the boolean ${v}`;
  }
  return 'an unsupported value';
}

// The key a value is written under (`env.PORT` → PORT); list items fall back to the field's name.
export function lastKey(path: string, fallback: string): string {
  const m = /(?:^|\.)([^.[\]]+)$/.exec(path);
  return m?.[1] ?? fallback;
}

export function numberHint(node: Node | null): string | undefined {
  if (isScalar(node) && typeof node.value === 'string' && node.type !== 'PLAIN' && node.value.trim() !== '' && !Number.isNaN(Number(node.value))) {
    return 'remove the quotes: numbers are written bare';
  }
  return undefined;
}

export function typeWord(spec: FieldSpec): string {
  switch (spec.type) {
    case 'int':
      return 'integers';
    case 'float':
      return 'numbers';
    case 'bool':
      return 'booleans';
    case 'duration':
      return 'durations';
    case 'object':
      return 'objects';
    case 'unknown':
      return 'values';
    default:
      return `${spec.type}s`;
  }
}

/** A sample value for hints. */
export function example(spec: FieldSpec): string {
  switch (spec.type) {
    case 'string':
      return spec.enum?.[0] ?? '"..."';
    case 'int':
      return '1';
    case 'float':
      return '1.5';
    case 'bool':
      return 'true';
    case 'duration':
      return '5s';
    case 'object':
      return '{ ... }';
    case 'input':
      return '{ generate: { mapping: "root = {}" } }';
    case 'processor':
      return '{ mapping: "root = this" }';
    case 'output':
      return '{ drop: {} }';
    default:
      return '...';
  }
}

export function fieldsHint(fields: readonly FieldSpec[]): string {
  if (fields.length === 0) return 'this component takes no fields: write {}';
  return `known fields: ${fields.map((f) => f.name).join(', ')}`;
}
