import { ExprRuntimeError } from './errors.js';
import { translateGoRegex } from './regex-translate.js';

/**
 * A pattern compiled once. `re` is global and therefore stateful
 * (`lastIndex`): every user sets lastIndex before exec, and nothing runs user
 * code between two execs, so one instance is shared by all evaluations.
 */
export interface CompiledRegex {
  readonly pattern: string;
  readonly re: RegExp;
  /** Group names by index (index 0 is the whole match); '' for unnamed groups. */
  readonly names: string[];
}

/** Throws an Error with a message about the pattern (no position: the caller knows it). */
export function compileRegex(pattern: string): CompiledRegex {
  const { source, flags } = translateGoRegex(pattern);
  let re: RegExp;
  try {
    re = new RegExp(source, `${flags}gu`);
  } catch (err) {
    // V8 says "Invalid regular expression: /src/gu: reason"; the reason is what matters.
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
  }
  return { pattern, re, names: groupNames(source, flags) };
}

function groupNames(source: string, flags: string): string[] {
  // An alternative that always matches the empty string reveals the group count.
  const count = (new RegExp(`${source}|`, `${flags}u`).exec('') as RegExpExecArray).length;
  const names: string[] = Array.from({ length: count }, () => '');
  // Groups are numbered by their opening parentheses; find which of them are named.
  let idx = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(' && source[i + 1] !== '?') idx++;
    else if (ch === '(' && source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
      const close = source.indexOf('>', i);
      if (++idx < count) names[idx] = source.slice(i + 3, close);
    }
  }
  return names;
}

const CACHE_SIZE = 64;
const cache = new Map<string, CompiledRegex>();

/** For patterns only known per message: compiled on first use and kept in a small LRU. */
export function cachedRegex(pattern: string, what: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit !== undefined) {
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit;
  }
  let compiled: CompiledRegex;
  try {
    compiled = compileRegex(pattern);
  } catch (err) {
    throw new ExprRuntimeError(`${what}: ${(err as Error).message}`);
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

export function regexTest(r: CompiledRegex, s: string): boolean {
  r.re.lastIndex = 0;
  const ok = r.re.test(s);
  r.re.lastIndex = 0;
  return ok;
}

/**
 * Every match as Go's FindAll finds them: like a global exec loop, except that
 * an empty match right where the previous match ended is skipped.
 */
export function allMatches(r: CompiledRegex, s: string, limit = Infinity): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const re = r.re;
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && out.length < limit) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m === null) break;
    const start = m.index;
    const end = start + m[0].length;
    if (end === start) {
      if (start !== prevEnd) out.push(m);
      // Step over one code point, as the u flag does.
      const code = s.charCodeAt(start);
      pos = start + (code >= 0xd800 && code <= 0xdbff && start + 1 < s.length ? 2 : 1);
    } else {
      out.push(m);
      pos = end;
    }
    prevEnd = end;
  }
  re.lastIndex = 0;
  return out;
}

type Part = string | { group: number } | { name: string };

/** A Go replacement template (`$1`, `${1}`, `$name`, `${name}`, `$$`), parsed once. */
export function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let lit = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i] as string;
    if (ch !== '$') {
      lit += ch;
      i++;
      continue;
    }
    if (template[i + 1] === '$') {
      lit += '$';
      i += 2;
      continue;
    }
    let name: string | undefined;
    let next = i + 1;
    if (template[next] === '{') {
      const close = template.indexOf('}', next);
      const inner = close < 0 ? '' : template.slice(next + 1, close);
      if (/^\w+$/.test(inner)) {
        name = inner;
        next = close + 1;
      }
    } else {
      const m = /^\w+/.exec(template.slice(next));
      if (m !== null) {
        // Go takes the longest name: "$1x" is the group named "1x", not group 1 then "x".
        name = m[0];
        next += m[0].length;
      }
    }
    if (name === undefined) {
      // Malformed: a plain '$', as Go treats it.
      lit += '$';
      i++;
      continue;
    }
    if (lit !== '') parts.push(lit);
    lit = '';
    parts.push(/^\d+$/.test(name) ? { group: Number(name) } : { name });
    i = next;
  }
  if (lit !== '') parts.push(lit);
  return parts;
}

export function expand(parts: Part[], m: RegExpExecArray): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if ('group' in p) out += m[p.group] ?? '';
    else out += m.groups?.[p.name] ?? '';
  }
  return out;
}

/** Go's ReplaceAllString: each match replaced by the expanded template. */
export function replaceAll(r: CompiledRegex, s: string, parts: Part[]): string {
  let out = '';
  let last = 0;
  for (const m of allMatches(r, s)) {
    out += s.slice(last, m.index) + expand(parts, m);
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}
