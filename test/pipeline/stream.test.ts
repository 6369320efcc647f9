import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Batch, InputDef, ProcessorDef } from '../../src/core/index.js';
import { HotplugError, Message, createPacer } from '../../src/core/index.js';
import { compileMapping } from '../../src/expr/index.js';
import { Metrics, buildStream, buildStreamSliced, createRegistry } from '../../src/pipeline/index.js';
import { type Sink, comp, listInputDef, log, sinkDef, streamConf, until, upperDef, filterDef } from './helpers.js';

function env(extra: Array<InputDef | ProcessorDef> = [], maxInFlight?: number) {
  const sinks = new Map<string, Sink>();
  const acks = new Map<number, string | undefined>();
  const registry = createRegistry().add(sinkDef(sinks)).add(listInputDef(acks)).add(upperDef).add(filterDef);
  for (const d of extra) registry.add(d);
  const metrics = new Metrics();
  return { sinks, acks, metrics, env: { registry, log, metrics, ...(maxInFlight ? { maxInFlight } : {}) } };
}

test('at-least-once: delivered and filtered batches are acked, failed deliveries nacked', async () => {
  const e = env();
  const conf = streamConf(
    'acks',
    comp('input', 'test_list', { batches: [['a'], ['drop'], ['bad'], ['b', 'drop']] }),
    [comp('processor', 'test_filter')],
    comp('output', 'test_sink', { name: 'acks' }),
  );
  e.sinks.set('acks', { batches: [], writes: 0, inFlight: 0, maxSeen: 0, closed: false, failOn: 'bad' });
  const { stream } = buildStream(conf, e.env);
  await stream.start();
  await until(() => stream.state() === 'stopped', 'the input ends and the stream drains');
  assert.deepEqual([...e.acks.entries()].sort(), [
    [0, undefined],
    [1, undefined],
    [2, 'sink refused bad'],
    [3, undefined],
  ]);
  assert.deepEqual(e.sinks.get('acks')!.batches, [['a'], ['b']]);
});

test('backpressure: a stalled output stops intake at maxInFlight batches', async () => {
  let reads = 0;
  const endless: InputDef = {
    spec: { name: 'test_endless', kind: 'input', fields: [] },
    build: () => ({
      connect: () => Promise.resolve(),
      readBatch: (signal) => {
        if (signal.aborted) return Promise.resolve(null);
        reads++;
        return Promise.resolve({ batch: [new Message(`m${reads}`)], ack: () => Promise.resolve() });
      },
      close: () => Promise.resolve(),
    }),
  };
  const e = env([endless], 16);
  let open!: () => void;
  e.sinks.set('bp', { batches: [], writes: 0, inFlight: 0, maxSeen: 0, closed: false, gate: new Promise<void>((r) => (open = r)) });
  const { stream } = buildStream(streamConf('bp', comp('input', 'test_endless'), [], comp('output', 'test_sink', { name: 'bp', max_in_flight: 4 })), e.env);
  await stream.start();
  await until(() => reads >= 16, 'intake fills the window');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(reads, 16, 'no read beyond the in-flight bound while the output is stalled');
  assert.equal(e.sinks.get('bp')!.maxSeen, 4, 'output max_in_flight respected');
  open();
  e.sinks.get('bp')!.gate = undefined;
  await until(() => reads > 100, 'intake resumes once acks flow');
  await stream.stop();
  assert.equal(stream.state(), 'stopped');
  assert.equal(stream.stop(), stream.stop(), "stop is idempotent: the first call's promise");
  assert.deepEqual(await stream.stop(), { timedOut: false, nacked: 0 });
});

test('pipeline.threads bounds concurrent processing; -1 lets every in-flight batch be processed at once', async () => {
  let active = 0;
  let peak = 0;
  const slow: ProcessorDef = {
    spec: { name: 'test_slow', kind: 'processor', fields: [] },
    build: () => ({
      processBatch: async (b: Batch) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 20));
        active--;
        return [b];
      },
      close: () => Promise.resolve(),
    }),
  };
  for (const [threads, expected] of [
    [2, 2],
    [-1, 10],
  ] as const) {
    peak = 0;
    const e = env([slow]);
    const batches = Array.from({ length: 10 }, (_, i) => [`m${i}`]);
    const conf = streamConf('threads', comp('input', 'test_list', { batches }), [comp('processor', 'test_slow')], comp('output', 'test_sink', { name: 't', max_in_flight: 10 }), threads);
    const { stream } = buildStream(conf, e.env);
    await stream.start();
    await until(() => stream.state() === 'stopped', 'done');
    assert.equal(peak, expected, `threads ${threads}`);
    assert.equal(e.sinks.get('t')!.batches.length, 10);
  }
});

