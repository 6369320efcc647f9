import { syntaxError } from './errors.js';
import { Lexer, describe, type Token } from './lexer.js';
import type { AssignTarget, BinaryOp, MatchCase, Node, Statement } from './ast.js';

/** Binding power of each binary operator, lowest first, as Bloblang orders them. */
const PRECEDENCE: Record<string, number> = {
  '|': 1,
  '||': 2,
  '&&': 3,
  '==': 4, '!=': 4, '<': 4, '<=': 4, '>': 4, '>=': 4,
  '+': 5, '-': 5,
  '*': 6, '/': 6, '%': 6,
};

/**
 * A Pratt parser from tokens to the AST. Newlines end a mapping statement, so
 * they are significant only at nesting depth 0; inside brackets, braces and
 * parentheses they are skipped.
 */
export class Parser {
  private readonly lx: Lexer;
  private tok: Token;
  private depth = 0;
  /** True when newlines were skipped right before the current token (match cases may be separated by them). */
  private nlBefore = false;

  constructor(src: string, start = 0) {
    this.lx = new Lexer(src, start);
    this.tok = this.lx.next();
  }

  get src(): string {
    return this.lx.src;
  }

  /** The current token, skipping newlines when nested. */
  private peek(): Token {
    while (this.depth > 0 && this.tok.kind === 'nl') {
      this.tok = this.lx.next();
      this.nlBefore = true;
    }
    return this.tok;
  }

  private advance(): Token {
    const t = this.peek();
    this.tok = this.lx.next();
    this.nlBefore = false;
    return t;
  }

  private skipNewlines(): void {
    while (this.tok.kind === 'nl') this.tok = this.lx.next();
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private isIdent(text: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === text;
  }

  private expectPunct(text: string, what?: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== text) throw this.error(t, `expected '${text}'${what ? ` ${what}` : ''}, got ${describe(t)}`);
    return this.advance();
  }

  error(t: Token, message: string): Error {
    return syntaxError(this.src, t.pos, message);
  }

  /** A whole source that is one expression. */
  parseQuery(): Node {
    this.skipNewlines();
    const node = this.parseExpr();
    this.skipNewlines();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.error(t, `expected end of expression, got ${describe(t)}`);
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

  /** Mapping statements separated by newlines; a lone expression means `root = <expression>`. */
  parseMapping(): Statement[] {
    const out: Statement[] = [];
    this.skipNewlines();
    while (this.peek().kind !== 'eof') {
      out.push(this.parseStatement(out.length === 0));
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind !== 'nl') throw this.error(t, `expected a new line after the statement, got ${describe(t)}`);
      this.skipNewlines();
    }
    return out;
  }

  private parseStatement(first: boolean): Statement {
    const t = this.peek();
    const line = lineOf(this.src, t.pos);
    if (t.kind === 'ident' && t.text === 'let') {
      this.advance();
      const n = this.advance();
      if (n.kind !== 'ident' && n.kind !== 'string') throw this.error(n, `expected a variable name after 'let', got ${describe(n)}`);
      this.expectPunct('=', `after 'let ${n.text}'`);
      return { k: 'let', pos: t.pos, line, name: n.text, value: this.parseValue() };
    }
    if (t.kind === 'ident' && t.text === 'meta') {
      this.advance();
      const n = this.peek();
      if (n.kind === 'punct' && n.text === '(') return this.expressionStatement(t, this.parsePostfix(this.finishCall(t)), first, line);
      let name: string | undefined;
      if (n.kind === 'ident' || n.kind === 'string') {
        name = n.text;
        this.advance();
      } else if (!(n.kind === 'punct' && n.text === '=')) {
        throw this.error(n, `expected a metadata key or '=' after 'meta', got ${describe(n)}`);
      }
      this.expectPunct('=', `after 'meta${name === undefined ? '' : ` ${name}`}'`);
      return { k: 'assign', pos: t.pos, line, target: { k: 'meta', name }, value: this.parseValue() };
    }
    const lhs = this.parseExpr();
    return this.expressionStatement(t, lhs, first, line);
  }

  private expressionStatement(start: Token, lhs: Node, first: boolean, line: number): Statement {
    if (this.isPunct('=')) {
      const target = this.toTarget(lhs);
      this.advance();
      return { k: 'assign', pos: start.pos, line, target, value: this.parseValue() };
    }
    const t = this.peek();
    if (!first || (t.kind !== 'eof' && !(t.kind === 'nl' && this.onlyBlankAfter()))) {
      throw this.error(t, `expected '=' (an assignment such as root = ${'<expression>'}), got ${describe(t)}`);
    }
    return { k: 'assign', pos: start.pos, line, target: { k: 'root', path: [] }, value: lhs };
  }

  private onlyBlankAfter(): boolean {
    this.skipNewlines();
    return this.peek().kind === 'eof';
  }

  private parseValue(): Node {
    this.skipNewlines();
    return this.parseExpr();
  }

  private toTarget(n: Node): AssignTarget {
    const path: string[] = [];
    let cur = n;
    while (cur.k === 'field') {
      path.unshift(cur.name);
      cur = cur.target;
    }
    if (cur.k === 'root') return { k: 'root', path };
    if (cur.k === 'ident') return { k: 'root', path: [cur.name, ...path] };
    if (cur.k === 'this') throw syntaxError(this.src, cur.pos, "cannot assign to 'this' (the input is read-only): assign to 'root' instead");
    throw syntaxError(this.src, n.pos, "expected an assignment target such as 'root', 'root.a.b', 'meta k' or 'let x' before '='");
  }

  parseExpr(minPrec = 1): Node {
    let left = this.parseUnary();
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
      return { k: 'not', pos: t.pos, operand: this.parseUnary() };
    }
    if (t.kind === 'punct' && t.text === '-') {
      this.advance();
      const operand = this.parseUnary();
      if (operand.k === 'lit' && typeof operand.value === 'number') return { k: 'lit', pos: t.pos, value: -operand.value };
      return { k: 'neg', pos: t.pos, operand };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(node: Node): Node {
    for (;;) {
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
      if (t.kind === 'ident' && this.lookaheadColon()) throw this.error(t, 'named arguments are not supported: pass arguments by position');
      args.push(this.parseExpr());
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

  private finishCall(name: Token): Node {
    return { k: 'call', pos: name.pos, name: name.text, args: this.parseArgs() };
  }

  private parsePrimary(): Node {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.advance();
        return { k: 'lit', pos: t.pos, value: t.text };
      case 'int':
      case 'number':
        this.advance();
        return { k: 'lit', pos: t.pos, value: t.num };
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
    this.expectPunct('{', "to open the 'match' cases");
    this.depth++;
    const cases: MatchCase[] = [];
    while (!this.isPunct('}')) {
      const t = this.peek();
      let pattern: Node | undefined;
      if (t.kind === 'ident' && t.text === '_') this.advance();
      else pattern = this.parseExpr();
      this.expectPunct('=>', 'after a match pattern');
      cases.push({ pattern, body: this.parseExpr() });
      if (this.isPunct(',')) this.advance();
      else if (!this.isPunct('}') && !this.nlBefore) throw this.error(this.peek(), `expected ',', a new line or '}' after a match case, got ${describe(this.peek())}`);
    }
    this.depth--;
    this.advance();
    if (cases.length === 0) throw this.error(start, "a 'match' needs at least one case");
    return { k: 'match', pos: start.pos, subject, cases };
  }
}

function lineOf(src: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}
