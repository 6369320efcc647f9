import type { ExprCompilers } from './expressions.js';

/**
 * Placeholder until src/expr lands: keeps the source text. Replaced by the
 * real compilers (compileInterpolation, compileQuery, compileMapping).
 */
export const defaultExprCompilers: ExprCompilers = {
  interpolation: (source) => source,
  query: (source) => source,
  mapping: (source) => source,
};
