import type { BinaryOp } from './ast.js';
import { arithmetic, compare, equals } from './ops.js';
import { type Eval, NOTHING, type Result, typeError } from './runtime.js';

/** A binary operator over two compiled operands; `&&`, `||` and `|` short-circuit. */
export function binaryEval(op: BinaryOp, l: Eval, r: Eval): Eval {
  switch (op) {
    case '&&':
      return (c) => {
        const a = l(c);
        if (a === false) return false;
        if (a !== true) throw typeError('bool', a, "left side of '&&'");
        const b = r(c);
        if (typeof b !== 'boolean') throw typeError('bool', b, "right side of '&&'");
        return b;
      };
    case '||':
      return (c) => {
        const a = l(c);
        if (a === true) return true;
        if (a !== false) throw typeError('bool', a, "left side of '||'");
        const b = r(c);
        if (typeof b !== 'boolean') throw typeError('bool', b, "right side of '||'");
        return b;
      };
    case '|':
      return (c) => {
        let a: Result;
        try {
          a = l(c);
        } catch {
          return r(c);
        }
        return a === null || a === NOTHING ? r(c) : a;
      };
    case '==':
      return (c) => equals(l(c), r(c));
    case '!=':
      return (c) => !equals(l(c), r(c));
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (c) => {
        const a = l(c);
        const b = r(c);
        if (typeof a === 'number' && typeof b === 'number') {
          return op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b;
        }
        return compare(op, a, b);
      };
    default:
      return (c) => arithmetic(op, l(c), r(c));
  }
}
