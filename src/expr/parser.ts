import { double } from '../core/value.js';
import { describe, hintFor, type Token } from './lexer.js';
import { lineCol } from './errors.js';
import { TokenStream } from './token-stream.js';
import type { BinaryOp, MatchCase, Node } from './ast.js';

/** Binding power of each binary operator, lowest first, as Bloblang orders them. */
const PRECEDENCE: Record<string, number> = {
  '|': 1,
  '||': 2,
  '&&': 3,
  '==': 4, '!=': 4, '<': 4, '<=': 4, '>': 4, '>=': 4,
  '+': 5, '-': 5,
  '*': 6, '/': 6, '%': 6,
};

const MAX_NESTING = 200;
/** Above every binary operator: parseExpr(UNARY) parses one operand only. */
const UNARY = 7;

/** A Pratt parser from tokens to the AST of one expression. */
export class Parser extends TokenStream {
  private nesting = 0;

  /** A whole source that is one expression. */
  parseQuery(): Node {
    this.skipNewlines();
    const node = this.parseExpr();
    this.skipNewlines();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.error(t, `expected end of expression, got ${describe(t)}${hintFor(t)}`);
    return node;
  }

  /** One expression that must be followed by '}' (an interpolation); returns the offset after the brace. */
  parseInterpolated(): { node: Node; end: number } {
    this.depth++;
    const node = this.parseExpr();
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== '}') throw this.error(t, `expected '}' to close the interpolation, got ${describe(t)}`);
    this.depth--;
    return { node, end: t.end };
  }

  parseExpr(minPrec = 1): Node {
    // Deeply nested input must fail as a syntax error, not overflow the host's stack.
    if (++this.nesting > MAX_NESTING) throw this.error(this.peek(), `expression nested too deeply (more than ${MAX_NESTING} levels)`);
    try {
      return this.continueExpr(this.parseUnary(), minPrec);
    } finally {
      this.nesting--;
    }
  }

  /** Binary operators after an already parsed left operand. */
  protected continueExpr(first: Node, minPrec = 1): Node {
    let left = first;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct') break;
      const prec = PRECEDENCE[t.text];
      if (prec === undefined || prec < minPrec) break;
      this.advance();
      this.skipNewlines();
      const right = this.parseExpr(prec + 1);
      left = { k: 'binary', pos: t.pos, op: t.text as BinaryOp, left, right };
    }
    return left;
  }

  private parseUnary(): Node {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '!') {
      this.advance();
      return { k: 'not', pos: t.pos, operand: this.parseExpr(UNARY) };
    }
    if (t.kind === 'punct' && t.text === '-') {
      this.advance();
      const n = this.peek();
      if ((n.kind === 'int' || n.kind === 'number') && n.pos === t.end) {
        // A negative number literal, as Bloblang reads it: -2.5.abs() is 2.5.
        this.advance();
        const value = n.kind === 'int' && !Number.isSafeInteger(n.num) ? -BigInt(n.text) : -n.num;
        return this.parsePostfix({ k: 'lit', pos: t.pos, value });
      }
      return { k: 'neg', pos: t.pos, operand: this.parseExpr(UNARY) };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** A method chain may continue on the next line with a leading '.'; nothing else may start a line that way. */
  private continuesOnNextLine(): boolean {
    const reset = this.mark();
    this.skipNewlines();
    if (this.isPunct('.')) return true;
    reset();
    return false;
  }

  protected parsePostfix(node: Node): Node {
    for (;;) {
      if (this.peek().kind === 'nl' && !this.continuesOnNextLine()) return node;
      const dot = this.peek();
      if (dot.kind !== 'punct' || dot.text !== '.') return node;
      this.advance();
      const t = this.advance();
      if (t.kind === 'ident') {
        if (this.isPunct('(')) node = { k: 'method', pos: t.pos, target: node, name: t.text, args: this.parseArgs() };
        else node = { k: 'field', pos: t.pos, target: node, name: t.text };
      } else if (t.kind === 'int' || t.kind === 'string') {
        node = { k: 'field', pos: t.pos, target: node, name: t.text };
      } else if (t.kind === 'punct' && t.text === '-' && this.peek().kind === 'int' && this.peek().pos === t.end) {
        // this.items.-1: an index from the end.
        node = { k: 'field', pos: t.pos, target: node, name: `-${this.advance().text}` };
      } else if (t.kind === 'punct' && t.text === '(') {
        this.depth++;
        const body = this.parseExpr();
        this.expectPunct(')', 'to close the context block');
        this.depth--;
        node = { k: 'scope', pos: t.pos, target: node, body };
      } else {
        throw this.error(t, `expected a field name, a method or '(' after '.', got ${describe(t)}`);
      }
    }
  }

  private parseArgs(): Node[] {
    this.expectPunct('(');
    this.depth++;
    const args: Node[] = [];
    while (!this.isPunct(')')) {
      const t = this.peek();
      if (t.kind === 'ident' && this.lookaheadColon()) {
        this.advance();
        this.expectPunct(':');
        args.push({ k: 'named', pos: t.pos, name: t.text, value: this.parseExpr() });
      } else args.push(this.parseExpr());
      if (this.isPunct(',')) this.advance();
      else if (!this.isPunct(')')) throw this.error(this.peek(), `expected ',' or ')' in the argument list, got ${describe(this.peek())}`);
    }
    this.depth--;
    this.advance();
    return args;
  }

  /** True when the source after the current identifier is ':' (a named argument). */
  private lookaheadColon(): boolean {
    const t = this.peek();
    const rest = this.src.slice(t.end).trimStart();
    return rest.startsWith(':');
  }

  protected finishCall(name: Token): Node {
    return { k: 'call', pos: name.pos, name: name.text, args: this.parseArgs() };
  }

  private parsePrimary(): Node {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.advance();
        return { k: 'lit', pos: t.pos, value: t.text };
      case 'int':
        this.advance();
        return { k: 'lit', pos: t.pos, value: Number.isSafeInteger(t.num) ? t.num : BigInt(t.text) };
      case 'number':
        this.advance();
        return { k: 'lit', pos: t.pos, value: double(t.num) };
      case 'var':
        this.advance();
        return { k: 'var', pos: t.pos, name: t.text };
      case 'meta':
        this.advance();
        return { k: 'meta', pos: t.pos, name: t.text };
      case 'punct':
        return this.parsePunctPrimary(t);
      case 'ident':
        return this.parseIdentPrimary(t);
      default:
        throw this.error(t, `expected an expression, got ${describe(t)}`);
    }
  }

  private parsePunctPrimary(t: Token): Node {
    if (t.text === '(') {
      this.advance();
      this.depth++;
      const e = this.parseExpr();
      this.expectPunct(')', 'to close the parenthesis');
      this.depth--;
      return e;
    }
    if (t.text === '[') {
      this.advance();
      this.depth++;
      const items: Node[] = [];
      while (!this.isPunct(']')) {
        items.push(this.parseExpr());
        if (this.isPunct(',')) this.advance();
        else if (!this.isPunct(']')) throw this.error(this.peek(), `expected ',' or ']' in the array, got ${describe(this.peek())}`);
      }
      this.depth--;
      this.advance();
      return { k: 'array', pos: t.pos, items };
    }
    if (t.text === '{') {
      this.advance();
      this.depth++;
      const entries: Array<{ key: Node; value: Node }> = [];
      while (!this.isPunct('}')) {
        const key = this.parseExpr();
        this.expectPunct(':', 'between an object key and its value');
        entries.push({ key, value: this.parseExpr() });
        if (this.isPunct(',')) this.advance();
        else if (!this.isPunct('}')) throw this.error(this.peek(), `expected ',' or '}' in the object, got ${describe(this.peek())}`);
      }
      this.depth--;
      this.advance();
      return { k: 'object', pos: t.pos, entries };
    }
    throw this.error(t, `expected an expression, got ${describe(t)}`);
  }

  private parseIdentPrimary(t: Token): Node {
    switch (t.text) {
      case 'true':
      case 'false':
        this.advance();
        return { k: 'lit', pos: t.pos, value: t.text === 'true' };
      case 'null':
        this.advance();
        return { k: 'lit', pos: t.pos, value: null };
      case 'this':
        this.advance();
        return { k: 'this', pos: t.pos };
      case 'root':
        this.advance();
        return { k: 'root', pos: t.pos };
      case 'if':
        return this.parseIf();
      case 'match':
        return this.parseMatch();
    }
    this.advance();
    if (this.isPunct('(')) return this.finishCall(t);
    if (this.isPunct('->')) {
      this.advance();
      this.skipNewlines();
      return { k: 'lambda', pos: t.pos, param: t.text, body: this.parseExpr() };
    }
    return { k: 'ident', pos: t.pos, name: t.text };
  }

  private parseBlock(what: string): Node {
    this.skipNewlines();
    this.expectPunct('{', what);
    this.depth++;
    const body = this.parseExpr();
    this.expectPunct('}', `to close the ${what.replace(/^(after|to open) /, '')} block`);
    this.depth--;
    return body;
  }

  private parseIf(): Node {
    const start = this.advance();
    const branches: Array<{ cond: Node; body: Node }> = [];
    let otherwise: Node | undefined;
    branches.push({ cond: this.parseExpr(), body: this.parseBlock("after the 'if' condition") });
    for (;;) {
      // `else` may sit on the next line when nested; at depth 0 only on the same line.
      if (!this.isIdent('else')) break;
      this.advance();
      if (this.isIdent('if')) {
        this.advance();
        branches.push({ cond: this.parseExpr(), body: this.parseBlock("after the 'else if' condition") });
        continue;
      }
      otherwise = this.parseBlock("after 'else'");
      break;
    }
    return { k: 'if', pos: start.pos, branches, otherwise };
  }

  private parseMatch(): Node {
    const start = this.advance();
    let subject: Node | undefined;
    if (!this.isPunct('{')) subject = this.parseExpr();
    const open = this.expectPunct('{', "to open the 'match' cases");
    this.depth++;
    const cases: MatchCase[] = [];
    let catchAll: Token | undefined;
    while (!this.isPunct('}')) {
      const head = this.caseHead(catchAll, open);
      catchAll = head.catchAll;
      cases.push({ pattern: head.pattern, body: this.parseExpr() });
      if (this.isPunct(',')) this.advance();
      else if (!this.isPunct('}') && !this.nlBefore) this.badCaseEnd(this.peek(), open);
    }
    this.depth--;
    this.advance();
    if (cases.length === 0) throw this.error(start, "a 'match' needs at least one case");
    return { k: 'match', pos: start.pos, subject, cases };
  }

  /** A case's `pattern =>` or `_ =>`, for both forms of `match`; `catchAll` is the `_` seen so far. */
  protected caseHead(catchAll: Token | undefined, open: Token): { pattern: Node | undefined; catchAll: Token | undefined } {
    const t = this.peek();
    this.checkCaseStart(t, catchAll, open);
    let pattern: Node | undefined;
    if (t.kind === 'ident' && t.text === '_') catchAll = this.advance();
    else pattern = this.parseExpr();
    this.expectArrow();
    return { pattern, catchAll };
  }

  /** Errors shared by both forms of `match` at the start of a case. */
  private checkCaseStart(t: Token, catchAll: Token | undefined, open: Token): void {
    if (t.kind === 'eof') this.badCaseEnd(t, open);
    if (catchAll !== undefined) {
      throw this.error(t, "a case after the catch-all '_' can never match: move it before '_' (cases are tried in order)");
    }
  }

  protected badCaseEnd(t: Token, open: Token): never {
    if (t.kind === 'eof') {
      const { line, col } = lineCol(this.src, open.pos);
      throw this.error(t, `expected '}' to close the 'match' cases opened at ${line}:${col}, got end of input`);
    }
    const hint = t.kind === 'punct' && t.text === '=' ? " (a case that assigns is a block of statements: \"a\" => { root.x = 1 })" : '';
    throw this.error(t, `expected ',', a new line or '}' after a match case, got ${describe(t)}${hint}`);
  }

  protected expectArrow(): void {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '=>') {
      this.advance();
      return;
    }
    const hint = t.kind === 'punct' && (t.text === '=' || t.text === '>=' || t.text === ':') ? ` (a case is written pattern => result)` : '';
    throw this.error(t, `expected '=>' after a match pattern, got ${describe(t)}${hint}`);
  }
}
