/**
 * The vocabulary shared by plugin manifests, built-in components and the
 * config loader: a component declares its fields once, and the loader checks
 * a pipeline's YAML against them (types, required, defaults, unknown keys)
 * before anything is built.
 *
 * Plugin manifests use the first five types with `kind` scalar|list|map, as
 * Redpanda Connect's plugin.yaml does; built-in components also use the rest.
 */
export type FieldType =
  | 'string'
  | 'int'
  | 'float'
  | 'bool'
  | 'unknown'
  /** A Go-style duration string ("100ms", "5s"); the value handed on is milliseconds. */
  | 'duration'
  /** A nested object described by `fields`. */
  | 'object'
  /** A nested component config of that kind (e.g. broker inputs, for_each processors). */
  | 'input'
  | 'processor'
  | 'output';

export type FieldKind = 'scalar' | 'list' | 'map';

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Default: scalar. */
  kind?: FieldKind;
  description?: string;
  /** When present the field is optional and this value is applied. */
  default?: unknown;
  /** Optional without a default (absent stays absent). */
  optional?: boolean;
  advanced?: boolean;
  /** For type 'object'. */
  fields?: FieldSpec[];
  /** Allowed values for a string field. */
  enum?: readonly string[];
  /** The string may hold `${! expr }` interpolations (compiled at load). */
  interpolated?: boolean;
  /** The whole string is an expression or mapping (compiled at load). */
  expression?: 'query' | 'mapping';
  /** Extra check on the (typed) value; return an error message, or undefined when fine. */
  check?: (value: unknown) => string | undefined;
}

export type ComponentKind = 'input' | 'processor' | 'output';

/**
 * How a component's config is written. Most take an object of fields
 * (`http_server: { path: /x }`); some take a bare value, like
 * `catch: [ ...processors ]` or `resource: name`, described by `value`.
 */
export interface ComponentSpec {
  name: string;
  kind: ComponentKind;
  summary?: string;
  fields?: FieldSpec[];
  value?: FieldSpec;
}
