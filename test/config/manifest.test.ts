import { Double } from '../../src/core/value.js';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { checkManifest, checkStream, createCatalog, loadManifest, pluginSpec, readManifest } from '../../src/config/index.js';
import { brief, FIXTURES } from './helpers.js';

const bad = (name: string) => {
  const file = join(FIXTURES, 'manifests/bad', name);
  return checkManifest(readFileSync(file, 'utf8'), file);
};

test('a full manifest loads: cwd relative to its folder, fields as specs, env and instances', () => {
  const file = join(FIXTURES, 'manifests/good/sentiment/plugin.yaml');
  const m = loadManifest(file);
  assert.equal(m.name, 'sentiment');
  assert.equal(m.type, 'processor');
  assert.equal(m.summary, 'Scores text with a lexicon.');
  assert.equal(m.description, 'Returns JSON with a score between -1 and 1.\n');
  assert.deepEqual(m.command, ['/usr/bin/python3', 'main.py']);
  assert.equal(m.file, file);
  assert.equal(m.dir, join(FIXTURES, 'manifests/good/sentiment'));
  assert.equal(m.cwd, join(FIXTURES, 'manifests/good/sentiment/src'));
  assert.deepEqual(m.env, { PYTHONUNBUFFERED: '1' });
  assert.equal(m.instances, 2);
  assert.deepEqual(m.fields, [
    { name: 'lexicon', type: 'float', kind: 'map', description: 'Words and their weights.', default: { good: 1, bad: -1.5 } },
    { name: 'threshold', type: 'float', kind: 'scalar', default: 0 },
    { name: 'language', type: 'string', kind: 'scalar' },
    { name: 'stopwords', type: 'string', kind: 'list', advanced: true, default: [] },
    { name: 'extra', type: 'unknown', kind: 'scalar' },
  ]);
});

test('defaults of a minimal manifest: cwd is its folder, no fields, one instance, no env', () => {
  const file = join(FIXTURES, 'manifests/good/minimal.yaml');
  const m = loadManifest(file);
  assert.equal(m.cwd, join(FIXTURES, 'manifests/good'));
  assert.deepEqual(m.fields, []);
  assert.equal(m.instances, 1);
  assert.deepEqual(m.env, {});
  assert.equal(m.summary, undefined);
});

const cases: Array<{ file: string; expect: string[]; messages?: string[]; hints?: string[] }> = [
  {
    file: 'command-string.yaml',
    expect: ['E_WRONG_TYPE 3:10 command'],
    messages: ['command must be a list of arguments, not a shell string'],
    hints: ['write command: ["node","dist/main.js","--fast"]'],
  },
  {
    file: 'name.yaml',
    expect: ['E_INVALID_VALUE 1:7 name', 'E_INVALID_VALUE 2:7 type', 'E_INVALID_VALUE 3:10 command'],
    messages: ["plugin name 'Upper-Case' is not usable as a YAML key in pipelines: it must match /^[a-z][a-z0-9_]*$/", "'procesor' is not a valid type", 'command is empty'],
    hints: ['e.g. name: upper_case', "did you mean 'processor'?"],
  },
  {
    file: 'fields.yaml',
    expect: [
      'E_INVALID_VALUE 5:12 instances',
      'E_UNKNOWN_FIELD 6:1 envs',
      'E_INVALID_VALUE 9:11 fields[0].type',
      'E_WRONG_TYPE 12:14 fields[1].default',
      'E_WRONG_TYPE 16:14 fields[2].default',
      'E_INVALID_VALUE 17:11 fields[3].name',
      'E_UNKNOWN_FIELD 19:5 fields[4].nmae',
      'E_MISSING_FIELD 19:5 fields[4].name',
      'E_WRONG_TYPE 22:9 env.PORT',
    ],
    hints: [undefined as unknown as string, "did you mean 'env'?", 'use one of: string, int, float, bool, unknown', 'true or false', 'words: [ hello ]', 'own name', "did you mean 'name'?", 'add name:', 'PORT: "8080"'],
  },
  {
    file: 'missing.yaml',
    expect: ['E_MISSING_FIELD 1:1 name', 'E_MISSING_FIELD 1:1 command', 'E_MISSING_FIELD 1:1 type'],
    hints: ['add name:', 'add command: [', 'add type:'],
  },
  { file: 'syntax.yaml', expect: ['E_YAML_SYNTAX 3:10'] },
];

for (const c of cases) {
  test(`bad manifest ${c.file}`, () => {
    const res = bad(c.file);
    assert.equal(res.value, undefined);
    assert.deepEqual(res.diagnostics.map(brief), c.expect);
    c.messages?.forEach((m, i) => assert.ok(res.diagnostics[i]?.message.includes(m), `${res.diagnostics[i]?.message} ⊉ ${m}`));
    c.hints?.forEach((h, i) => h !== undefined && assert.ok(res.diagnostics[i]?.hint?.includes(h), `${res.diagnostics[i]?.hint} ⊉ ${h}`));
  });
}

test('a cwd that is not a directory is an error at cwd; an unreadable manifest is E_IO; loadManifest throws', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-manifest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'plugin.yaml');
  writeFileSync(file, 'name: x\ntype: input\ncommand: [node]\ncwd: nope\n');
  assert.deepEqual(readManifest(file).diagnostics.map(brief), ['E_INVALID_VALUE 4:6 cwd']);
  assert.deepEqual(readManifest(join(dir, 'missing.yaml')).diagnostics.map((d) => d.code), ['E_IO']);
  assert.throws(() => loadManifest(file), (e: unknown) => e instanceof ConfigError && e.message.includes(`${file}:4:6: cwd ${join(dir, 'nope')} is not a directory`));
});

