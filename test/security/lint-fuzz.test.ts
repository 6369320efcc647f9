import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintDir } from '../../src/config/index.js';
import { createHost } from '../../src/host/index.js';
import { runCli } from '../helpers/cli.js';
import { tempTree } from './helpers.js';

// Issue 12: a few thousand random and mutated pipeline files and manifests
// through lint, each answered within a time bound with ok or errors that name
// file:line:col, never a crash or a hang. Seeded: every run is the same.

const SEEDS = [
  'input:\n  http_server:\n    path: /a/{id:[0-9]+}\n    timeout: 5s\npipeline:\n  processors:\n    - mapping: |\n        root = this\n        root.n = this.n.number() + 1\n    - log: { message: "${! content() }" }\noutput:\n  sync_response: {}\n',
  'input:\n  generate:\n    interval: 1s\n    mapping: root = {"x": 1}\npipeline:\n  threads: 2\n  processors:\n    - &m { mapping: "root = this" }\n    - *m\noutput:\n  http_client:\n    url: http://127.0.0.1:1/x\n    verb: POST\n    batching: { count: 10, period: 1s }\n',
  'rate_limit_resources:\n  - label: r\n    local: { count: 3, interval: 1m }\ninput:\n  http_server: { path: /r, rate_limit: r, allowed_verbs: [GET, POST] }\noutput:\n  sync_response: { status: "201" }\n',
];
const MANIFESTS = [
  'name: plug\ntype: processor\ncommand: ["node", "main.js"]\nfields:\n  - name: factor\n    type: int\n    default: 2\n',
  'name: sink\ntype: output\ncommand: ["python3", "main.py"]\ninstances: 2\nenv: { A: "1" }\n',
];
const TOKENS = ['&a ', '*a', '[', ']', '{', '}', ': ', '- ', '\n', '  ', '"', "'", '|', '>', '#', '!!str ', '${X}', '${!', '\t', '\\', '%', '@', '---\n', '...\n', '? ', '<<: *a', '&b [*a, *a, *a, *a, *a, *a, *a, *a]', '\u00e9', '\ufffd', '0x', '1e309', 'null', '~'];

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, r: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  let s = text;
  const edits = 1 + Math.floor(r() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.4) s = s.slice(0, at) + pick(TOKENS) + s.slice(at);
    else if (op < 0.6) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8));
    else if (op < 0.75) s = s.slice(0, at) + s.slice(Math.floor(r() * s.length), Math.floor(r() * s.length)) + s.slice(at);
    else if (op < 0.85) s = s.split('\n').map((l) => (r() < 0.2 ? ` ${l}` : l)).join('\n');
    else s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + s.slice(at);
  }
  const buf = Buffer.from(s);
  // Now and then raw bytes that are not UTF-8.
  if (r() < 0.1) buf[Math.floor(r() * buf.length)] = 0x80 + Math.floor(r() * 0x7f);
  return buf;
}

function randomYaml(r: () => number): Buffer {
  const parts: string[] = [];
  const n = Math.floor(r() * 40);
  for (let i = 0; i < n; i++) parts.push(TOKENS[Math.floor(r() * TOKENS.length)] as string, r() < 0.3 ? 'input' : r() < 0.5 ? 'x' : String(Math.floor(r() * 100)));
  return Buffer.from(parts.join(''));
}

const ROUNDS = 2000;
const PER_FILE_MS = 2000;

test(`lint fuzz: ${ROUNDS} mutated and random pipelines and manifests, each ok or errors at file:line:col, within ${PER_FILE_MS} ms`, (t) => {
  const r = rng(12);
  const root = tempTree(t);
  const opts = createHost({ port: 0 }).loadOptions();
  let errors = 0;
  let worst = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const dir = join(root, String(i % 4));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'plug'), { recursive: true });
    const kind = r();
    const pipeline = kind < 0.1 ? randomYaml(r) : mutate(SEEDS[i % SEEDS.length] as string, r);
    writeFileSync(join(dir, 'p.yaml'), pipeline);
    writeFileSync(join(dir, 'plug', 'plugin.yaml'), kind > 0.7 ? mutate(MANIFESTS[i % MANIFESTS.length] as string, r) : (MANIFESTS[0] as string));
    const started = performance.now();
    let diags;
    try {
      diags = lintDir(dir, opts);
    } catch (err) {
      assert.fail(`lint threw on case ${i}: ${(err as Error).stack}\n--- p.yaml ---\n${pipeline.toString('latin1')}`);
    }
    const ms = performance.now() - started;
    worst = Math.max(worst, ms);
    assert.ok(ms < PER_FILE_MS, `case ${i} took ${Math.round(ms)} ms`);
    for (const d of diags.filter((x) => x.severity === 'error')) {
      errors++;
      const l = d.location;
      const isFile = l !== undefined && /\.yaml$/.test(l.file);
      assert.ok(isFile && l.line !== undefined && l.line >= 1 && l.col !== undefined && l.col >= 1, `case ${i}: error without file:line:col: ${JSON.stringify(d)}\n--- p.yaml ---\n${pipeline.toString('latin1')}`);
    }
  }
  assert.ok(errors > ROUNDS / 2, `the mutations produce errors (${errors})`);
  t.diagnostic(`${ROUNDS} cases, ${errors} errors, slowest ${Math.round(worst)} ms`);
});

test('lint fuzz through the real CLI: a handful of mutated dirs, each exits 0 or 1 with file:line:col lines', async (t) => {
  const r = rng(7);
  for (let i = 0; i < 4; i++) {
    const dir = tempTree(t, { 'p.yaml': mutate(SEEDS[i % SEEDS.length] as string, r), 'plug/plugin.yaml': mutate(MANIFESTS[i % 2] as string, r) });
    const res = await runCli(['lint', dir], { timeoutMs: 30_000 });
    assert.ok(res.code === 0 || res.code === 1, `case ${i}: exit ${res.code}\n${res.stderr}`);
    const out = res.stdout + res.stderr;
    if (res.code === 1) assert.match(out, /\.yaml:\d+:\d+: /, out);
  }
});
