import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadDir, packLoad, unpackLoad, type DirConf, type ExprKind, type Recipe } from '../../src/config/index.js';
import type { ComponentConf, StreamConf } from '../../src/core/spec.js';
import type { Logger } from '../../src/core/index.js';
import { createHost } from '../../src/host/index.js';
import { createDirLoader } from '../../src/host/dir-loader.js';
import { bigPipeline } from '../helpers/big-pipeline.js';
import { FIXTURES, REPO, tree } from './helpers.js';

// The dev loader checks a functions dir on a worker thread and rebuilds the
// result here: it must be what an in-thread loadDir gives, class instances
// (schedules, whole-valued doubles) and shared components included, and its
// components must point at the same file:line:col.

const extra = {
  'cron.yaml': 'input:\n  generate:\n    mapping: root = count("c")\n    interval: "@every 5s"\npipeline:\n  processors:\n    - mapping: root = this\noutput:\n  broker:\n    outputs:\n      - resource: out\n      - drop: {}\noutput_resources:\n  - label: out\n    drop: {}\nrate_limit_resources:\n  - label: rl\n    local: { count: 2, interval: 1s }\n',
  'plug/plugin.yaml': 'name: plug\ntype: processor\ncommand: ["node", "main.js"]\nfields:\n  - name: ratio\n    type: float\n    default: 2\n',
  'plug/main.js': '',
  'uses.yaml': 'input:\n  http_server: { path: "/u/${! "x" }" }\npipeline:\n  processors:\n    - plug: { ratio: 3 }\n    - switch:\n        - check: this.a == 1\n          processors: [ { mapping: "root = 1.0" } ]\noutput:\n  sync_response: {}\n',
};

// Functions as 'fn', class instances with their class name: what a deep-equal would not tell apart.
function shape(x: unknown): unknown {
  if (typeof x === 'function') return 'fn';
  if (x instanceof Map) return ['Map', [...x].map(([k, v]) => [k, shape(v)])];
  if (Array.isArray(x)) return x.map(shape);
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = { $class: (x as object).constructor?.name ?? null };
    for (const k of Object.keys(x).sort()) out[k] = shape((x as Record<string, unknown>)[k]);
    return out;
  }
  return x;
}

function components(s: StreamConf): ComponentConf[] {
  const out: ComponentConf[] = [];
  const visit = (c: ComponentConf): void => {
    out.push(c);
    c.processors.forEach(visit);
    for (const v of Object.values((c.config ?? {}) as Record<string, unknown>)) for (const n of [v].flat()) if (n && typeof n === 'object' && 'locate' in n) visit(n as ComponentConf);
  };
  [s.input, ...s.processors, s.output, ...s.resources.outputs.values()].forEach(visit);
  return out;
}

// A loader whose log fails the test on its warning (the thread failed and the dir was loaded in-thread).
function offThreadLoader(t: { after(fn: () => Promise<void>): void }) {
  const host = createHost({ port: 0 });
  const log = { warn: (o: unknown, msg: string) => assert.fail(`${msg}: ${JSON.stringify(o)}`) } as unknown as Logger;
  const loader = createDirLoader({ options: host.loadOptions(), env: () => process.env, log });
  t.after(() => loader.close());
  return { host, loader };
}

const comparable = (d: DirConf) => ({ ...d, catalog: undefined, texts: undefined });

test('the off-thread loader gives what loadDir gives: streams, manifests, diagnostics, locations', async (t) => {
  const tmp = tree(t, extra);
  const { host, loader } = offThreadLoader(t);
  for (const dir of [join(FIXTURES, 'pipelines', 'good'), join(FIXTURES, 'pipelines', 'real', 'good'), join(REPO, 'functions'), tmp]) {
    const inThread = loadDir(dir, host.loadOptions());
    const offThread = await loader.load(dir);
    assert.deepEqual(shape(comparable(offThread)), shape(comparable(inThread)), dir);
    assert.ok(offThread.streams.length > 0, dir);
    for (const [i, s] of offThread.streams.entries()) {
      const want = components(inThread.streams[i]!);
      components(s).forEach((c, j) => {
        for (const rel of ['', ...Object.keys((c.config ?? {}) as object), 'no.such[3].field']) assert.deepEqual(c.locate(rel), want[j]!.locate(rel), `${s.id} ${c.location.path} ${rel}`);
      });
    }
  }
  const cron = (await loader.load(tmp)).streams.find((s) => s.id === 'cron')!;
  assert.equal((cron.input.config as { interval: object }).interval.constructor.name, 'EverySchedule');
  assert.equal(cron.output.config && (cron.output.config as { outputs: ComponentConf[] }).outputs[0]!.type, 'resource');
});

test('the off-thread loader compiles an expression again only when its source changed', async (t) => {
  const tmp = tree(t, extra);
  const { host, loader } = offThreadLoader(t);
  const mapping = async () => (await loader.load(tmp)).streams.find((s) => s.id === 'cron')!.processors[0]!.config;
  const first = await mapping();
  assert.equal(await mapping(), first, 'the same compiled mapping');
});

test('a big pipeline\'s frame stays small: its processors cross the thread as one list of chunk numbers, not one patch each', async (t) => {
  const tmp = tree(t, { 'big.yaml': bigPipeline(400 * 1024, '/big', 1) });
  const { host } = offThreadLoader(t);
  // Compiled expressions stand in as empty objects with their recipes, as the loader thread records them.
  const recipes = new WeakMap<object, Recipe>();
  const stand = (kind: ExprKind) => (source: string) => {
    const o = {};
    recipes.set(o, { expr: kind, source });
    return o;
  };
  const loaded = loadDir(tmp, { ...host.loadOptions(), expr: { interpolation: stand('interpolation'), query: stand('query'), mapping: stand('mapping') } });
  const processors = loaded.streams[0]!.processors.length;
  assert.ok(processors > 3000, `${processors} processors`);
  const packed = packLoad(loaded.streams, {}, loaded.texts, recipes);
  const [, frameBytes] = packed.chunks[packed.streams[0]!.frame]!;
  // 4 bytes a processor, plus the frame's own fields (one patch per processor was ~30 bytes each).
  assert.ok(frameBytes < processors * 4 + 4096, `the frame is ${frameBytes} bytes for ${processors} processors`);
  const { streams } = await unpackLoad(packed, { compile: () => ({}), parsers: [], pause: () => undefined });
  assert.equal(streams[0]!.processors.length, processors);
  assert.deepEqual(streams[0]!.processors.map((p) => p.location.path), loaded.streams[0]!.processors.map((p) => p.location.path));
});
