import { relative, sep } from 'node:path';
import { ConfigError, errorMessage, type Batch, type ComponentConf, type Logger, type StreamConf } from '../core/index.js';
import { createCatalog, discover, readStream, type EnvLookup } from '../config/index.js';
import { buildProcessors, runProcessors, type BuiltProcessors } from '../pipeline/index.js';
import { compareOutput, loadTestFile, toMessage, TARGET_POINTER, type CaseResult, type TestCase, type TestTarget } from '../testing/index.js';
import { createHost } from './create.js';
import { type Host, withPluginEnv } from './host.js';

export interface PipelineTestOptions {
  log: Logger;
  /** Where the SDKs live (default: this package), as for the plugin runtime. */
  repoRoot?: string;
  /** `${VAR}` lookups (default: process.env) and env files' values for every plugin's environment, as `dev` has them. */
  env?: EnvLookup;
  pluginEnv?: Record<string, string>;
}

/**
 * Runs a pipeline's tests, from its `NAME.test.yaml` or its own `tests:`
 * section, the way Redpanda Connect's config unit tests do: each case's
 * input batch (or each of its `input_batches`, in order) goes through the
 * stream's processors at `target_processors` (default `/pipeline/processors`)
 * and the batches that come out are compared with the expectations.
 * Processors are built by the same builder, registry and plugin runtime as
 * `hotplug run` (plugins are real subprocesses, found in `target.root`); the
 * input and output are not built, so nothing listens. A processor that fails
 * flags its messages, as in a running stream.
 */
export async function runPipelineTests(target: Required<TestTarget>, opts: PipelineTestOptions): Promise<CaseResult[]> {
  const tf = await loadTestFile(target.file, target.file === target.target ? 'inline' : 'pipeline');
  const host = createHost({
    log: opts.log,
    ...(opts.env && { env: opts.env }),
    ...(opts.pluginEnv && { pluginEnv: opts.pluginEnv }),
    plugins: { initRetryMs: 0, ...(opts.repoRoot ? { repoRoot: opts.repoRoot } : {}) },
  });
  // Built once per target and shared by the cases that name it (as plugin tests share their plugin
  // process): a case costs a batch, not a plugin start. Stateful processors see earlier cases' batches.
  const built = new Map<string, BuiltProcessors>();
  try {
    const conf = loadPipeline(target, host, opts.pluginEnv);
    const results: CaseResult[] = [];
    for (const tc of tf.tests) {
      const result = { file: tf.file, name: tc.name, line: tc.line };
      const where = tc.target_processors ?? '/pipeline/processors';
      let procs = built.get(where);
      try {
        if (!procs) {
          procs = buildProcessors(conf, { registry: host.registry, log: host.log, metrics: host.metrics }, resolveTarget(conf, where));
          built.set(where, procs);
        }
      } catch (err) {
        results.push({ ...result, failures: [`cannot build target_processors ${where}: ${errorMessage(err)}`] });
        continue;
      }
      results.push({ ...result, failures: await runCase(tc, procs) });
    }
    return results;
  } finally {
    await Promise.allSettled([...built.values()].map((b) => b.close()));
    await host.stop();
  }
}

/** The pipeline's config, checked against the built-ins and the plugins of its functions dir (registered with the host). */
function loadPipeline(target: Required<TestTarget>, host: Host, pluginEnv: Record<string, string> | undefined): StreamConf {
  const { builtins, env, expr } = host.loadOptions();
  const manifests = discover(target.root).manifests;
  for (const m of manifests) host.plugins.register(withPluginEnv(m, pluginEnv));
  const id = relative(target.root, target.target).replace(/\.ya?ml$/, '').split(sep).join('/');
  const res = readStream(target.target, { catalog: createCatalog(builtins, manifests), id, ...(env && { env }), ...(expr && { expr }) });
  if (!res.value) throw new ConfigError(res.diagnostics.filter((d) => d.severity === 'error'));
  return res.value;
}

/** Which processor configs `target_processors` names; throws with the choices when it names none. */
export function resolveTarget(conf: StreamConf, where: string): ComponentConf[] | { resource: string } {
  const m = TARGET_POINTER.exec(where);
  if (!m) {
    if (conf.resources.processors.has(where)) return { resource: where };
    const labelled = [...conf.input.processors, ...conf.processors, ...conf.output.processors].find((p) => p.label === where);
    if (labelled) return [labelled];
    const labels = [...conf.resources.processors.keys()];
    throw new Error(`no processor resource or labelled processor named "${where}"${labels.length ? ` (resources: ${labels.join(', ')})` : ''}`);
  }
  const section = m[1] as 'input' | 'pipeline' | 'output';
  const list = section === 'pipeline' ? conf.processors : conf[section].processors;
  if (m[2] === undefined) return list;
  const i = Number(m[2]);
  const one = list[i];
  if (!one) throw new Error(`${section} has ${list.length} processor${list.length === 1 ? '' : 's'}, so there is no index ${i}`);
  return [one];
}

async function runCase(tc: TestCase, procs: BuiltProcessors): Promise<string[]> {
  const out: Batch[] = [];
  try {
    for (const batch of tc.input_batches ?? [tc.input_batch]) out.push(...(await runProcessors(procs.processors, batch.map(toMessage))));
  } catch (err) {
    return [`the processors failed: ${errorMessage(err)}`];
  }
  return compareOutput(tc, out, undefined);
}
