/**
 * A source text that does not compile: bad syntax, an unknown function or
 * method, a wrong number of arguments. `line` and `col` are 1-based and count
 * within the source text given to the compiler (not the file it came from);
 * the message says what was expected and, for near-miss names, what was meant.
 */
export class ExprSyntaxError extends Error {
  readonly line: number;
  readonly col: number;
  /** 0-based offset into the source text. */
  readonly offset: number;

  constructor(message: string, line: number, col: number, offset: number) {
    super(message);
    this.name = 'ExprSyntaxError';
    this.line = line;
    this.col = col;
    this.offset = offset;
  }
}

/**
 * An expression that failed while evaluating one message: a type mismatch, a
 * payload that is not JSON, a `throw()`. Never a host crash: the caller marks
 * the message errored and moves on.
 */
export class ExprRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprRuntimeError';
  }
}

/** Turns a 0-based offset into a 1-based line and column. */
export function lineCol(src: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < src.length; i++) {
    if (src.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

export function syntaxError(src: string, offset: number, message: string): ExprSyntaxError {
  const { line, col } = lineCol(src, offset);
  return new ExprSyntaxError(message, line, col, offset);
}

/**
 * Runs a compile step; a stack overflow on absurdly large input (a chain of
 * thousands of operators) becomes a syntax error instead of escaping.
 */
export function guardCompile<T>(src: string, compile: () => T): T {
  try {
    return compile();
  } catch (err) {
    if (err instanceof RangeError) throw syntaxError(src, 0, 'expression too large or too deeply nested to compile');
    throw err;
  }
}
