import type { Scalar } from 'yaml';

/**
 * Maps an index in a scalar's string value to the offset in the file where
 * that character is written, so an error found inside a value (an
 * expression's syntax error, an unset `${VAR}`) can point at the character.
 *
 * Exact for plain single-line, double-quoted (escapes included),
 * single-quoted and literal block (`|`) scalars; folded forms (multi-line
 * plain, `>`) are aligned greedily, which is right except inside runs of
 * folded whitespace.
 */
export function scalarOffsets(text: string, node: Scalar): (index: number) => number {
  const range = node.range;
  const value = typeof node.value === 'string' ? node.value : String(node.value);
  if (!range) return () => 0;
  const [start, end] = range;
  let map: number[];
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      map = alignDoubleQuoted(text, start + 1, end, value);
      break;
    case 'QUOTE_SINGLE':
      map = alignGreedy(text, start + 1, end, value);
      break;
    case 'BLOCK_LITERAL':
      map = alignLiteral(text, start, end, value, (node.srcToken as { indent?: number } | undefined)?.indent ?? 0);
      break;
    case 'BLOCK_FOLDED': {
      const nl = text.indexOf('\n', start);
      map = alignGreedy(text, nl < 0 ? end : nl + 1, end, value);
      break;
    }
    default:
      map = alignGreedy(text, start, end, value);
  }
  return (index) => {
    if (index < 0) return start;
    if (index < map.length) return map[index] as number;
    return map.length > 0 ? (map[map.length - 1] as number) + 1 : start;
  };
}

/** Index in a string of (1-based) line:col, the form expression errors use. */
export function indexOfLineCol(value: string, line: number, col: number): number {
  let index = 0;
  for (let l = 1; l < line; l++) {
    const nl = value.indexOf('\n', index);
    if (nl < 0) break;
    index = nl + 1;
  }
  return index + Math.max(0, col - 1);
}

// Matches each value character to the next equal source character, skipping
// source characters that folding or quoting removed.
function alignGreedy(text: string, from: number, to: number, value: string): number[] {
  const map: number[] = [];
  let s = from;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    let t = s;
    while (t < to && !sameChar(text[t] as string, ch)) t++;
    if (t >= to) t = s;
    map.push(t);
    s = t + 1;
  }
  return map;
}

function sameChar(src: string, ch: string): boolean {
  // A folded line break becomes a space in the value.
  return src === ch || (ch === ' ' && src === '\n');
}

const ESCAPE_LENGTH: Record<string, number> = { x: 4, u: 6, U: 10 };

function alignDoubleQuoted(text: string, from: number, to: number, value: string): number[] {
  const map: number[] = [];
  let s = from;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    // Skip escaped line breaks and folded whitespace that produced nothing.
    while (s < to && text[s] === '\\' && (text[s + 1] === '\n' || text[s + 1] === '\r')) {
      s += 2;
      while (s < to && (text[s] === ' ' || text[s] === '\t')) s++;
    }
    if (text[s] === '\\') {
      map.push(s);
      s += ESCAPE_LENGTH[text[s + 1] as string] ?? 2;
      // A \u escape above the BMP is two UTF-16 units in the value.
      if (ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) < 0xdc00) map.push(map[map.length - 1] as number), i++;
      continue;
    }
    let t = s;
    while (t < to && !sameChar(text[t] as string, ch) && text[t] !== '\\') t++;
    if (t >= to || text[t] === '\\') t = s;
    map.push(t);
    s = t + 1;
  }
  return map;
}

// An explicit indentation indicator (`|2`) counts from the parent's indentation.
function alignLiteral(text: string, start: number, end: number, value: string, parentIndent: number): number[] {
  const header = text.slice(start, text.indexOf('\n', start) < 0 ? end : text.indexOf('\n', start));
  const contentStart = start + header.length + 1;
  const lineStarts: number[] = [];
  for (let p = contentStart; p < end; ) {
    lineStarts.push(p);
    const nl = text.indexOf('\n', p);
    if (nl < 0 || nl >= end) break;
    p = nl + 1;
  }
  const explicit = /[1-9]/.exec(header);
  let indent = explicit ? parentIndent + Number(explicit[0]) : 0;
  if (!explicit) {
    for (const ls of lineStarts) {
      let p = ls;
      while (text[p] === ' ') p++;
      if (text[p] !== '\n' && p < end) {
        indent = p - ls;
        break;
      }
    }
  }
  const map: number[] = [];
  let line = 0;
  let col = 0;
  for (let i = 0; i < value.length; i++) {
    const ls = lineStarts[line] ?? end;
    map.push(ls + indent + col);
    if (value[i] === '\n') {
      line++;
      col = 0;
    } else col++;
  }
  return map;
}
