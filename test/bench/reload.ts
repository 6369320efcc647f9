/**
 * npm run bench:reload — reload latency (file written → first response from
 * the new generation) over 20 edits under load, and failed requests, for
 * `hotplug dev` with a TS, a Python and a contract-only Python plugin (grpcio,
 * no hotplug SDK), next to `node --watch` on an equivalent plain node:http
 * server. Load comes from a separate process. Edits write the file in place
 * (as VS Code does), for both, one second apart (PAUSE_MS; 0 = back to back).
 */
import { cpus, loadavg } from 'node:os';
import { measureHotplugDev } from './reload-hotplug.js';
import { measureNodeWatch } from './reload-node-watch.js';
import { percentile, printTable } from './reload-measure.js';

const EDITS = Number(process.env['EDITS'] ?? 20);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 8);
/** Pause after each edit's new response before the next edit (a person's save cadence); 0 = back to back. */
const PAUSE_MS = Number(process.env['PAUSE_MS'] ?? 1000);

const row = (name: string, lat: number[], failed: number, ok: number): string[] => [
  name,
  String(lat.length),
  percentile(lat, 50).toFixed(0),
  Math.max(...lat).toFixed(0),
  String(failed),
  String(ok),
];

const hp = await measureHotplugDev(EDITS, CONCURRENCY, PAUSE_MS);
const watch = await measureNodeWatch(EDITS, CONCURRENCY, PAUSE_MS);
console.log(`\nbench:reload — ${EDITS} edits each${PAUSE_MS ? `, ${PAUSE_MS} ms apart` : ', back to back'}, ${CONCURRENCY} concurrent clients (load in a separate process), ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
printTable([
  ['target', 'edits', 'p50 ms', 'max ms', 'failed requests', 'ok requests'],
  row('hotplug dev, TS plugin', hp.ts.latenciesMs, hp.ts.failedDuring, hp.ok),
  row('hotplug dev, Python plugin', hp.py.latenciesMs, hp.py.failedDuring, hp.ok),
  row('hotplug dev, contract-only Python plugin (grpcio, no SDK)', hp.raw.latenciesMs, hp.raw.failedDuring, hp.ok),
  row('node --watch, plain node:http', watch.latenciesMs, watch.failedDuring, watch.ok),
]);
console.log(`\nhotplug dev: ${hp.failed} failed of ${hp.ok + hp.failed} requests in the whole run`);