test('generate: count messages in batches, nacked batches replayed, then the input ends', async () => {
  const e = env();
  const mapping = compileMapping('root = "tick"');
  e.sinks.set('gen', { batches: [], writes: 0, inFlight: 0, maxSeen: 0, closed: false });
  const sink = e.sinks.get('gen')!;
  sink.failOn = 'tick';
  const conf = streamConf('gen', comp('input', 'generate', { mapping, interval: 0, count: 5, batch_size: 2 }), [], comp('output', 'test_sink', { name: 'gen' }), 1);
  const { stream } = buildStream(conf, e.env);
  void until(() => sink.writes >= 1, 'first write failed').then(() => (sink.failOn = undefined));
  await stream.start();
  await until(() => stream.state() === 'stopped', 'generate ends after count');
  assert.equal(sink.batches.flat().length, 5, 'every generated message delivered once the output recovers');
  assert.deepEqual(sink.batches.map((b) => b.length).sort(), [1, 2, 2]);
  assert.ok(sink.writes > 3, 'the nacked batch was replayed');
});

test('broker input merges children into batches by its policy; broker output fans out', async () => {
  const e = env();
  const conf = streamConf(
    'broker',
    comp('input', 'broker', {
      inputs: [comp('input', 'test_list', { batches: [['a'], ['b']] }), comp('input', 'test_list', { batches: [['c']] }, [comp('processor', 'test_upper')])],
      batching: { count: 3 },
    }),
    [],
    comp('output', 'broker', {
      pattern: 'fan_out',
      outputs: [comp('output', 'test_sink', { name: 'one' }), comp('output', 'test_sink', { name: 'two', batching: { count: 10 } })],
    }),
  );
  const { stream } = buildStream(conf, e.env);
  await stream.start();
  await until(() => stream.state() === 'stopped', 'children end, broker drains');
  const one = e.sinks.get('one')!.batches;
  assert.equal(one.length, 1, 'one merged batch');
  assert.deepEqual([...(one[0] ?? [])].sort(), ['C', 'a', 'b'].sort());
  assert.deepEqual(e.sinks.get('two')!.batches.map((b) => [...b].sort()), [['C', 'a', 'b'].sort()], 'flushed at shutdown');
  assert.equal(e.acks.size, 2, 'acks reached the children (two list inputs share the map by index)');
  assert.ok([...e.acks.values()].every((v) => v === undefined));
});

test('broker output round_robin alternates; fan_out_sequential writes in order', async () => {
  const e = env();
  const batches = [['1'], ['2'], ['3'], ['4']];
  const rr = streamConf('rr', comp('input', 'test_list', { batches }), [], comp('output', 'broker', { pattern: 'round_robin', outputs: [comp('output', 'test_sink', { name: 'r1' }), comp('output', 'test_sink', { name: 'r2' })] }), 1);
  const { stream } = buildStream(rr, e.env);
  await stream.start();
  await until(() => stream.state() === 'stopped', 'done');
  assert.equal(e.sinks.get('r1')!.batches.length, 2);
  assert.equal(e.sinks.get('r2')!.batches.length, 2);
});

