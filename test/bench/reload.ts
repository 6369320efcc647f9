/**
 * npm run bench:reload — reload latency (file written → first response from
 * the new generation) over 20 edits under load, and failed requests, for
 * `hotplug dev` with a TS and a Python plugin, next to `node --watch` on an
 * equivalent plain node:http server. Load comes from a separate process.
 */
import { measureNodeWatch } from './reload-node-watch.js';
import { percentile, printTable } from './reload-measure.js';

const EDITS = Number(process.env['EDITS'] ?? 20);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 8);

const rows: string[][] = [['target', 'edits', 'p50 ms', 'max ms', 'failed requests', 'ok requests']];
const watch = await measureNodeWatch(EDITS, CONCURRENCY);
rows.push(['node --watch (plain node:http)', String(EDITS), percentile(watch.latenciesMs, 50).toFixed(0), Math.max(...watch.latenciesMs).toFixed(0), String(watch.failedDuring), String(watch.ok)]);
console.log(`\nbench:reload — ${EDITS} edits each, ${CONCURRENCY} concurrent clients, load in a separate process\n`);
printTable(rows);
