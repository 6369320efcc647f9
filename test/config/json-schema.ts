/**
 * A small JSON Schema (draft-07) validator for exactly the keywords hotplug's
 * schemas use. An unknown keyword throws, so the schemas cannot drift into
 * rules this check (and the comparison with lint) silently ignores.
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default']);
const KEYWORDS = new Set([
  '$ref', 'type', 'enum', 'const', 'pattern', 'minimum', 'minItems', 'minLength',
  'properties', 'required', 'additionalProperties', 'items', 'anyOf', 'oneOf', 'allOf', 'definitions',
]);

export interface SchemaError {
  path: string;
  message: string;
}

export function validate(root: Schema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  check(root, root, value, '', errors);
  return errors;
}

function check(root: Schema, schema: Schema, value: unknown, path: string, errors: SchemaError[]): void {
  for (const k of Object.keys(schema)) {
    if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`unsupported schema keyword ${k} at ${path || 'root'}`);
  }
  const fail = (message: string, at = path): void => void errors.push({ path: at, message });
  if (typeof schema['$ref'] === 'string') {
    const name = /^#\/definitions\/(.+)$/.exec(schema['$ref'])?.[1];
    const target = name ? ((root['definitions'] as Schema)[name] as Schema | undefined) : undefined;
    if (!target) throw new Error(`unresolvable $ref ${schema['$ref']}`);
    check(root, target, value, path, errors);
  }
  if (schema['type'] !== undefined) {
    const types = ([] as string[]).concat(schema['type'] as string | string[]);
    if (!types.some((t) => hasType(value, t))) return fail(`expected ${types.join(' or ')}`);
  }
  if (Array.isArray(schema['enum']) && !schema['enum'].some((e) => e === value)) fail('not one of the allowed values');
  if ('const' in schema && schema['const'] !== value) fail(`expected ${JSON.stringify(schema['const'])}`);
  if (typeof value === 'string') {
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value)) fail(`does not match ${schema['pattern']}`);
    if (typeof schema['minLength'] === 'number' && [...value].length < schema['minLength']) fail('too short');
  }
  if (typeof value === 'number' && typeof schema['minimum'] === 'number' && value < schema['minimum']) fail(`below ${schema['minimum']}`);
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) fail('too few items');
    if (schema['items']) value.forEach((v, i) => check(root, schema['items'] as Schema, v, `${path}[${i}]`, errors));
  }
  if (isObject(value)) {
    const props = (schema['properties'] ?? {}) as Schema;
    for (const r of (schema['required'] ?? []) as string[]) if (!(r in value)) fail(`missing ${r}`, join(path, r));
    for (const [k, v] of Object.entries(value)) {
      if (k in props) check(root, props[k] as Schema, v, join(path, k), errors);
      else if (schema['additionalProperties'] === false) fail(`unknown property ${k}`, join(path, k));
      else if (isObject(schema['additionalProperties'])) check(root, schema['additionalProperties'] as Schema, v, join(path, k), errors);
    }
  }
  for (const s of (schema['allOf'] ?? []) as Schema[]) check(root, s, value, path, errors);
  if (schema['anyOf']) {
    const branches = (schema['anyOf'] as Schema[]).map((s) => validate2(root, s, value, path));
    if (!branches.some((b) => b.length === 0)) errors.push(...closest(branches));
  }
  if (schema['oneOf']) {
    const branches = (schema['oneOf'] as Schema[]).map((s) => validate2(root, s, value, path));
    const passing = branches.filter((b) => b.length === 0).length;
    if (passing === 0) fail('matches none of the alternatives');
    else if (passing > 1) fail('matches more than one alternative');
  }
}

function validate2(root: Schema, schema: Schema, value: unknown, path: string): SchemaError[] {
  const errors: SchemaError[] = [];
  check(root, schema, value, path, errors);
  return errors;
}

// The failing branch that got furthest, like editors report it.
function closest(branches: SchemaError[][]): SchemaError[] {
  return branches.reduce((best, b) => (depth(b) > depth(best) ? b : best));
}

function depth(errors: SchemaError[]): number {
  return Math.max(0, ...errors.map((e) => e.path.length));
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'null':
      return v === null;
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      throw new Error(`unsupported type ${t}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
