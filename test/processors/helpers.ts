import { Message, createSilentLogger, type Logger, type Value, type Batch, type BuildContext, type ComponentConf, type Processor, type ProcessorDef } from '../../src/core/index.js';
import { batchProcessorDefs } from '../../src/pipeline/processors/index.js';
import type { Interpolation, Mapping, Query } from '../../src/expr/index.js';

/**
 * Pure-unit scaffolding: hand-built ComponentConf objects (as the config
 * loader would hand them over) and a BuildContext over the batch processor
 * defs plus a few fake children. Pipeline tests go through the real loader.
 */
export function conf(type: string, config: unknown): ComponentConf {
  const location = { file: 'test.yaml', line: 1, col: 1, path: type };
  return { kind: 'processor', type, config, processors: [], location, locate: (path) => ({ ...location, path: `${type}.${path}` }) };
}

/** Fake children for composite processors. */
export const fakes: Record<string, ProcessorDef> = {
  upper: simple((b) => [b.map((m) => withText(m, m.text().toUpperCase()))]),
  append: {
    spec: { name: 'append', kind: 'processor', value: { name: 'append', type: 'string' } },
    build: (c) => plain(async (b) => [b.map((m) => withText(m, m.text() + (c.config as string)))]),
  },
  drop: simple(() => []),
  reject: simple(() => {
    throw new Error('rejected');
  }),
  /** Flags messages whose text matches the config regex. */
  fail_if: {
    spec: { name: 'fail_if', kind: 'processor', value: { name: 'fail_if', type: 'string' } },
    build: (c) =>
      plain(async (b) => {
        for (const m of b) if (new RegExp(c.config as string).test(m.text())) m.error = `failed on ${m.text()}`;
        return [b];
      }),
  },
  /** Fails each distinct payload on its first N runs, then succeeds (a flaky downstream). */
  flaky: {
    spec: { name: 'flaky', kind: 'processor', value: { name: 'flaky', type: 'int' } },
    build: (c) => {
      const runs = new Map<string, number>();
      return plain(async (b) => [
        b.map((m) => {
          const n = (runs.get(m.text()) ?? 0) + 1;
          runs.set(m.text(), n);
          const out = m.copy();
          if (n <= (c.config as number)) out.error = `attempt ${n} failed`;
          else out.metadata.set('attempts', n);
          return out;
        }),
      ]);
    },
  },
  /** Records the batches it sees (by text) into the config array, passing them on. */
  record: {
    spec: { name: 'record', kind: 'processor', value: { name: 'record', type: 'unknown' } },
    build: (c) =>
      plain(async (b) => {
        (c.config as string[][]).push(b.map((m) => m.text()));
        return [b];
      }),
  },
};
for (const [name, def] of Object.entries(fakes)) def.spec.name = name;

export interface TestContext extends BuildContext {
  /** Types of processors closed so far, in order. */
  closed: string[];
}

export function createTestContext(resources: Record<string, Processor> = {}, log: Logger = createSilentLogger()): TestContext {
  const defs = new Map<string, ProcessorDef>([...batchProcessorDefs, ...Object.values(fakes)].map((d) => [d.spec.name, d]));
  const closed: string[] = [];
  const buildOne = (cf: ComponentConf): Processor => {
    const def = defs.get(cf.type);
    if (!def) throw new Error(`unknown processor ${cf.type}`);
    const p = def.build(cf, ctx);
    return {
      processBatch: (b) => p.processBatch(b),
      close: () => {
        closed.push(cf.type);
        return p.close();
      },
    };
  };
  const ctx: TestContext = {
    streamId: 'test',
    log,
    closed,
    buildProcessors: (confs) => confs.map(buildOne),
    buildInput: () => {
      throw new Error('no inputs in processor units');
    },
    buildOutput: () => {
      throw new Error('no outputs in processor units');
    },
    resourceProcessor(name) {
      const p = resources[name];
      if (!p) throw new Error(`no processor resource named ${name}`);
      return p;
    },
  };
  return ctx;
}

export function build(type: string, config: unknown, ctx: BuildContext = createTestContext()): Processor {
  return ctx.buildProcessors([conf(type, config)])[0] as Processor;
}

export function batchOf(...texts: string[]): Batch {
  return texts.map((t) => new Message(t));
}

export function textsOf(batches: Batch[]): string[][] {
  return batches.map((b) => b.map((m) => m.text()));
}

export function query(fn: (batch: Batch, index: number) => Value): Query {
  return { evaluate: fn };
}

/** An interpolation from a plain function, for cases a real expression cannot stage (a throw on one message). */
export function interp(fn: (batch: Batch, index: number) => string): Interpolation {
  return { isStatic: false, str: fn, bytes: (b, i) => Buffer.from(fn(b, i)) };
}

export function mapping(fn: (batch: Batch, index: number) => Message | null): Mapping {
  return { apply: fn };
}

function withText(m: Message, text: string): Message {
  const out = m.copy();
  out.setBytes(text);
  return out;
}

function plain(processBatch: (b: Batch) => Promise<Batch[]>): Processor {
  return { processBatch, close: async () => {} };
}

function simple(fn: (b: Batch) => Batch[]): ProcessorDef {
  return { spec: { name: '', kind: 'processor' }, build: () => plain(async (b) => fn(b)) };
}
