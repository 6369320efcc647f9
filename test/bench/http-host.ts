// bench:http's host process: `node dist/test/bench/http-host.js DIR PORT` runs a functions dir until SIGTERM.
import { createSilentLogger } from '../../src/core/index.js';
import { createDevConsole } from '../../src/console/index.js';
import { createHost } from '../../src/host/index.js';

const [dir, port] = process.argv.slice(2);
// BENCH_COALESCE_IN_FLIGHT: plugin calls in flight per process before requests coalesce (the runtime's default otherwise).
const coalesce = process.env['BENCH_COALESCE_IN_FLIGHT'];
const host = createHost({
  dir: dir as string,
  port: Number(port),
  log: createSilentLogger(),
  ...(coalesce ? { plugins: { coalesceInFlight: Number(coalesce) } } : {}),
});
process.on('SIGTERM', () => {
  host.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
await host.start();
// BENCH_CONSOLE=1: the dev console is mounted (bench:console); it stops recording 200 ms after its last page closed.
if (process.env['BENCH_CONSOLE'] === '1') createDevConsole({ host, log: createSilentLogger(), lingerMs: 200 });
process.stdout.write('ready\n');
