import { syntaxError } from './errors.js';
import { Lexer, describe, type Token } from './lexer.js';

/**
 * Tokens as the parsers read them. Newlines end a mapping statement, so they
 * are significant only at nesting depth 0; inside brackets, braces and
 * parentheses (depth > 0) they are skipped.
 */
export class TokenStream {
  private readonly lx: Lexer;
  private tok: Token;
  protected depth = 0;
  /** True when newlines were skipped right before the current token (match cases may be separated by them). */
  protected nlBefore = false;

  constructor(src: string, start = 0) {
    this.lx = new Lexer(src, start);
    this.tok = this.lx.next();
  }

  /** Parser state, for the one place that must try two readings (an `if` statement or an `if` expression). */
  protected mark(): () => void {
    const lx = this.lx.save();
    const { tok, depth, nlBefore } = this;
    return () => {
      this.lx.restore(lx);
      this.tok = tok;
      this.depth = depth;
      this.nlBefore = nlBefore;
    };
  }

  get src(): string {
    return this.lx.src;
  }

  /** The current token, skipping newlines when nested. */
  protected peek(): Token {
    while (this.depth > 0 && this.tok.kind === 'nl') {
      this.tok = this.lx.next();
      this.nlBefore = true;
    }
    return this.tok;
  }

  protected advance(): Token {
    const t = this.peek();
    this.tok = this.lx.next();
    this.nlBefore = false;
    return t;
  }

  protected skipNewlines(): void {
    while (this.tok.kind === 'nl') this.tok = this.lx.next();
  }

  protected isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  protected isIdent(text: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === text;
  }

  protected expectPunct(text: string, what?: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== text) throw this.error(t, `expected '${text}'${what ? ` ${what}` : ''}, got ${describe(t)}`);
    return this.advance();
  }

  error(t: Token, message: string): Error {
    return syntaxError(this.src, t.pos, message);
  }
}
