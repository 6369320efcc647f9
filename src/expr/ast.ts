import type { Value } from '../core/value.js';

/** Every node records the offset of its first character, for compile-time errors. */
export type Node =
  | { k: 'lit'; pos: number; value: Value }
  | { k: 'this'; pos: number }
  | { k: 'root'; pos: number }
  /** A bare name: a lambda parameter when one is in scope, else `this.name`. */
  | { k: 'ident'; pos: number; name: string }
  | { k: 'field'; pos: number; target: Node; name: string }
  /** `target.(expr)`: expr evaluated with `this` bound to target. */
  | { k: 'scope'; pos: number; target: Node; body: Node }
  | { k: 'var'; pos: number; name: string }
  | { k: 'meta'; pos: number; name: string }
  | { k: 'call'; pos: number; name: string; args: Node[] }
  | { k: 'method'; pos: number; target: Node; name: string; args: Node[] }
  | { k: 'lambda'; pos: number; param: string; body: Node }
  /** `name: value` in an argument list. */
  | { k: 'named'; pos: number; name: string; value: Node }
  | { k: 'binary'; pos: number; op: BinaryOp; left: Node; right: Node }
  | { k: 'not'; pos: number; operand: Node }
  | { k: 'neg'; pos: number; operand: Node }
  | { k: 'array'; pos: number; items: Node[] }
  | { k: 'object'; pos: number; entries: Array<{ key: Node; value: Node }> }
  | { k: 'if'; pos: number; branches: Array<{ cond: Node; body: Node }>; otherwise: Node | undefined }
  | { k: 'match'; pos: number; subject: Node | undefined; cases: MatchCase[] };

export interface MatchCase {
  /** undefined for the `_` catch-all. */
  pattern: Node | undefined;
  body: Node;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '|';

/** A mapping statement. */
export type Statement =
  | { k: 'assign'; pos: number; line: number; target: AssignTarget; value: Node }
  | { k: 'let'; pos: number; line: number; name: string; value: Node }
  /** `if cond { statements } else if ... { } else { }` at statement level. */
  | { k: 'if'; pos: number; line: number; branches: Array<{ cond: Node; body: Statement[] }>; otherwise: Statement[] | undefined }
  /** `match subject { pattern => { statements } ... }` at statement level; pattern undefined for `_`. */
  | { k: 'match'; pos: number; line: number; subject: Node | undefined; cases: Array<{ pattern: Node | undefined; body: Statement[] }> };

export type AssignTarget =
  | { k: 'root'; path: string[] }
  /** `meta k = ...` (name) or `meta = ...` (undefined: all metadata). */
  | { k: 'meta'; name: string | undefined };
