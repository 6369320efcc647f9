import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

// A functions dir with a TS plugin and pipelines that use it, tested with `hotplug test` as a user runs it.
const SHOUT_MANIFEST = `name: shout
type: processor
summary: Upper-cases a payload and adds an exclamation mark.
command: ["node", "main.ts"]
`;
const SHOUT_MAIN = `import { processor } from 'hotplug/sdk';
processor((msg) => msg.text().toUpperCase() + '!');
`;

// A mapping, then the plugin: tested by greet.test.yaml next to it.
const GREET = `input:
  http_server:
    path: /greet
pipeline:
  processors:
    - mapping: |
        root = "hello " + content().string()
        meta greeted = "yes"
    - shout: {}
output:
  sync_response: {}
`;
const GREET_TEST = `tests:
  - name: greets loudly
    input_batch:
      - content: ann
        metadata: { request_id: r1 }
    output_batches:
      - - content_equals: HELLO ANN!
          metadata_equals: { greeted: "yes", request_id: r1 }
          error: false
  - name: every message of a batch
    input_batch:
      - content: bo
      - content: cy
    output_count: 2
    output_batches:
      - - content_contains: BO
        - content_matches: '^HELLO CY!$'
`;

// Redpanda Connect style: the tests live in the pipeline file, and target_processors picks the processors.
const INLINE = `input:
  http_server:
    path: /tidy
  processors:
    - mapping: 'root = content().string().trim()'
pipeline:
  processors:
    - resource: tidy
    - shout: {}
    - label: describe
      mapping: |
        root.text = content().string()
        root.length = content().string().length()
output:
  drop: {}
processor_resources:
  - label: tidy
    mapping: 'root = content().string().replace_all("_", " ")'
tests:
  - name: the pipeline's processors (the default target)
    input_batch:
      - content: good_morning
        metadata: { lang: en }
    output_batches:
      - - json_equals: { text: "GOOD MORNING!", length: 13 }
          json_contains: { length: 13 }
          metadata_equals: { lang: en }
  - name: the input's processors
    target_processors: /input/processors
    input_batch:
      - content: '  padded  '
    output_batches:
      - - content_equals: padded
  - name: a processor resource by its label
    target_processors: tidy
    input_batch: [{ content: a_b }]
    output_batches: [[{ content_equals: a b }]]
  - name: one processor by its index
    target_processors: /pipeline/processors/1
    input_batch: [{ content: x }, { content: y }]
    output_batches: [[{ content_equals: X! }, { content_equals: Y! }]]
  - name: several batches, in order
    target_processors: /pipeline/processors/1
    input_batches: [[{ content: a }], [{ content: b }, { content: c }]]
    output_batches: [[{ content_equals: A! }], [{ content_equals: B! }, { content_equals: C! }]]
  - name: a labelled processor
    target_processors: describe
    input_batch: [{ content: abc }]
    output_batches: [[{ json_equals: { text: abc, length: 3 }, bloblang: 'this.length == 3 && this.text.uppercase() == "ABC"' }]]
`;

// Wrong on purpose: the expectation misses the plugin's "!", and the mapping fails on a non-JSON payload.
const BROKEN = `input:
  http_server:
    path: /broken
pipeline:
  processors:
    - shout: {}
    - mapping: 'root = this.name'
output:
  drop: {}
`;
const BROKEN_TEST = `tests:
  - name: forgets the exclamation mark
    target_processors: /pipeline/processors/0
    input_batch: [{ content: hi }]
    output_batches: [[{ content_equals: HI }]]
  - name: json in, field out
    input_batch: [{ json_content: { name: zed } }]
    output_batches: [[{ content_equals: ZED }]]
  - name: no such index
    target_processors: /pipeline/processors/5
    input_batch: [{ content: hi }]
  - name: no such resource
    target_processors: tidy
    input_batch: [{ content: hi }]
`;

function functionsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-pipeline-tests-'));
  mkdirSync(join(dir, 'shout'));
  writeFileSync(join(dir, 'shout', 'plugin.yaml'), SHOUT_MANIFEST);
  writeFileSync(join(dir, 'shout', 'main.ts'), SHOUT_MAIN);
  writeFileSync(join(dir, 'greet.yaml'), GREET);
  writeFileSync(join(dir, 'greet.test.yaml'), GREET_TEST);
  writeFileSync(join(dir, 'inline.yaml'), INLINE);
  return dir;
}

