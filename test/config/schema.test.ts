import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseDocument } from 'yaml';
import { checkManifest, checkStream, createCatalog, pipelineSchema, pluginSpec } from '../../src/config/index.js';
import { assertAgree, FIXTURES, REPO, upperPlugin } from './helpers.js';
import { validate } from './json-schema.js';
import { testSpecs } from './specs.js';

const pluginSchema = JSON.parse(readFileSync(join(REPO, 'src/config/schemas/plugin.schema.json'), 'utf8')) as Record<string, unknown>;

/** Manifests: fixtures and small cases, with the paths only lint can judge. */
const manifestCases: Array<{ name: string; text: string; file?: string; lintOnly?: string[] }> = [
  ...['good/minimal.yaml', 'good/sentiment/plugin.yaml', 'bad/command-string.yaml', 'bad/name.yaml', 'bad/missing.yaml'].map((f) => ({
    name: f,
    file: join(FIXTURES, 'manifests', f),
    text: readFileSync(join(FIXTURES, 'manifests', f), 'utf8'),
  })),
  { name: 'bad/fields.yaml', text: readFileSync(join(FIXTURES, 'manifests/bad/fields.yaml'), 'utf8'), lintOnly: ['fields[1].default', 'fields[2].default', 'fields[3].name'] },
  { name: 'nulls where optional', text: 'name: a\ntype: input\ncommand: [x]\nsummary:\ncwd:\nfields:\nenv:\ninstances:\n' },
  { name: 'null required', text: 'name:\ntype: input\ncommand: [x]\n' },
  { name: 'empty argument', text: 'name: a\ntype: input\ncommand: [x, ""]\n' },
  { name: 'env not a map', text: 'name: a\ntype: input\ncommand: [x]\nenv: [A=1]\n' },
  { name: 'instances float', text: 'name: a\ntype: input\ncommand: [x]\ninstances: 1.5\n' },
  { name: 'field kind', text: 'name: a\ntype: input\ncommand: [x]\nfields:\n  - { name: f, type: int, kind: set }\n  - { name: g, type: string, kind: ~, default: ~, advanced: ~, description: ~ }\n' },
  { name: 'field null entry', text: 'name: a\ntype: input\ncommand: [x]\nfields: [~]\n' },
  { name: 'name starts with digit', text: 'name: 1a\ntype: input\ncommand: [x]\n' },
  { name: 'not an object', text: '- name: a\n' },
];

for (const c of manifestCases) {
  test(`plugin.schema.json and lint agree: ${c.name}`, () => {
    const res = checkManifest(c.text, c.file ?? join(FIXTURES, 'manifests/good/plugin.yaml'));
    const errors = validate(pluginSchema, parse(c.text));
    assertAgree(c.name, res.diagnostics, errors.map((e) => e.path), c.lintOnly ?? []);
  });
}

const pSchema = pipelineSchema([...testSpecs, pluginSpec(upperPlugin)]);
const catalog = createCatalog(testSpecs, [upperPlugin]);
const env: Record<string, string> = { BATCH_PERIOD: '1s', TARGET_PORT: '80' };

/** Pipeline fixtures; those that are not valid YAML have nothing for a schema to see. */
const lintOnlyPipelines: Record<string, string[]> = {
  'unknown-resource.yaml': ['input.resource', 'pipeline.processors[0].resource'],
  'env-missing.yaml': ['input.http_server.path', 'output.http_client.url'],
  'expressions.yaml': ['input.generate.mapping', 'pipeline.processors[0].mapping', 'pipeline.processors[1].mapping', 'pipeline.processors[2].log.message'],
  'expressions-real.yaml': ['input.generate.mapping', 'pipeline.processors[0].mapping', 'pipeline.processors[1].mapping', 'pipeline.processors[2].log.message', 'pipeline.processors[3].switch[0].check'],
  'resources-bad.yaml': ['input_resources[1].label'],
};

for (const dir of ['good', 'bad']) {
  const files = readdirSync(join(FIXTURES, 'pipelines', dir));
  for (const f of files.filter((x) => parseDocument(readFileSync(join(FIXTURES, 'pipelines', dir, x), 'utf8')).errors.length === 0)) {
    test(`pipeline schema and lint agree: ${dir}/${f}`, () => {
      const text = readFileSync(join(FIXTURES, 'pipelines', dir, f), 'utf8');
      const res = checkStream(text, f, { catalog, env: (n) => env[n] });
      const errors = validate(pSchema, parse(text));
      if (dir === 'good') assert.deepEqual([res.diagnostics.filter((d) => d.severity === 'error'), errors], [[], []]);
      assertAgree(f, res.diagnostics, errors.map((e) => e.path), lintOnlyPipelines[f] ?? []);
    });
  }
}

test('the pipeline schema offers every component with its fields, defaults and required fields', () => {
  const defs = pSchema['definitions'] as Record<string, { properties: Record<string, Record<string, unknown>>; oneOf: unknown[] }>;
  assert.deepEqual(Object.keys(defs.processor!.properties).sort(), ['catch', 'label', 'log', 'mapping', 'resource', 'switch', 'uppercase']);
  assert.ok('processors' in defs.input!.properties && !('processors' in defs.processor!.properties));
  assert.equal(defs.output!.oneOf.length, 5, 'resource + four outputs');
  const client = defs.output!.properties['http_client'] as { type: string[]; required?: string[]; properties?: Record<string, { default?: unknown }> };
  assert.deepEqual(client.type, ['object', 'null']);
  assert.deepEqual(client.required, ['url']);
  assert.equal(client.properties?.['max_in_flight']?.default, 64);
});
