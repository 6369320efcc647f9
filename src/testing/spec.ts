import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { ConfigError, ErrorCode, errorMessage, type Diagnostic, type Value } from '../core/index.js';
import { EXPECTATION_KEYS, conditionQuery, type MessageExpectation } from './conditions.js';

/** One input message of a test. */
export interface TestMessage {
  content?: string;
  json_content?: Value;
  metadata?: Record<string, Value>;
}

export interface TestCase {
  name: string;
  /** 1-based line of the case in its file, for failure reports. */
  line: number;
  input_batch: TestMessage[];
  /** Pipeline tests: several batches, run one after another through the same processors (Connect's `input_batches`). */
  input_batches?: TestMessage[][];
  output_batches?: MessageExpectation[][];
  /** Total number of output messages, across batches. */
  output_count?: number;
  /** The call itself must fail with an error containing this text. */
  expect_error?: string;
  /**
   * Pipeline tests: which processors the batch goes through, as in Redpanda
   * Connect: `/pipeline/processors` (default), `/input/processors`,
   * `/output/processors`, one of them by index (`/pipeline/processors/0`), or
   * the label of a processor resource.
   */
  target_processors?: string;
}

/**
 * What a test file tests, which decides what it may hold: a plugin test has
 * `config` and `tests`; a pipeline's `NAME.test.yaml` only `tests` (the
 * pipeline file is its config); `inline` reads the `tests` section of a
 * pipeline file and leaves its other keys to the pipeline loader.
 */
export type TestFileKind = 'plugin' | 'pipeline' | 'inline';

/** `target_processors`: a JSON pointer to a processor list (or one entry of it), or a processor resource's label. */
export const TARGET_POINTER = /^\/(input|pipeline|output)\/processors(?:\/(\d+))?$/;
const RESOURCE_LABEL = /^[A-Za-z0-9_-]+$/;

export interface TestFile {
  file: string;
  /** A plugin test's component config (checked against the manifest's fields). */
  config: Record<string, Value>;
  tests: TestCase[];
}

/** Test files: `*.test.yaml` / `*.test.yml`, next to a pipeline or inside a plugin's folder. */
export const isTestFile = (name: string): boolean => /\.test\.ya?ml$/.test(name);

const CASE_KEYS = new Set(['name', 'input_batch', 'output_batches', 'output_count', 'expect_error']);
const PIPELINE_CASE_KEYS = new Set(['name', 'input_batch', 'input_batches', 'output_batches', 'output_count', 'target_processors']);
const MSG_KEYS = new Set(['content', 'json_content', 'metadata']);