test('hotplug test runs a pipeline test file and a pipeline\'s own tests: section through the real plugin', { timeout: 180_000 }, async (t) => {
  const dir = functionsDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runCli(['test', dir], { timeoutMs: 150_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const name of ['greets loudly', 'every message of a batch']) assert.match(r.stdout, new RegExp(`^ok   .*greet\\.test\\.yaml:\\d+ › ${name}$`, 'm'));
  for (const name of ["the pipeline's processors \\(the default target\\)", "the input's processors", 'a processor resource by its label', 'one processor by its index', 'several batches, in order', 'a labelled processor']) {
    assert.match(r.stdout, new RegExp(`^ok   .*inline\\.yaml:\\d+ › ${name}$`, 'm'));
  }
  assert.match(r.stdout, /^8 passed, 0 failed$/m);

  // Named on its own, a pipeline finds its plugins in its own folder.
  const one = await runCli(['test', join(dir, 'greet.yaml')], { timeoutMs: 150_000 });
  assert.equal(one.code, 0, one.stdout + one.stderr);
  assert.match(one.stdout, /^2 passed, 0 failed$/m);
});

test('a failing pipeline test prints a diff, the summary and exits 1', { timeout: 180_000 }, async (t) => {
  const dir = functionsDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'broken.yaml'), BROKEN);
  writeFileSync(join(dir, 'broken.test.yaml'), BROKEN_TEST);
  const r = await runCli(['test', dir], { timeoutMs: 150_000 });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^FAIL .*broken\.test\.yaml:2 › forgets the exclamation mark\n {2}batch 0, message 0: content_equals\n {6}expected: "HI"\n {6}actual: {3}"HI!"$/m);
  // The plugin's "!" makes the payload invalid JSON for the mapping: the diff shows it, and the error that explains it.
  assert.match(r.stdout, /^FAIL .*broken\.test\.yaml:6 › json in, field out\n {2}batch 0, message 0: content_equals\n {6}expected: "ZED"\n {6}actual: {3}".*ZED.*!"\n {2}note: batch 0, message 0 carries an error: .+$/m);
  assert.match(r.stdout, /^FAIL .*broken\.test\.yaml:9 › no such index\n {2}cannot build target_processors \/pipeline\/processors\/5: pipeline has 2 processors, so there is no index 5$/m);
  assert.match(r.stdout, /^FAIL .*broken\.test\.yaml:12 › no such resource\n {2}cannot build target_processors tidy: no processor resource or labelled processor named "tidy"$/m);
  assert.match(r.stdout, /^8 passed, 4 failed$/m);
});

test('pipeline test files are checked: config, expect_error and a bad target_processors are pointed at', { timeout: 60_000 }, async (t) => {
  const dir = functionsDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'greet.test.yaml'),
    `config: {}
tests:
  - name: bad
    target_processors: pipeline.processors
    expect_error: boom
    input_batch: [{ content: x }]
`,
  );
  const r = await runCli(['test', join(dir, 'greet.test.yaml')], { timeoutMs: 50_000 });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /FAIL .*greet\.test\.yaml: could not run/);
  assert.match(r.stdout, /greet\.test\.yaml:1:1.*a pipeline test has no `config`/);
  assert.match(r.stdout, /greet\.test\.yaml:4:\d+.*target_processors must be/);
  assert.match(r.stdout, /greet\.test\.yaml:5:\d+.*no `expect_error`/);
  assert.match(r.stdout, /^0 passed, 1 failed$/m);
});

test('hotplug test reads the functions dir\'s .env (or --env-file) for ${VAR} and every plugin\'s environment; the real environment wins; a bad line fails at file:line', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-test-env-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'suffix'));
  writeFileSync(join(dir, 'suffix', 'plugin.yaml'), 'name: suffix\ntype: processor\ncommand: ["node", "main.ts"]\n');
  writeFileSync(join(dir, 'suffix', 'main.ts'), "import { processor } from 'hotplug/sdk';\nprocessor((msg) => msg.text() + (process.env.SUFFIX ?? '<unset>'));\n");
  writeFileSync(join(dir, 'hi.yaml'), 'input:\n  http_server:\n    path: /hi\npipeline:\n  processors:\n    - mapping: \'root = "${GREETING} " + content().string()\'\n    - suffix: {}\noutput:\n  sync_response: {}\n');
  writeFileSync(join(dir, 'hi.test.yaml'), 'tests:\n  - name: greets from the env file\n    input_batch: [{ content: ann }]\n    output_batches: [[{ content_equals: "howdy ann!" }]]\n');
  writeFileSync(join(dir, '.env'), 'GREETING=howdy\nSUFFIX=!\n');
  const r = await runCli(['test', dir], { timeoutMs: 150_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^1 passed, 0 failed$/m);

  // The real environment wins over the file.
  const real = await runCli(['test', dir], { timeoutMs: 150_000, env: { ...process.env, GREETING: 'hello' } });
  assert.equal(real.code, 1, real.stdout + real.stderr);
  assert.match(real.stdout, /actual: {3}"hello ann!"/);

  // --env-file replaces the default .env.
  const other = join(dir, 'other.env');
  writeFileSync(other, 'GREETING=hey\nSUFFIX=?\n');
  writeFileSync(join(dir, 'hi.test.yaml'), 'tests:\n  - name: greets from --env-file\n    input_batch: [{ content: ann }]\n    output_batches: [[{ content_equals: "hey ann?" }]]\n');
  const flagged = await runCli(['test', dir, '--env-file', other], { timeoutMs: 150_000 });
  assert.equal(flagged.code, 0, flagged.stdout + flagged.stderr);

  // A malformed line: no tests run, the error names the file and line.
  writeFileSync(join(dir, '.env'), 'GREETING=howdy\nnot a variable line\n');
  const bad = await runCli(['test', dir], { timeoutMs: 60_000 });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, new RegExp(`${join(dir, '.env').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:`));
  assert.match(bad.stderr, /no tests run/);
});
