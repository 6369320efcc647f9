import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readManifest } from '../../src/config/index.js';
import { Message } from '../../src/core/message.js';
import { Double, type Value } from '../../src/core/value.js';
import { ProcessorService } from '../../src/wire/index.js';
import { ROOT, connectPlugin, untilAnswered } from './python-plugin.js';

const DIR = join(ROOT, 'functions', 'sentiment');

interface Manifest {
  name: string;
  type: string;
  command: string[];
  fields: { name: string; type: string; default?: unknown }[];
}

async function manifest(): Promise<Manifest> {
  return parse(await readFile(join(DIR, 'plugin.yaml'), 'utf8')) as Manifest;
}

/** Starts the plugin as its manifest says (argv in the manifest's folder), with the manifest's defaults under `config`. */
async function start(t: { after(fn: () => Promise<void>): void }, overrides: Record<string, Value> = {}) {
  const m = await manifest();
  const defaults = Object.fromEntries(m.fields.map((f) => [f.name, f.default as Value]));
  const [interpreter, script, ...args] = m.command;
  assert.equal(interpreter, 'python3');
  const { plugin, client } = await connectPlugin(t, ProcessorService, script!, args, {}, 'pipe', DIR);
  const init = await untilAnswered(plugin, () => client.call('init', { config: { ...defaults, ...overrides } }));
  assert.equal(init.error, undefined);
  const score = async (...payloads: (string | Message)[]) => {
    const batch = payloads.map((p) => (typeof p === 'string' ? new Message(p) : p));
    const res = await client.call('processBatch', { batch, perMessageResults: true });
    assert.equal(res.error, undefined);
    return res.batches.map((b) => b[0]!);
  };
  return { score, init };
}

function result(m: Message): { score: number; label: string; [k: string]: Value } {
  return m.structured() as { score: number; label: string };
}

test('sentiment manifest: a valid Python processor manifest with a threshold field', async () => {
  const checked = readManifest(join(DIR, 'plugin.yaml'));
  assert.deepEqual(checked.diagnostics, []);
  assert.equal(checked.value?.cwd, DIR.replace(/\/$/, ''));
  const m = await manifest();
  assert.equal(m.name, 'sentiment');
  assert.equal(m.type, 'processor');
  assert.deepEqual(m.command, ['python3', 'main.py']);
  const threshold = m.fields.find((f) => f.name === 'threshold');
  assert.equal(threshold?.type, 'float');
  assert.equal(threshold?.default, 0.05);
});

test('sentiment labels positive, negative and neutral text and reports the label as metadata', async (t) => {
  const { score, init } = await start(t);
  assert.equal(init.perMessage, true);
  const [pos, neg, neutral] = await score('I love this, the new release is great!', 'This is terrible and the docs are awful.', 'The meeting is at 5pm in room 4.');
  assert.equal(result(pos!).label, 'positive');
  assert.ok(result(pos!).score > 0.5);
  assert.equal(pos!.metadata.get('sentiment'), 'positive');
  assert.equal(result(neg!).label, 'negative');
  assert.ok(result(neg!).score < -0.5);
  assert.equal(result(neutral!).label, 'neutral');
  assert.deepEqual(result(neutral!).score, new Double(0), "Python's 0.0 stays a double");
  for (const m of [pos!, neg!, neutral!]) {
    const r = result(m);
    assert.ok(r.score >= -1 && r.score <= 1);
    assert.deepEqual(Object.keys(r).sort(), ['label', 'negative', 'positive', 'score', 'tokens']);
  }
});

test('negation flips, degree words scale, "but" shifts weight to the second clause', async (t) => {
  const { score } = await start(t);
  const [good, notGood, veryGood, slightlyGood, isntBad, butClause, shout] = (
    await score('good', 'not good', 'very good', 'slightly good', "isn't bad", 'The food was good but the service was awful', 'The food was GOOD')
  ).map((m) => result(m).score);
  assert.ok(notGood! < 0, `not good: ${notGood}`);
  assert.ok(veryGood! > good!);
  assert.ok(slightlyGood! < good! && slightlyGood! > 0);
  assert.ok(isntBad! > 0, `isn't bad: ${isntBad}`);
  assert.ok(butClause! < 0);
  assert.ok(shout! > good!);
});

test('JSON input: text read from the configured field; explain lists the matched words', async (t) => {
  const { score } = await start(t, { text_field: 'body', explain: true });
  const [fromJson, structured, missing] = await score(
    JSON.stringify({ id: 7, body: 'What an amazing day' }),
    Message.structured({ body: 'awful' }),
    JSON.stringify({ text: 'wrong field' }),
  );
  const r = result(fromJson!);
  assert.equal(r.label, 'positive');
  assert.deepEqual(r.matches, [{ word: 'amazing', valence: 3.2 }]);
  assert.equal(result(structured!).label, 'negative');
  assert.match(missing!.error ?? '', /JSON field "body"/);
});

test('the threshold from the config decides what counts as neutral', async (t) => {
  const strict = await start(t, { threshold: 0.9 });
  const [mild] = await strict.score('This is good');
  assert.equal(result(mild!).label, 'neutral');
  const loose = await start(t, { threshold: 0.05 });
  const [same] = await loose.score('This is good');
  assert.equal(result(same!).label, 'positive');
});
