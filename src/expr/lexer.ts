import { syntaxError } from './errors.js';

export type TokenKind =
  | 'ident' // names and keywords
  | 'int' // digits only: a path index like the 0 in this.items.0
  | 'number'
  | 'string'
  | 'var' // $name
  | 'meta' // @name, or @ alone (text '')
  | 'punct'
  | 'nl'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The name, the punctuation, or the decoded string literal. */
  text: string;
  /** Numeric value of int/number tokens. */
  num: number;
  /** 0-based offset of the token's first character in the source. */
  pos: number;
  end: number;
}

const PUNCT2 = new Set(['==', '!=', '<=', '>=', '&&', '||', '=>', '->']);
const PUNCT1 = new Set(['.', ',', '(', ')', '[', ']', '{', '}', ':', '=', '<', '>', '!', '+', '-', '*', '/', '%', '|']);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Tokens on demand, so an interpolation can stop at its closing brace without
 * lexing the literal text after it. Newlines are tokens because they separate
 * mapping statements; `#` comments run to the end of the line.
 */
export class Lexer {
  readonly src: string;
  private pos: number;
  private prev: Token | undefined;

  constructor(src: string, start = 0) {
    this.src = src;
    this.pos = start;
  }

  save(): { pos: number; prev: Token | undefined } {
    return { pos: this.pos, prev: this.prev };
  }

  restore(state: { pos: number; prev: Token | undefined }): void {
    this.pos = state.pos;
    this.prev = state.prev;
  }

  next(): Token {
    const tok = this.scan();
    this.prev = tok;
    return tok;
  }

  private scan(): Token {
    const src = this.src;
    let sawNewline = -1;
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 13) this.pos++;
      else if (c === 10) {
        if (sawNewline < 0) sawNewline = this.pos;
        this.pos++;
      } else if (c === 35) {
        while (this.pos < src.length && src.charCodeAt(this.pos) !== 10) this.pos++;
      } else break;
    }
    if (sawNewline >= 0) return this.tok('nl', '\n', sawNewline, sawNewline + 1);
    const start = this.pos;
    if (start >= src.length) return this.tok('eof', '', start, start);
    const c = src.charCodeAt(start);

    if (isIdentStart(c)) {
      let i = start + 1;
      while (i < src.length && isIdentPart(src.charCodeAt(i))) i++;
      this.pos = i;
      return this.tok('ident', src.slice(start, i), start, i);
    }
    if (isDigit(c)) return this.number(start);
    if (c === 34) return this.string(start);
    if (c === 36 || c === 64) {
      // $name or @name; a bare @ is all metadata.
      let i = start + 1;
      while (i < src.length && isIdentPart(src.charCodeAt(i))) i++;
      const name = src.slice(start + 1, i);
      if (c === 36 && name === '') throw syntaxError(src, start, "expected a variable name after '$'");
      this.pos = i;
      return this.tok(c === 36 ? 'var' : 'meta', name, start, i);
    }
    const two = src.slice(start, start + 2);
    if (PUNCT2.has(two)) {
      this.pos = start + 2;
      return this.tok('punct', two, start, start + 2);
    }
    const one = src[start] as string;
    if (PUNCT1.has(one)) {
      this.pos = start + 1;
      return this.tok('punct', one, start, start + 1);
    }
    const hint = one === "'" ? ': strings are written in double quotes' : one === '~' || one === '^' || one === '&' ? ': this operator is not supported' : '';
    throw syntaxError(src, start, `unexpected character '${one}'${hint}`);
  }

  private number(start: number): Token {
    const src = this.src;
    let i = start;
    while (i < src.length && isDigit(src.charCodeAt(i))) i++;
    // Right after a '.', digits are a path index (this.items.0.1), never a fraction.
    const afterDot = this.prev !== undefined && this.prev.kind === 'punct' && this.prev.text === '.' && this.prev.end === start;
    let isFloat = false;
    if (!afterDot) {
      if (src.charCodeAt(i) === 46 && isDigit(src.charCodeAt(i + 1))) {
        isFloat = true;
        i++;
        while (i < src.length && isDigit(src.charCodeAt(i))) i++;
      }
      const e = src.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        if (src[j] === '+' || src[j] === '-') j++;
        if (isDigit(src.charCodeAt(j))) {
          isFloat = true;
          i = j;
          while (i < src.length && isDigit(src.charCodeAt(i))) i++;
        }
      }
    }
    this.pos = i;
    const text = src.slice(start, i);
    return { kind: isFloat ? 'number' : 'int', text, num: Number(text), pos: start, end: i };
  }

  private string(start: number): Token {
    const src = this.src;
    if (src.startsWith('"""', start)) {
      const close = src.indexOf('"""', start + 3);
      if (close < 0) throw syntaxError(src, start, 'unterminated triple-quoted string: expected closing """');
      this.pos = close + 3;
      return this.tok('string', src.slice(start + 3, close), start, close + 3);
    }
    let out = '';
    let i = start + 1;
    for (;;) {
      if (i >= src.length || src.charCodeAt(i) === 10) throw syntaxError(src, start, 'unterminated string: expected closing "');
      const ch = src[i] as string;
      if (ch === '"') break;
      if (ch !== '\\') {
        out += ch;
        i++;
        continue;
      }
      const esc = src[i + 1];
      switch (esc) {
        case 'n': out += '\n'; i += 2; break;
        case 't': out += '\t'; i += 2; break;
        case 'r': out += '\r'; i += 2; break;
        case 'b': out += '\b'; i += 2; break;
        case 'f': out += '\f'; i += 2; break;
        case '"': out += '"'; i += 2; break;
        case '\\': out += '\\'; i += 2; break;
        case '/': out += '/'; i += 2; break;
        case 'u': {
          const hex = src.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw syntaxError(src, i, 'invalid \\u escape: expected four hex digits');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
          break;
        }
        default:
          throw syntaxError(src, i, `invalid escape '\\${esc ?? ''}' in string: expected one of \\n \\t \\r \\" \\\\ \\uXXXX`);
      }
    }
    this.pos = i + 1;
    return this.tok('string', out, start, i + 1);
  }

  private tok(kind: TokenKind, text: string, pos: number, end: number): Token {
    return { kind, text, num: 0, pos, end };
  }
}

export function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of input';
    case 'nl': return 'end of line';
    case 'string': return 'a string';
    case 'int':
    case 'number': return `number ${t.text}`;
    case 'var': return `$${t.text}`;
    case 'meta': return `@${t.text}`;
    default: return `'${t.text}'`;
  }
}

/** A hint for tokens that usually mean another language's syntax. */
export function hintFor(t: Token): string {
  if (t.kind === 'punct' && t.text === '[') return " (index with a path segment such as this.items.0, or .index(i))";
  if (t.kind === 'ident' && t.text === 'and') return " (use '&&')";
  if (t.kind === 'ident' && t.text === 'or') return " (use '||', or the .or() method)";
  if (t.kind === 'punct' && t.text === '=') return " (compare with '==')";
  return '';
}
