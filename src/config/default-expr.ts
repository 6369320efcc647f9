import { compileInterpolation, compileMapping, compileQuery } from '../expr/index.js';
import type { ExprCompilers } from './expressions.js';

/** The expression language of src/expr; errors are ExprSyntaxErrors carrying line, col and offset. */
export const defaultExprCompilers: ExprCompilers = {
  interpolation: compileInterpolation,
  query: compileQuery,
  mapping: compileMapping,
};
