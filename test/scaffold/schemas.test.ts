import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pipelineSchemaText } from '../../src/cli/commands/schema.js';
import { repoRoot } from '../helpers/cli.js';

test('the shipped pipeline schema is what `hotplug schema` generates from the built-in components', () => {
  const shipped = readFileSync(`${repoRoot}src/config/schemas/pipeline.schema.json`, 'utf8');
  assert.equal(shipped, pipelineSchemaText(), 'regenerate it: npx hotplug schema --out src/config/schemas/pipeline.schema.json');
});

test('`hotplug schema DIR` adds the plugins of DIR', () => {
  const schema = JSON.parse(pipelineSchemaText(`${repoRoot}functions`)) as object;
  const text = JSON.stringify(schema);
  assert.match(text, /"uppercase"/);
  assert.match(text, /"sentiment"/);
  assert.match(text, /"threshold"/);
});
