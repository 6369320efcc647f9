import type { SourceLocation } from './errors.js';
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
  /**
   * For string and duration fields: reads a string value in place of the
   * type's own reading, at load (a cron schedule, a route pattern), and
   * returns the value handed on. Throws on a bad value: the error's message
   * is reported at the value, or `offset` (0-based, in the string) characters
   * into it, with the error's `hint` when it has one.
   */
  parse?: (text: string) => unknown;
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
  /**
   * Checks across fields that a single field's `check` cannot make (a level
   * too high for the chosen algorithm, a loop with no way to end). The config
   * loader calls it once the fields have passed, with the checked config, and
   * reports each problem at `locate(problem.path)`. No side effects; the
   * only I/O allowed is reading files the config names (a CA bundle), so
   * that a missing or malformed one is a load error, not a runtime one.
   */
  lint?(config: unknown, ctx?: LintContext): SpecProblem[];
}

/** Where the config a spec's `lint` checks was written (the config loader always passes it). */
export interface LintContext {
  /** Absolute path of the pipeline file; relative paths in a config are resolved against its folder. */
  file: string;
}

/** A problem found by a spec's `lint`, at a path relative to the component's config. */
export interface SpecProblem {
  severity: 'error' | 'warning';
  message: string;
  /** As `ComponentConf.locate` takes it: `level`, `cases[1].check`; '' for the component itself. */
  path: string;
  hint?: string;
}


/** A plugin's manifest (plugin.yaml) after loading and validation. */
export interface PluginManifest {
  name: string;
  type: ComponentKind;
  summary?: string;
  description?: string;
  /** argv; never a shell string. */
  command: string[];
  /** Absolute working directory (default: the manifest's folder). */
  cwd: string;
  fields: FieldSpec[];
  /** hotplug extension: extra environment variables for the plugin process (added to the host's). */
  env?: Record<string, string>;
  /** hotplug extension: how many processes to run for this plugin (default 1). */
  instances?: number;
  /** hotplug extension (`deadline`): how long one call may take, in ms; default: within the route's timeout, else 30 s. */
  deadlineMs?: number;
  /**
   * One process at a time (`dev --inspect`: it holds a debugger port): no warm spare, and a reload
   * stops the old process before the new one starts.
   */
  exclusive?: boolean;
  /** Absolute path of plugin.yaml, and its folder. */
  file: string;
  dir: string;
}

/**
 * A component as written in a pipeline file, after loading and checking it
 * against its spec: `config` has defaults applied and types checked; fields
 * of type input/processor/output hold ComponentConf values; durations are
 * milliseconds. Nothing has been built or started yet.
 */
export interface ComponentConf {
  kind: ComponentKind;
  /** The component's type key: `http_server`, `mapping`, `resource`, a plugin's name, ... */
  type: string;
  label?: string;
  /**
   * The checked config: an object of fields, or the bare value for specs with `value`.
   * Fields marked `interpolated` hold a compiled `Interpolation`, fields with
   * `expression: 'query'` a compiled `Query` and `'mapping'` a compiled `Mapping`
   * (see src/expr): expressions are compiled once, at load, where their errors
   * can still point at the file.
   */
  config: unknown;
  /** Processors attached to an input or output (`input: { x: {}, processors: [] }`). */
  processors: ComponentConf[];
  /** Where the component's type key is written. */
  location: SourceLocation;
  /** Where a field below this component is written, by a path relative to its config: `sync_response.status`, `cases[1].check`. */
  locate(path: string): SourceLocation;
}

export interface ResourcesConf {
  inputs: Map<string, ComponentConf>;
  processors: Map<string, ComponentConf>;
  outputs: Map<string, ComponentConf>;
  /** `rate_limit_resources`, by label; components name one in their `rate_limit` field. */
  rateLimits?: Map<string, RateLimitConf>;
}

/** A `local` rate limit: at most `count` accesses per `intervalMs` window. */
export interface RateLimitConf {
  label: string;
  count: number;
  intervalMs: number;
  location: SourceLocation;
}

/** One pipeline file: a stream. */
export interface StreamConf {
  /** Relative path without extension, e.g. `orders/ingest`. */
  id: string;
  /** Absolute path of the file. */
  file: string;
  input: ComponentConf;
  /** `pipeline.threads` (default: -1 in YAML, meaning the number of CPUs). */
  threads: number;
  processors: ComponentConf[];
  output: ComponentConf;
  resources: ResourcesConf;
  /**
   * `shutdown_timeout` in ms: how long stopping the stream may take before
   * what is still pending is nacked and its components force-closed.
   * Absent: the host's default (20 s, as Redpanda Connect).
   */
  shutdownTimeoutMs?: number;
  /**
   * `unhandled_errors: pass_through`: messages still flagged with an error at
   * the end of the pipeline flow on to the output (Redpanda Connect's
   * behaviour). Absent: they fail (not delivered; the input batch is nacked).
   */
  unhandledErrors?: 'pass_through';
}
