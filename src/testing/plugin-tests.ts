import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, Message, errorMessage, type Batch, type Logger, type Value } from '../core/index.js';
import { checkConfigAt, loadManifest, pluginSpec } from '../config/index.js';
import { createPluginRuntime } from '../plugin/index.js';
import { compareOutput } from './compare.js';
import type { TestCase, TestFile, TestMessage } from './spec.js';

/** The outcome of one test case. */
export interface CaseResult {
  file: string;
  name: string;
  line: number;
  failures: string[];
}

export function toMessage(t: TestMessage): Message {
  const meta = new Map<string, Value>(Object.entries(t.metadata ?? {}));
  return t.json_content !== undefined ? Message.structured(t.json_content, meta) : new Message(t.content ?? '', meta);
}

/** How many batches an input test reads: as many as it expects, or enough for output_count. */
function batchesWanted(tc: TestCase): number {
  return tc.output_batches?.length ?? Math.max(1, tc.output_count ?? 1);
}

/**
 * Runs a plugin's test file through the real plugin process: the config is
 * checked against the manifest's fields, then each case's batch goes to the
 * plugin as the host would send it. Processors: ProcessBatch. Inputs: the
 * batches read (input_batch is ignored). Outputs: Send must succeed or fail
 * as expected.
 */
export async function runPluginTests(pluginDir: string, tf: TestFile, opts: { log: Logger; repoRoot?: string; pluginEnv?: Record<string, string> }): Promise<CaseResult[]> {
  const loaded = loadManifest(join(pluginDir, 'plugin.yaml'));
  // Env files' values reach the plugin's environment as under `dev`; the manifest's own `env:` wins.
  const manifest = opts.pluginEnv ? { ...loaded, env: { ...opts.pluginEnv, ...loaded.env } } : loaded;
  const checked = checkConfigAt(await readFile(tf.file, 'utf8'), tf.file, 'config', pluginSpec(manifest));
  if (!checked.value) throw new ConfigError(checked.diagnostics);
  const config = checked.value as Value;
  const runtime = createPluginRuntime({ log: opts.log, ...(opts.repoRoot ? { repoRoot: opts.repoRoot } : {}), initRetryMs: 0 });
  const results: CaseResult[] = [];
  try {
    const signal = AbortSignal.timeout(60_000);
    if (manifest.type === 'processor') {
      const proc = runtime.processor(manifest, config);
      for (const tc of tf.tests) {
        let out: Batch[] | undefined;
        let err: string | undefined;
        try {
          out = await proc.processBatch(tc.input_batch.map(toMessage));
        } catch (e) {
          err = errorMessage(e);
        }
        results.push({ file: tf.file, name: tc.name, line: tc.line, failures: compareOutput(tc, out, err) });
      }
    } else if (manifest.type === 'input') {
      for (const tc of tf.tests) {
        // Each case reads from a fresh input, so cases don't depend on each other's order.
        const input = runtime.input(manifest, config);
        const out: Batch[] = [];
        let err: string | undefined;
        try {
          await input.connect(signal);
          for (let i = 0; i < batchesWanted(tc); i++) {
            const r = await input.readBatch(signal);
            if (!r) break;
            out.push(r.batch);
            await r.ack();
          }
        } catch (e) {
          err = errorMessage(e);
        } finally {
          await input.close();
        }
        results.push({ file: tf.file, name: tc.name, line: tc.line, failures: compareOutput(tc, out, err) });
      }
    } else {
      const output = runtime.output(manifest, config);
      await output.connect(signal);
      for (const tc of tf.tests) {
        let err: string | undefined;
        try {
          await output.writeBatch(tc.input_batch.map(toMessage));
        } catch (e) {
          err = errorMessage(e);
        }
        const failures = tc.output_batches || tc.output_count !== undefined ? ['an output test has no output_batches/output_count: use expect_error, or nothing to expect success'] : compareOutput(tc, [], err);
        results.push({ file: tf.file, name: tc.name, line: tc.line, failures });
      }
    }
  } finally {
    await runtime.close();
  }
  return results;
}
