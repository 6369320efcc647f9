/**
 * Go (RE2) pattern syntax rewritten for JavaScript's RegExp with the `u` flag.
 * Users paste patterns written for Bloblang, so the common RE2 spellings
 * that JS lacks or reads differently are translated; the rest are refused
 * with a message rather than silently meaning something else.
 */

/** RE2 POSIX classes, valid only inside brackets: `[[:alpha:]_]`. */
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Characters a `u`-mode RegExp allows after a backslash outside a class. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const FLAG_CHARS = new Set(['i', 'm', 's']);

/** A general category (`L`, `Lu`) is written as is in JS; anything else RE2 accepts there is a script. */
function propertyName(name: string): string {
  try {
    new RegExp(`\\p{${name}}`, 'u');
    return name;
  } catch {
    return `Script=${name}`;
  }
}

export interface Translated {
  source: string;
  /** JS flags from a leading `(?ims)` group, without `g`/`u`. */
  flags: string;
}

/** Throws an Error whose message says what is wrong (the caller adds position or context). */
export function translateGoRegex(pattern: string): Translated {
  let flags = '';
  let i = 0;
  // Leading flag groups: (?i), (?is), (?i)(?m) — RE2 syntax JS has no inline form of.
  for (;;) {
    const m = /^\(\?([a-zA-Z]+)\)/.exec(pattern.slice(i));
    if (m === null) break;
    for (const f of m[1] as string) {
      if (f === 'U') throw new Error("the (?U) flag (ungreedy) is not supported: write lazy quantifiers such as '*?' instead");
      if (!FLAG_CHARS.has(f)) throw new Error(`unknown flag '${f}' in (?${m[1] as string}): expected i, m or s`);
      if (!flags.includes(f)) flags += f;
    }
    i += m[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new Error('trailing backslash at end of pattern');
      if (next === 'Q') {
        // \Q...\E: literal text.
        const end = pattern.indexOf('\\E', i + 2);
        const lit = pattern.slice(i + 2, end < 0 ? undefined : end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if (!inClass && next === 'z') out += '(?![\\s\\S])';
      else if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if ((next === 'p' || next === 'P') && /[A-Za-z{]/.test(pattern[i + 2] ?? '')) {
        // \pL is RE2's one-letter form; \p{Greek} names a script, which JS spells \p{Script=Greek}.
        const m = /^\{(\^?)([A-Za-z_]+)\}/.exec(pattern.slice(i + 2));
        const name = m === null ? (pattern[i + 2] as string) : (m[2] as string);
        const neg = m !== null && m[1] === '^' ? (next === 'p' ? 'P' : 'p') : next;
        out += `\\${neg}{${propertyName(name)}}`;
        i += 2 + (m === null ? 1 : m[0].length);
        continue;
      } else if (next === 'x' && pattern[i + 2] === '{') {
        // \x{263a}: RE2's code point escape; JS writes \u{263a}.
        out += '\\u';
        i += 2;
        continue;
      } else if (/[!-/:-@[-`{-~]/.test(next) && !SYNTAX.has(next) && !(inClass && next === '-')) {
        // RE2 lets any punctuation be escaped; u-mode JS does not, and these are literal anyway.
        out += next;
      } else out += ch + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (ch === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        const name = end < 0 ? '' : pattern.slice(i + 2, end);
        const negated = name.startsWith('^');
        const set = POSIX[negated ? name.slice(1) : name];
        if (set === undefined) throw new Error(`unknown POSIX class '[:${name}:]'`);
        if (negated) throw new Error(`negated POSIX class '[:${name}:]' is not supported: use a negated bracket such as [^${set}]`);
        out += set;
        i = end + 2;
        continue;
      }
      if (ch === '[') {
        out += '\\[';
        i++;
        continue;
      }
      if (ch === ']') inClass = false;
      out += ch;
      i++;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      i++;
      // A ']' first in a class is a literal in RE2.
      if (pattern[i] === '^') out += pattern[i++];
      if (pattern[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (ch === '(' && pattern[i + 1] === '?') {
      if (pattern.startsWith('(?P<', i)) {
        out += '(?<';
        i += 4;
        continue;
      }
      if (/^\(\?[a-zA-Z-]+[:)]/.test(pattern.slice(i))) {
        throw new Error('flag groups such as (?i) are only supported at the start of the pattern (JavaScript has no inline flags)');
      }
    }
    out += ch;
    i++;
  }
  return { source: out, flags };
}
