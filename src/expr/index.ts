/**
 * The expression language: a documented subset of Redpanda Connect's
 * Bloblang (see README.md here). Sources are compiled once, at load, into
 * closures; evaluation never looks at the source again and has no way out to
 * the host (no eval, no prototype access through paths).
 */
export { ExprSyntaxError, ExprRuntimeError } from './errors.js';
export { type Query, compileQuery } from './query.js';
export { type Interpolation, compileInterpolation } from './interpolation.js';
export { type Mapping, compileMapping } from './mapping.js';
