import { COLLECTION_METHODS } from './methods-collection.js';
import { CORE_METHODS } from './methods-core.js';
import { type MethodSpec, withParams } from './registry.js';
import { REGEX_METHODS } from './methods-regex.js';
import { STRING_METHODS } from './methods-string.js';
import { TIME_METHODS } from './methods-time.js';

/** The method table: the only names a query can call after a '.'. */
export const METHODS: Record<string, MethodSpec> = withParams(
  Object.assign(Object.create(null) as Record<string, MethodSpec>, CORE_METHODS, STRING_METHODS, COLLECTION_METHODS, TIME_METHODS, REGEX_METHODS),
  {
    number: ['default'],
    bool: ['default'],
    not_null: ['message'],
    format_json: ['indent', 'no_indent'],
    encode: ['scheme'],
    decode: ['scheme'],
    catch: ['fallback'],
    or: ['fallback'],
    from: ['index'],
    trim: ['cutset'],
    has_prefix: ['value'],
    has_suffix: ['value'],
    replace_all: ['old', 'new'],
    split: ['delimiter'],
    join: ['delimiter'],
    contains: ['value'],
    index_of: ['value'],
    slice: ['low', 'high'],
    index: ['index'],
    merge: ['with'],
    exists: ['path'],
    get: ['path'],
    map_each: ['query'],
    filter: ['test'],
    any: ['test'],
    hash: ['algorithm'],
    ts_format: ['format'],
    all: ['test'],
  },
);
