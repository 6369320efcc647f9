import { COLLECTION_METHODS } from './methods-collection.js';
import { CORE_METHODS } from './methods-core.js';
import type { MethodSpec } from './registry.js';
import { STRING_METHODS } from './methods-string.js';

/** The method table: the only names a query can call after a '.'. */
export const METHODS: Record<string, MethodSpec> = Object.assign(
  Object.create(null) as Record<string, MethodSpec>,
  CORE_METHODS,
  STRING_METHODS,
  COLLECTION_METHODS,
);
