import { Double, textDecoder, valueEquals } from '../core/value.js';
import { ExprRuntimeError } from './errors.js';
import { type Result, Sentinel, kindOf, show, typeError } from './runtime.js';

type Num = number | bigint;

function isNum(v: Result): v is Num | Double {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof Double;
}

// Bloblang's float64 wins over int64: a whole result computed from a double stays a double.
function floatResult(r: Result, a: number, b: number): Result {
  return typeof r === 'number' && Number.isInteger(r) && (!Number.isInteger(a) || !Number.isInteger(b)) ? new Double(r) : r;
}

/**
 * Arithmetic as Bloblang does it: numbers only (plus string + string), an
 * integer result from integer operands except for division. Integers beyond
 * 2^53 arrive as bigint and stay exact while both sides are integers.
 */
export function arithmetic(op: string, a: Result, b: Result): Result {
  if (a instanceof Double || b instanceof Double) {
    if (!isNum(a) || !isNum(b) || op === '%') return arithmetic(op, a instanceof Double ? a.value : a, b instanceof Double ? b.value : b);
    const r = arithmetic(op, Number(a), Number(b));
    return typeof r === 'number' && Number.isInteger(r) ? new Double(r) : r;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '+': return floatResult(a + b, a, b);
      case '-': return floatResult(a - b, a, b);
      case '*': return floatResult(a * b, a, b);
      case '/':
        if (b === 0) throw new ExprRuntimeError('cannot divide by zero');
        return floatResult(a / b, a, b);
      case '%':
        if (b === 0) throw new ExprRuntimeError('cannot take the modulo of zero');
        return Math.trunc(a) % Math.trunc(b);
    }
  }
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (typeof a !== 'object' && isNum(a) && typeof b !== 'object' && isNum(b)) return bigArithmetic(op, a, b);
  const leftOk = isNum(a) || (op === '+' && typeof a === 'string');
  const bad = leftOk ? b : a;
  const expected = op === '+' && typeof a === 'string' ? 'string' : 'number';
  throw new ExprRuntimeError(`cannot ${opName(op)} ${kindOf(a)} and ${kindOf(b)}: expected ${expected} value, got ${kindOf(bad)}${bad === null || bad instanceof Sentinel ? '' : ` (${show(bad)})`}`);
}

function bigArithmetic(op: string, a: Num, b: Num): Result {
  const ints = (typeof a === 'bigint' || Number.isInteger(a)) && (typeof b === 'bigint' || Number.isInteger(b));
  if (!ints || op === '/') return arithmetic(op, Number(a), Number(b));
  const x = BigInt(a);
  const y = BigInt(b);
  let r: bigint;
  switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    default:
      if (y === 0n) throw new ExprRuntimeError('cannot take the modulo of zero');
      r = x % y;
  }
  return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
}

function opName(op: string): string {
  return { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide', '%': 'take the modulo of' }[op] ?? op;
}

/** `==`: deep equality; numbers compare by value across int/float; bytes equal the string they spell. */
export function equals(a: Result, b: Result): boolean {
  if (a === b) return true;
  if (a instanceof Sentinel || b instanceof Sentinel) return false;
  if (a instanceof Uint8Array && typeof b === 'string') return textDecoder.decode(a) === b;
  if (b instanceof Uint8Array && typeof a === 'string') return textDecoder.decode(b) === a;
  return valueEquals(a, b);
}

/** `< <= > >=`: numbers, strings and timestamps, each only with its own kind. */
export function compare(op: string, a: Result, b: Result): boolean {
  let x: number | string | bigint;
  let y: number | string | bigint;
  if (isNum(a) && isNum(b)) {
    if (typeof a === 'number' && typeof b === 'number') {
      x = a;
      y = b;
    } else if (typeof a === 'bigint' && typeof b === 'bigint') {
      x = a;
      y = b;
    } else {
      x = Number(a);
      y = Number(b);
    }
  } else if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else if (a instanceof Date && b instanceof Date) {
    x = a.getTime();
    y = b.getTime();
  } else {
    const bad = isNum(a) || typeof a === 'string' || a instanceof Date ? b : a;
    const expected = typeof a === 'string' ? 'string' : a instanceof Date ? 'timestamp' : 'number';
    throw typeError(expected, bad, `cannot compare ${kindOf(a)} ${op} ${kindOf(b)}`);
  }
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    default: return x >= y;
  }
}
