// Micro-benchmark of compiled expressions: `npm run bench:expr`.
// Each case is compiled once and evaluated many times against messages whose
// structured payload is already parsed, as a processor sees them mid-pipeline.
import { cpus, loadavg } from 'node:os';
import { Message } from '../../src/core/message.js';
import { compileInterpolation, compileMapping, compileQuery } from '../../src/expr/index.js';

interface Case {
  name: string;
  run: () => unknown;
  /** Target in nanoseconds per evaluation, when there is one. */
  targetNs?: number;
}

const batch = [
  Message.structured(
    { n: 42, user: { name: 'ada', tags: ['a', 'b', 'c'] }, items: [{ price: 3 }, { price: 4 }] },
    new Map([['k', 'a'], ['topic', 'orders']]),
  ),
];
batch[0]?.structured();

const query = compileQuery('this.n > 10 && meta("k") == "a"');
const path = compileQuery('this.user.name.uppercase()');
const interp = compileInterpolation('/archive/${! meta("topic") }/${! this.user.name }-${! this.n }.tar');
const match = compileQuery('match this.user.name { "bob" => 1, "eve" => 2, this.length() == 3 => 3, _ => 0 }');
const reMatch = compileQuery('this.user.name.re_match("^[a-z]+$")');
const reDynamic = compileQuery('this.user.name.re_match(meta("k"))');
const reReplace = compileQuery('this.user.name.re_replace_all("(?P<first>[a-z])", "${first}.")');
const mapping = compileMapping(['root = this', 'root.total = this.items.map_each(i -> i.price).sum()', 'root.user.name = this.user.name.uppercase()', 'meta seen = "yes"'].join('\n'));

const cases: Case[] = [
  { name: 'query  this.n > 10 && meta("k") == "a"', run: () => query.evaluate(batch, 0), targetNs: 1000 },
  { name: 'query  this.user.name.uppercase()', run: () => path.evaluate(batch, 0) },
  { name: 'query  match this.user.name { 3 cases, _ }', run: () => match.evaluate(batch, 0) },
  { name: 'query  re_match("^[a-z]+$") (literal pattern)', run: () => reMatch.evaluate(batch, 0) },
  { name: 'query  re_match(meta("k")) (pattern per message, cached)', run: () => reDynamic.evaluate(batch, 0) },
  { name: 'query  re_replace_all("(?P<first>[a-z])", "${first}.")', run: () => reReplace.evaluate(batch, 0) },
  { name: 'interp /archive/${! meta } /${! path }-${! n }.tar', run: () => interp.str(batch, 0) },
  { name: 'mapping 4 statements (copy, sum, nested set, meta)', run: () => mapping.apply(batch, 0) },
];

function measure(run: () => unknown): number {
  // Warm up so the closures are optimised, then take the best of several rounds.
  for (let i = 0; i < 200_000; i++) run();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const n = 500_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) run();
    const ns = Number(process.hrtime.bigint() - t0) / n;
    best = Math.min(best, ns);
  }
  return best;
}

const rows = cases.map((c) => {
  const ns = measure(c.run);
  return { case: c.name, 'ns/op': ns.toFixed(0), 'ops/s': Math.round(1e9 / ns).toLocaleString('en-US'), target: c.targetNs === undefined ? '' : `< ${c.targetNs} ns ${ns < c.targetNs ? 'ok' : 'MISSED'}` };
});

// The machine is shared: the load average says how much to trust the numbers.
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} (${cpus().length} cores), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.table(rows);
if (rows.some((r) => r.target.endsWith('MISSED'))) process.exitCode = 1;
