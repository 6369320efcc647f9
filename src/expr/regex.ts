import { RE2JS, type Matcher } from 're2js';
import { ExprRuntimeError } from './errors.js';
import { translateGoRegex } from './regex-translate.js';

/**
 * A pattern compiled once, matched by RE2 (re2js), as Bloblang does: time
 * linear in the input whatever the pattern, so a user-written `(a+)+b` cannot
 * stall the host. `matcher` is reused (reset per input): nothing runs user
 * code between two uses, so one instance is shared by all evaluations.
 */
export interface CompiledRegex {
  readonly pattern: string;
  readonly re: RE2JS;
  readonly matcher: Matcher;
  /** Group names by index (index 0 is the whole match); '' for unnamed groups. */
  readonly names: string[];
}

/** Throws an Error with a message about the pattern (no position: the caller knows it). */
export function compileRegex(pattern: string): CompiledRegex {
  // The translation to JS syntax only checks the pattern, for the messages users know (and the
  // spellings hotplug refuses); RE2 itself reads the Go syntax as written.
  const { source, flags } = translateGoRegex(pattern);
  try {
    new RegExp(source, `${flags}u`);
  } catch (err) {
    // V8 says "Invalid regular expression: /src/gu: reason"; the reason is what matters.
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message} (RE2 syntax: no lookaround or backreferences)`);
  }
  const names: string[] = Array.from({ length: re.groupCount() + 1 }, () => '');
  for (const [name, index] of Object.entries(re.namedGroups())) names[index] = name;
  return { pattern, re, matcher: re.matcher(''), names };
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
  return r.matcher.resetMatcherInput(s).find(0);
}

/** A match as RegExp.exec gives it (index, groups by number, named groups), built from the matcher's state. */
function execArray(r: CompiledRegex, m: Matcher, input: string): RegExpExecArray {
  const arr = [] as unknown as RegExpExecArray;
  for (let g = 0; g < r.names.length; g++) arr.push(m.group(g) ?? (undefined as unknown as string));
  arr.index = m.start();
  arr.input = input;
  let groups: Record<string, string> | undefined;
  r.names.forEach((name, g) => {
    if (name !== '') (groups ??= {})[name] = arr[g] as string;
  });
  arr.groups = groups;
  return arr;
}

/**
 * Every match as Go's FindAll finds them: leftmost-first, and an empty match
 * right where the previous match ended is skipped.
 */
export function allMatches(r: CompiledRegex, s: string, limit = Infinity): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const m = r.matcher.resetMatcherInput(s);
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && out.length < limit) {
    if (!m.find(pos)) break;
    const start = m.start();
    const end = m.end();
    if (end === start) {
      if (start !== prevEnd) out.push(execArray(r, m, s));
      // Step over one code point.
      const code = s.charCodeAt(start);
      pos = start + (code >= 0xd800 && code <= 0xdbff && start + 1 < s.length ? 2 : 1);
    } else {
      out.push(execArray(r, m, s));
      pos = end;
    }
    prevEnd = end;
  }
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