export async function loadTestFile(file: string, kind: TestFileKind = 'plugin'): Promise<TestFile> {
  const lc = new LineCounter();
  const doc = parseDocument(await readFile(file, 'utf8'), { lineCounter: lc });
  const diags: Diagnostic[] = [];
  const at = (node: Node | null | undefined, path: string, message: string, hint?: string): void => {
    const pos = node?.range ? lc.linePos(node.range[0]) : undefined;
    diags.push({ severity: 'error', code: ErrorCode.InvalidValue, message, hint, location: { file, line: pos?.line, col: pos?.col, path } });
  };
  for (const e of doc.errors) {
    diags.push({ severity: 'error', code: ErrorCode.YamlSyntax, message: e.message.split('\n')[0] ?? e.message, location: { file, line: e.linePos?.[0]?.line, col: e.linePos?.[0]?.col } });
  }
  if (diags.length) throw new ConfigError(diags);

  const root = doc.contents;
  if (!isMap(root)) {
    at(root, '', 'a test file must be a mapping with a `tests` list', 'see the README section "Testing plugins and pipelines"');
    throw new ConfigError(diags);
  }
  const js = doc.toJS() as { config?: unknown; tests?: unknown };
  if (kind !== 'inline') {
    for (const pair of root.items) {
      const key = String((pair.key as { value?: unknown })?.value);
      if (key === 'config' && kind === 'pipeline') at(pair.key as Node, key, 'a pipeline test has no `config`', 'the pipeline file next to it is the config; keep only `tests`');
      else if (key !== 'config' && key !== 'tests') at(pair.key as Node, key, `unknown field '${key}' in a test file`, kind === 'plugin' ? 'a test file has `config` (optional) and `tests`' : 'a pipeline test file has `tests`');
    }
  }
  const caseKeys = kind === 'plugin' ? CASE_KEYS : PIPELINE_CASE_KEYS;
  const config = (js.config ?? {}) as Record<string, Value>;
  const testsNode = root.get('tests', true) as Node | undefined;
  if (!isSeq(testsNode)) {
    at(testsNode ?? root, 'tests', 'missing `tests`: a list of test cases', 'add `tests: [{ name, input_batch, output_batches }]`');
    throw new ConfigError(diags);
  }
  const tests: TestCase[] = [];
  testsNode.items.forEach((item, i) => {
    const path = `tests[${i}]`;
    const node = item as Node;
    const line = node.range ? lc.linePos(node.range[0]).line : 0;
    if (!isMap(node)) return at(node, path, 'a test case must be a mapping');
    const c = (js.tests as Record<string, unknown>[])[i] as Record<string, unknown>;
    for (const k of Object.keys(c)) {
      if (k === 'expect_error' && kind !== 'plugin') {
        at(node.get(k, true) as Node, `${path}.${k}`, 'a pipeline test has no `expect_error`: a failing processor flags its messages, as in a running stream', 'expect the error on the messages: output_batches: [[{ error: "some text" }]]');
      } else if (!caseKeys.has(k)) at(node.get(k, true) as Node, `${path}.${k}`, `unknown field '${k}' in a test case`, `fields: ${[...caseKeys].join(', ')}`);
    }
    const target = c['target_processors'];
    if (target !== undefined && (typeof target !== 'string' || !(TARGET_POINTER.test(target) || RESOURCE_LABEL.test(target)))) {
      at(node.get('target_processors', true) as Node, `${path}.target_processors`, `target_processors must be a processor list's path or a processor resource's label, got ${JSON.stringify(target)}`, 'e.g. /pipeline/processors, /input/processors, /output/processors, /pipeline/processors/0, or a processor_resources label');
    }
    if (typeof c['name'] !== 'string') at(node, `${path}.name`, 'a test case needs a `name`');
    const input = c['input_batch'];
    const inputs = c['input_batches'];
    const checkBatch = (batch: unknown, where: string, example: string): void => {
      if (!Array.isArray(batch) || batch.length === 0) return at(node, where, `\`${where.replace(/^.*\./, '')}\` must be a non-empty list of messages`, `e.g. ${example}`);
      batch.forEach((m: unknown, j) => {
        if (typeof m !== 'object' || m === null) return at(node, `${where}[${j}]`, 'a message must be a mapping with `content` or `json_content`');
        for (const k of Object.keys(m)) if (!MSG_KEYS.has(k)) at(node, `${where}[${j}].${k}`, `unknown field '${k}' in an input message`, 'fields: content, json_content, metadata');
      });
    };
    if (inputs === undefined) checkBatch(input, `${path}.input_batch`, 'input_batch: [{ content: hello }]');
    else if (input !== undefined) at(node, `${path}.input_batches`, 'a test case has `input_batch` or `input_batches`, not both', 'use input_batches: [[...], [...]] for several batches');
    else if (!Array.isArray(inputs) || inputs.length === 0) at(node, `${path}.input_batches`, '`input_batches` must be a non-empty list of batches', 'e.g. input_batches: [[{ content: a }], [{ content: b }]]');
    else inputs.forEach((b: unknown, bi) => checkBatch(b, `${path}.input_batches[${bi}]`, 'input_batches: [[{ content: a }], [{ content: b }]]'));
    const outs = c['output_batches'];
    if (outs !== undefined) {
      if (!Array.isArray(outs) || !outs.every(Array.isArray)) {
        at(node, `${path}.output_batches`, '`output_batches` must be a list of batches, each a list of expectations', 'e.g. output_batches: [[{ content_equals: HELLO }]]');
      } else {
        outs.forEach((b: unknown[], bi) =>
          b.forEach((e, mi) => {
            for (const k of Object.keys(e as object)) {
              if (!(EXPECTATION_KEYS as readonly string[]).includes(k)) at(node, `${path}.output_batches[${bi}][${mi}].${k}`, `unknown condition '${k}'`, `conditions: ${EXPECTATION_KEYS.join(', ')}`);
            }
            const q = (e as MessageExpectation).bloblang;
            if (q !== undefined) {
              try {
                if (typeof q !== 'string') throw new Error('it must be a string');
                conditionQuery(q);
              } catch (err) {
                at(node, `${path}.output_batches[${bi}][${mi}].bloblang`, `invalid bloblang condition: ${errorMessage(err)}`, 'a query that returns true, e.g. this.count > 2');
              }
            }
          }),
        );
      }
    }
    tests.push({
      name: String(c['name'] ?? `test ${i + 1}`),
      line,
      input_batch: (input ?? []) as TestMessage[],
      ...(inputs !== undefined ? { input_batches: inputs as TestMessage[][] } : {}),
      output_batches: outs as MessageExpectation[][] | undefined,
      output_count: c['output_count'] as number | undefined,
      expect_error: c['expect_error'] as string | undefined,
      ...(typeof target === 'string' ? { target_processors: target } : {}),
    });
  });
  if (diags.length) throw new ConfigError(diags);
  return { file, config, tests };
}