test("a plugin's fields check its pipeline config like a built-in's", () => {
  const m = loadManifest(join(FIXTURES, 'manifests/good/sentiment/plugin.yaml'));
  assert.deepEqual(pluginSpec(m), { name: 'sentiment', kind: 'processor', summary: 'Scores text with a lexicon.', fields: m.fields });
  const catalog = createCatalog([{ name: 'drop', kind: 'output', fields: [] }, { name: 'stdin', kind: 'input', fields: [] }], [m]);
  const pipeline = (body: string) => `input:\n  stdin: {}\npipeline:\n  processors:\n    - sentiment:\n${body}output:\n  drop: {}\n`;
  const ok = checkStream(pipeline('        language: en\n        extra: [1, { a: b }]\n'), '/x/p.yaml', { catalog });
  assert.deepEqual(ok.diagnostics, []);
  assert.deepEqual(ok.value?.processors[0]?.config, { language: 'en', extra: [1, { a: 'b' }], lexicon: { good: new Double(1), bad: -1.5 }, threshold: new Double(0), stopwords: [] });
  const res = checkStream(pipeline('        langauge: en\n        threshold: high\n        lexicon: { good: yes }\n'), '/x/p.yaml', { catalog });
  // Fields without a default are required (extra has type unknown, but no default).
  assert.deepEqual(res.diagnostics.map(brief), [
    'E_MISSING_FIELD 5:7 pipeline.processors[0].sentiment.language',
    'E_MISSING_FIELD 5:7 pipeline.processors[0].sentiment.extra',
    'E_UNKNOWN_FIELD 6:9 pipeline.processors[0].sentiment.langauge',
    'E_WRONG_TYPE 7:20 pipeline.processors[0].sentiment.threshold',
    'E_WRONG_TYPE 8:26 pipeline.processors[0].sentiment.lexicon.good',
  ]);
  assert.equal(res.diagnostics[2]?.hint, "did you mean 'language'?");
});

test('instances on an input plugin loads with a warning naming the line, since an input runs one process', () => {
  const file = join(tmpdir(), 'plugin.yaml');
  const { value, diagnostics } = checkManifest('name: feed\ntype: input\ncommand: [node, main.js]\ninstances: 3\n', file);
  assert.equal(value?.instances, 3);
  assert.deepEqual(diagnostics.map((d) => `${d.severity} ${d.location?.line}:${d.location?.col} ${d.location?.path ?? ''}`), ['warning 4:12 instances']);
  assert.match(diagnostics[0]?.message ?? '', /ignored for an input plugin/);
  const proc = checkManifest('name: up\ntype: processor\ncommand: [node, main.js]\ninstances: 3\n', file);
  assert.deepEqual(proc.diagnostics, []);
});

test('plugin.yaml loads wherever Connect loads it: a field without type is unknown, unknown keys warn with a did-you-mean', () => {
  const file = join(tmpdir(), 'plugin.yaml');
  const text = [
    'name: feed', //                                   1
    'type: processor', //                              2
    'command: [python3, main.py]', //                  3
    'sumary: Reads things', //                         4  typo: warned, ignored
    'status: experimental', //                         5  a key hotplug does not know: warned, ignored
    'fields:', //                                      6
    '  - name: anything', //                           7  no type: unknown
    '  - name: limit', //                              8
    '    type: int', //                                9
    '    defualt: 3', //                               10 typo inside a field
    '    optional: true', //                           11
  ].join('\n');
  const { value, diagnostics } = checkManifest(`${text}\n`, file);
  assert.ok(value, JSON.stringify(diagnostics));
  assert.deepEqual(value.fields.map((f) => [f.name, f.type]), [['anything', 'unknown'], ['limit', 'int']]);
  assert.deepEqual(diagnostics.map((d) => `${d.severity} ${brief(d)}`), [
    'warning E_UNKNOWN_FIELD 4:1 sumary',
    'warning E_UNKNOWN_FIELD 5:1 status',
    'warning E_UNKNOWN_FIELD 10:5 fields[1].defualt',
    'warning E_UNKNOWN_FIELD 11:5 fields[1].optional',
  ]);
  assert.equal(diagnostics[0]?.hint, "did you mean 'summary'?");
  assert.equal(diagnostics[2]?.hint, "did you mean 'default'?");
  assert.match(diagnostics[1]?.message ?? '', /unknown field 'status' in plugin.yaml is ignored/);
  // An untyped field takes any value in a pipeline, typed the way its YAML reads.
  const catalog = createCatalog([{ name: 'drop', kind: 'output', fields: [] }, { name: 'stdin', kind: 'input', fields: [] }], [value]);
  const res = checkStream('input:\n  stdin: {}\npipeline:\n  processors:\n    - feed:\n        anything: { a: [1.0, x] }\n        limit: 2\noutput:\n  drop: {}\n', '/x/p.yaml', { catalog });
  assert.deepEqual(res.diagnostics, []);
  assert.deepEqual(res.value?.processors[0]?.config, { anything: { a: [new Double(1), 'x'] }, limit: 2 });
});