test('an output\'s own batch policy (a plugin\'s Init answer) always applies, as on Connect', async () => {
  const written: string[][] = [];
  const own: import('../../src/core/index.js').OutputDef = {
    spec: { name: 'test_own_policy', kind: 'output', fields: [] },
    build: () => ({
      batchPolicy: { count: 3 },
      connect: () => Promise.resolve(),
      writeBatch: (b: Batch) => {
        written.push(b.map((m) => m.text()));
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    }),
  };
  const e = env();
  e.env.registry.add(own);
  const batches = [['a'], ['b'], ['c'], ['d']];
  const run = async (output: ReturnType<typeof comp>) => {
    written.length = 0;
    const { stream } = buildStream(streamConf('own', comp('input', 'test_list', { batches }), [], output, 1), e.env);
    await stream.start();
    await until(() => stream.state() === 'stopped', 'done');
    return written.map((b) => b.length);
  };
  assert.deepEqual(await run(comp('output', 'test_own_policy')), [3, 1], "the output's count of 3, then the rest at shutdown");
  assert.deepEqual(await run(comp('output', 'test_own_policy', { batching: { count: 2 } })), [3, 1], "the output's own policy wins over the YAML's count");
});

test('a big stream built in slices: the event loop gets turns, and the stream runs as the one-piece build does', async () => {
  const e = env();
  const conf = streamConf(
    'sliced',
    comp('input', 'test_list', { batches: [['a'], ['drop'], ['b']] }),
    Array.from({ length: 3000 }, (_, i) => comp('processor', i % 2 === 0 ? 'test_filter' : 'test_upper')),
    comp('output', 'test_sink', { name: 'sliced' }),
  );
  e.sinks.set('sliced', { batches: [], writes: 0, inFlight: 0, maxSeen: 0, closed: false });
  const loop = countTurns();
  // sliceMs 0: a turn before every top-level processor.
  const { stream, routes } = await buildStreamSliced(conf, e.env, 0);
  const turns = loop.stop();
  assert.ok(turns >= 100, `the event loop ran ${turns} times during the build`);
  assert.deepEqual(routes, buildStream(conf, e.env).routes);
  await stream.start();
  await until(() => stream.state() === 'stopped', 'the input ends and the stream drains');
  assert.deepEqual(e.sinks.get('sliced')!.batches, [['A'], ['B']]);
  assert.deepEqual([...e.acks.values()], [undefined, undefined, undefined]);
});

test('a sliced build fails as the one-piece build does: same error, same location, whichever slice the bad processor is in', async () => {
  const e = env();
  const bad = { ...comp('processor', 'no_such_thing'), location: { file: 'big.yaml', line: 3001, col: 7 } };
  const procs = Array.from({ length: 2000 }, () => comp('processor', 'test_upper'));
  const conf = streamConf('bad', comp('input', 'test_list', { batches: [] }), [...procs, bad, ...procs], comp('output', 'test_sink', { name: 'bad' }));
  let whole: unknown;
  try {
    buildStream(conf, e.env);
  } catch (err) {
    whole = err;
  }
  assert.ok(whole instanceof HotplugError);
  const expected = whole.message;
  await assert.rejects(buildStreamSliced(conf, e.env, 0), (err: unknown) => {
    assert.ok(err instanceof HotplugError);
    assert.equal(err.message, expected);
    assert.deepEqual(err.location, { file: 'big.yaml', line: 3001, col: 7 });
    return true;
  });
});

test('component loggers are made when a component asks for one, with the same bindings as before', () => {
  const seen: Array<Record<string, unknown>> = [];
  const logs: ProcessorDef = {
    spec: { name: 'test_logs', kind: 'processor', fields: [] },
    build: (_conf, ctx) => {
      seen.push(ctx.log.bindings());
      return { processBatch: (b: Batch) => Promise.resolve([b]), close: () => Promise.resolve() };
    },
  };
  const e = env([logs]);
  const conf = streamConf('logs', comp('input', 'test_list', { batches: [] }), [comp('processor', 'test_logs', {}, [], 'mine'), comp('processor', 'test_upper'), comp('processor', 'test_logs')], comp('output', 'test_sink', { name: 'logs' }));
  buildStream(conf, e.env);
  assert.deepEqual(seen, [
    { stream: 'logs', component: 'mine' },
    { stream: 'logs', component: 'processor.test_logs' },
  ]);
});

test('the pacer: no pause within a slice, a turn of the event loop once the slice is used up', async () => {
  const within = createPacer(60_000);
  assert.equal(within(), undefined);
  let queued = false;
  setImmediate(() => (queued = true));
  const turn = createPacer(0)();
  assert.ok(turn instanceof Promise);
  await turn;
  assert.equal(queued, true, 'what was queued before the pause ran first');
});

test('the pacer: works paced at once take turns, one slice per turn of the event loop (their slices never add up)', async () => {
  const loop = countTurns();
  const seen: Array<[string, number]> = [];
  const work = async (name: string): Promise<void> => {
    const pause = createPacer(0);
    for (let i = 0; i < 4; i++) {
      await pause();
      seen.push([name, loop.turns()]);
    }
  };
  await Promise.all([work('a'), work('b'), work('c')]);
  loop.stop();
  assert.deepEqual(seen.map(([n]) => n).join(''), 'abcabcabcabc', 'in turn');
  const ticks = seen.map(([, t]) => t);
  assert.equal(new Set(ticks).size, ticks.length, `a slice per turn: ${JSON.stringify(seen)}`);
});

/** Counts turns of the event loop (a self-renewing setImmediate) until stopped; stop() returns the count. */
function countTurns(): { turns(): number; stop(): number } {
  let turns = 0;
  let counting = true;
  const count = (): void => {
    turns++;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  return {
    turns: () => turns,
    stop: () => {
      counting = false;
      return turns;
    },
  };
}
