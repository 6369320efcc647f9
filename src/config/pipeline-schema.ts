import type { ComponentKind, ComponentSpec, FieldSpec } from '../core/spec.js';
import { RATE_LIMIT_FIELDS } from './rate-limits.js';
import { IGNORED_TOP_LEVEL, SHUTDOWN_TIMEOUT_FIELD, UNHANDLED_ERRORS_FIELD } from './stream.js';

type Schema = Record<string, unknown>;

const KINDS: readonly ComponentKind[] = ['input', 'processor', 'output'];

/**
 * A string holding `${VAR}` / `${VAR:default}`: what it becomes (a number, a
 * boolean, a duration) depends on the environment, so only lint can tell.
 */
const ENV_ONLY = { type: 'string', pattern: '\\$\\{[0-9A-Za-z_.]+(:[^}]*)?\\}' };
/** What parseDuration accepts: `0`, or number-unit pairs like `1m30s`. */
const DURATION = { type: 'string', pattern: '^\\s*(0|(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+)\\s*$' };

/**
 * The JSON Schema (draft-07) of pipeline files for the given component specs,
 * so editors validate and complete them. It mirrors what the loader checks:
 * one type key per component (plus label, and processors on inputs/outputs),
 * each config's fields with types, enums and required fields, no unknown keys.
 * Explicit nulls are allowed where a field may be absent, as the loader
 * treats them so. What only lint can check — expressions, `resource:`
 * references, env variables being set, specs' own `check`/`lint`, route
 * clashes — is not in the schema.
 */
export function pipelineSchema(specs: readonly ComponentSpec[]): Schema {
  const definitions: Schema = {};
  for (const kind of KINDS) {
    definitions[kind] = componentSchema(kind, specs.filter((s) => s.kind === kind).sort((a, b) => a.name.localeCompare(b.name)));
  }
  const properties: Schema = {
    input: { $ref: '#/definitions/input' },
    pipeline: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        threads: orNull(orEnv({ type: 'integer', description: 'Processing threads; -1 means one per CPU.', default: -1 })),
        processors: orNull({ type: 'array', items: { $ref: '#/definitions/processor' } }),
      },
    },
    output: { $ref: '#/definitions/output' },
    unhandled_errors: { anyOf: [{ enum: UNHANDLED_ERRORS_FIELD.enum }, { type: 'null' }], description: UNHANDLED_ERRORS_FIELD.description, default: 'fail' },
    shutdown_timeout: { anyOf: [DURATION, { const: 0 }, ENV_ONLY, { type: 'null' }], description: SHUTDOWN_TIMEOUT_FIELD.description, default: '20s' },
  };
  for (const kind of KINDS) {
    properties[`${kind}_resources`] = orNull({
      type: 'array',
      description: `${kind}s referred to by \`resource: LABEL\`.`,
      items: { allOf: [{ $ref: `#/definitions/${kind}` }], required: ['label'] },
    });
  }
  const rateLimit = objectSchema(RATE_LIMIT_FIELDS);
  (rateLimit['properties'] as Schema)['label'] = { type: 'string', pattern: '^[a-z0-9][a-z0-9_]*$', description: RATE_LIMIT_FIELDS[0]?.description };
  properties['rate_limit_resources'] = orNull({ type: 'array', description: 'Rate limits referred to by `rate_limit: LABEL` (local only).', items: rateLimit });
  for (const [key, why] of Object.entries(IGNORED_TOP_LEVEL)) properties[key] = { description: `Ignored by hotplug: ${why}.` };
  properties['tests'] = { description: 'Tests for `hotplug test`; ignored by the stream.' };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'hotplug pipeline (Redpanda Connect format)',
    type: 'object',
    required: ['input', 'output'],
    additionalProperties: false,
    properties,
    definitions,
  };
}

function componentSchema(kind: ComponentKind, specs: readonly ComponentSpec[]): Schema {
  const properties: Schema = {
    label: { type: 'string', pattern: '^[a-z0-9][a-z0-9_]*$', description: 'A name for the component (logs, metrics, resources).' },
    resource: { type: 'string', minLength: 1, description: `A ${kind} from ${kind}_resources, by label.` },
  };
  const types = ['resource'];
  for (const spec of specs) {
    if (spec.name === 'resource') continue;
    properties[spec.name] = configSchema(spec);
    types.push(spec.name);
  }
  if (kind !== 'processor') properties['processors'] = orNull({ type: 'array', items: { $ref: '#/definitions/processor' } });
  return {
    type: 'object',
    description: `One ${kind}: exactly one of ${types.join(', ')}.`,
    properties,
    additionalProperties: false,
    oneOf: types.map((t) => ({ required: [t] })),
  };
}

function configSchema(spec: ComponentSpec): Schema {
  let schema: Schema;
  if (spec.value) schema = fieldSchema(spec.value, spec.value.default !== undefined);
  else if (spec.fields) schema = orNull(objectSchema(spec.fields));
  else schema = {};
  if (spec.summary) schema['description'] = spec.summary;
  return schema;
}

function objectSchema(fields: readonly FieldSpec[]): Schema {
  const properties: Schema = {};
  const required: string[] = [];
  for (const f of fields) {
    const needed = f.default === undefined && !f.optional;
    if (needed) required.push(f.name);
    properties[f.name] = fieldSchema(f, !needed);
  }
  return { type: 'object', properties, additionalProperties: false, ...(required.length > 0 && { required }) };
}

// Annotations go on the outermost schema, where editors look for them.
function fieldSchema(f: FieldSpec, nullable: boolean): Schema {
  const kind = f.kind ?? 'scalar';
  const one = scalarSchema(f);
  let schema: Schema;
  if (kind === 'list') schema = { type: 'array', items: one };
  else if (kind === 'map') schema = { type: 'object', additionalProperties: one };
  else schema = one;
  if (nullable) schema = orNull(schema);
  if (f.description) schema['description'] = f.description;
  if (f.default !== undefined && isJson(f.default)) schema['default'] = f.default;
  return schema;
}

function scalarSchema(f: FieldSpec): Schema {
  switch (f.type) {
    case 'string':
      return f.enum ? { type: 'string', enum: [...f.enum] } : { type: 'string' };
    case 'int':
      return orEnv({ type: 'integer' });
    case 'float':
      return orEnv({ type: 'number' });
    case 'bool':
      return orEnv({ type: 'boolean' });
    case 'duration':
      // A field with its own reader takes more than durations (a cron expression for generate.interval).
      return f.parse ? { anyOf: [{ type: 'string' }, { const: 0 }] } : { anyOf: [DURATION, { const: 0 }, ENV_ONLY] };
    case 'unknown':
      return {};
    case 'object':
      return f.fields ? objectSchema(f.fields) : { type: 'object' };
    case 'input':
    case 'processor':
    case 'output':
      return { $ref: `#/definitions/${f.type}` };
  }
}

function orEnv(schema: Schema): Schema {
  return { anyOf: [schema, ENV_ONLY] };
}

/** Null where a value may be left out: the loader reads `key:` with nothing as absent. */
function orNull(schema: Schema): Schema {
  if (typeof schema['type'] === 'string' && !schema['anyOf'] && !schema['enum']) return { ...schema, type: [schema['type'], 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

function isJson(v: unknown): boolean {
  try {
    return JSON.stringify(v) !== undefined;
  } catch {
    return false;
  }
}
