// Shared helpers for pipeline and host tests: hand-written stream configs and
// in-test components, so the runtime is tested on its own before (and apart
// from) the config loader.
import {
  type Batch,
  type ComponentConf,
  type ComponentKind,
  type InputDef,
  type OutputDef,
  type ProcessorDef,
  type StreamConf,
  createSilentLogger,
  Message,
} from '../../src/core/index.js';

export const log = createSilentLogger();

export function comp(kind: ComponentKind, type: string, config: unknown = {}, processors: ComponentConf[] = [], label?: string): ComponentConf {
  const location = { file: 'test.yaml', line: 1, col: 1 };
  return { kind, type, config, processors, location, locate: () => location, ...(label ? { label } : {}) };
}

export function streamConf(id: string, input: ComponentConf, processors: ComponentConf[], output: ComponentConf, threads = -1): StreamConf {
  return {
    id,
    file: `/tmp/${id}.yaml`,
    input,
    threads,
    processors,
    output,
    resources: { inputs: new Map(), processors: new Map(), outputs: new Map() },
  };
}

/** A processor that upper-cases payloads, optionally rejecting batches whose first payload is `fail`. */
export const upperDef: ProcessorDef = {
  spec: { name: 'test_upper', kind: 'processor', fields: [] },
  build: () => ({
    processBatch: (batch: Batch) => {
      if (batch[0]?.text() === 'fail') return Promise.reject(new Error('upper refused'));
      return Promise.resolve([batch.map((m) => m.derive(m.text().toUpperCase()))]);
    },
    close: () => Promise.resolve(),
  }),
};

/** Drops messages whose payload is `drop`. */
export const filterDef: ProcessorDef = {
  spec: { name: 'test_filter', kind: 'processor', fields: [] },
  build: () => ({
    processBatch: (batch: Batch) => {
      const kept = batch.filter((m) => m.text() !== 'drop');
      return Promise.resolve(kept.length > 0 ? [kept] : []);
    },
    close: () => Promise.resolve(),
  }),
};

/** Joins a batch into one message, payloads separated by newlines (like `archive: lines`); origin of the first. */
export const joinDef: ProcessorDef = {
  spec: { name: 'test_join', kind: 'processor', fields: [] },
  build: () => ({
    processBatch: (batch: Batch) => Promise.resolve([[(batch[0] as Message).derive(batch.map((m) => m.text()).join('\n'))]]),
    close: () => Promise.resolve(),
  }),
};

export interface Sink {
  batches: string[][];
  writes: number;
  /** When set, writes wait for this promise. */
  gate?: Promise<void> | undefined;
  /** When set, writes holding a message with this payload fail. */
  failOn?: string;
  inFlight: number;
  maxSeen: number;
  closed: boolean;
}

/** An output that records every batch it is given, by name, so tests can look at it. */
export function sinkDef(sinks: Map<string, Sink>): OutputDef {
  return {
    spec: { name: 'test_sink', kind: 'output', fields: [] },
    build: (conf) => {
      const name = (conf.config as { name?: string }).name ?? 'default';
      const maxInFlight = (conf.config as { max_in_flight?: number }).max_in_flight ?? 1;
      const sink: Sink = sinks.get(name) ?? { batches: [], writes: 0, inFlight: 0, maxSeen: 0, closed: false };
      sinks.set(name, sink);
      return {
        maxInFlight,
        connect: () => Promise.resolve(),
        writeBatch: async (batch: Batch) => {
          sink.inFlight++;
          sink.maxSeen = Math.max(sink.maxSeen, sink.inFlight);
          try {
            sink.writes++;
            if (sink.gate) await sink.gate;
            if (sink.failOn !== undefined && batch.some((m) => m.text() === sink.failOn)) throw new Error(`sink refused ${sink.failOn}`);
            sink.batches.push(batch.map((m) => m.text()));
            for (const m of batch) m.origin?.addResponse(m);
          } finally {
            sink.inFlight--;
          }
        },
        close: () => {
          sink.closed = true;
          return Promise.resolve();
        },
      };
    },
  };
}

/** An input that yields the given batches, then ends; records acks by batch index. */
export function listInputDef(acks: Map<number, string | undefined>): InputDef {
  return {
    spec: { name: 'test_list', kind: 'input', fields: [] },
    build: (conf) => {
      const batches = (conf.config as { batches: string[][] }).batches;
      let i = 0;
      return {
        connect: () => Promise.resolve(),
        readBatch: () => {
          if (i >= batches.length) return Promise.resolve(null);
          const idx = i++;
          const batch = (batches[idx] as string[]).map((t) => new Message(t));
          return Promise.resolve({
            batch,
            ack: (err?: Error) => {
              acks.set(idx, err?.message);
              return Promise.resolve();
            },
          });
        },
        close: () => Promise.resolve(),
      };
    },
  };
}

/** Polls `cond` until it holds or the deadline passes. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Replaces each payload with its metadata as a JSON object. */
export const metaDef: ProcessorDef = {
  spec: { name: 'test_meta', kind: 'processor', fields: [] },
  build: () => ({
    processBatch: (batch: Batch) => Promise.resolve([batch.map((m) => m.derive(JSON.stringify(Object.fromEntries(m.metadata))))]),
    close: () => Promise.resolve(),
  }),
};
