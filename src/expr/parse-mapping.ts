import type { AssignTarget, Node, Statement } from './ast.js';
import { ExprSyntaxError, syntaxError } from './errors.js';
import { describe, hintFor, type Token } from './lexer.js';
import { Parser } from './parser.js';

/**
 * Mapping statements: `root... = `, `meta k = `, `let x = `, bare paths
 * (`a.b = ` means `root.a.b = `) and `if` blocks of statements. Statements
 * are separated by newlines; a mapping that is one lone expression means
 * `root = <expression>`.
 */
export class MappingParser extends Parser {
  parseMapping(): Statement[] {
    const out = this.parseStatements(true);
    const t = this.peek();
    if (t.kind !== 'eof') throw this.error(t, `unexpected ${describe(t)}: expected a statement such as root = <expression>`);
    return out;
  }

  /** Statements up to end of input or a closing '}' (left unconsumed). */
  private parseStatements(top: boolean): Statement[] {
    const out: Statement[] = [];
    this.skipNewlines();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || (t.kind === 'punct' && t.text === '}')) return out;
      out.push(this.parseStatement(top && out.length === 0));
      const after = this.peek();
      if (after.kind === 'nl') this.skipNewlines();
      else if (after.kind !== 'eof' && !(after.kind === 'punct' && after.text === '}' && !top)) {
        throw this.error(after, `expected a new line after the statement, got ${describe(after)}${after.text === '=' ? '' : hintFor(after)}`);
      }
    }
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
      if (n.kind === 'punct' && n.text === '(') return this.expressionStatement(t, this.continueExpr(this.parsePostfix(this.finishCall(t))), first, line);
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
    if (t.kind === 'ident' && (t.text === 'if' || t.text === 'match')) return this.blockStatementOrExpression(t, first, line);
    return this.expressionStatement(t, this.parseExpr(), first, line);
  }

  /**
   * `if` and `match` start either a statement block (`if c { root.a = 1 }`)
   * or a lone expression mapping (`if c { "a" } else { "b" }`). Try the
   * statement first; when both readings fail, report the one that got further.
   */
  private blockStatementOrExpression(t: Token, first: boolean, line: number): Statement {
    const reset = this.mark();
    try {
      return t.text === 'if' ? this.ifStatement(line) : this.matchStatement(line);
    } catch (stmtErr) {
      if (!(stmtErr instanceof ExprSyntaxError)) throw stmtErr;
      reset();
      try {
        return this.expressionStatement(t, this.parseExpr(), first, line);
      } catch (exprErr) {
        if (!(exprErr instanceof ExprSyntaxError)) throw exprErr;
        throw exprErr.offset > stmtErr.offset ? exprErr : stmtErr;
      }
    }
  }

  private ifStatement(line: number): Statement {
    const start = this.advance();
    const branches: Array<{ cond: Node; body: Statement[] }> = [];
    let otherwise: Statement[] | undefined;
    branches.push({ cond: this.parseExpr(), body: this.block("after the 'if' condition") });
    while (this.isIdent('else')) {
      this.advance();
      if (this.isIdent('if')) {
        this.advance();
        branches.push({ cond: this.parseExpr(), body: this.block("after the 'else if' condition") });
        continue;
      }
      otherwise = this.block("after 'else'");
      break;
    }
    return { k: 'if', pos: start.pos, line, branches, otherwise };
  }

  /** Like the `match` expression, but each case body is a `{ }` block of statements. */
  private matchStatement(line: number): Statement {
    const start = this.advance();
    let subject: Node | undefined;
    if (!this.isPunct('{')) subject = this.parseExpr();
    const open = this.expectPunct('{', "to open the 'match' cases");
    const cases: Array<{ pattern: Node | undefined; body: Statement[] }> = [];
    let catchAll: Token | undefined;
    this.skipNewlines();
    while (!this.isPunct('}')) {
      const head = this.caseHead(catchAll, open);
      catchAll = head.catchAll;
      this.skipNewlines();
      cases.push({ pattern: head.pattern, body: this.block("after '=>' (a case of a match statement is a block of statements)") });
      const sep = this.peek();
      if (sep.kind === 'punct' && sep.text === ',') this.advance();
      else if (sep.kind !== 'nl' && !(sep.kind === 'punct' && sep.text === '}')) this.badCaseEnd(sep, open);
      this.skipNewlines();
    }
    this.advance();
    if (cases.length === 0) throw this.error(start, "a 'match' needs at least one case");
    return { k: 'match', pos: start.pos, line, subject, cases };
  }

  private block(what: string): Statement[] {
    this.expectPunct('{', what);
    const body = this.parseStatements(false);
    this.expectPunct('}', 'to close the block');
    return body;
  }

  private expressionStatement(start: Token, lhs: Node, first: boolean, line: number): Statement {
    if (this.isPunct('=')) {
      const target = this.toTarget(lhs);
      this.advance();
      return { k: 'assign', pos: start.pos, line, target, value: this.parseValue() };
    }
    const t = this.peek();
    if (!first || (t.kind !== 'eof' && !(t.kind === 'nl' && this.onlyBlankAfter()))) {
      throw this.error(t, `expected '=' (an assignment such as root = <expression>), got ${describe(t)}`);
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
}

function lineOf(src: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}
