/**
 * A warm spare for Node plugins (see spare-pool.ts): started ahead of need by
 * the host with the plugin's cwd, environment, socket address and process
 * group, it loads the hotplug SDK (bundled with grpc-js) and warms up
 * Node's http2, then waits for one line on
 * stdin — `{"argv": [entry, ...args]}` — and imports the entry as if Node had
 * been started with it. EOF before that line means the host is gone: exit.
 */
import { rmSync } from 'node:fs';
import { connect as connectHttp2, createServer as createHttp2Server } from 'node:http2';
import { connect as connectNet } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The SDK module compiled plugins import (argv[2], see sdk-bundle.ts): loading it now is the point.
await import(pathToFileURL(process.argv[2] ?? new URL('../../sdk/ts/index.js', import.meta.url).pathname).href);

/**
 * One HTTP/2 request over a throwaway server in the spare's private socket
 * dir, so the plugin's first Init does not pay for loading and first running
 * Node's http2 internals (measured: a warm start ~30 → ~24 ms). Plain
 * http2 rather than grpc-js: the plugin's grpc-js is the one inside the SDK
 * bundle, and a second copy would only cost memory. Best effort.
 */
async function warmUp(): Promise<void> {
  const address = process.env['REDPANDA_CONNECT_PLUGIN_ADDRESS'] ?? '';
  if (!address.startsWith('unix:')) return;
  const sock = join(dirname(address.slice('unix:'.length)), 'warm-up.sock');
  const server = createHttp2Server();
  server.on('stream', (stream) => {
    stream.respond({ ':status': 200 });
    stream.end('ok');
  });
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(sock, ok);
    });
    const client = connectHttp2('http://warm-up', { createConnection: () => connectNet(sock) });
    client.on('error', () => {});
    try {
      await new Promise<void>((ok, fail) => {
        const req = client.request({ ':path': '/', ':method': 'POST' });
        req.on('error', fail);
        req.resume();
        // 'close' too: a stream cut short ends without 'end', and a spare stuck here would never become the plugin.
        req.once('end', ok);
        req.once('close', ok);
        req.end('ping');
      });
    } finally {
      client.close();
    }
  } catch {
    // a cold first call is all that is lost
  } finally {
    server.close();
    rmSync(sock, { force: true });
  }
}

// Not awaited before listening on stdin: the plugin's argv may come while the warm-up runs (it
// then starts at once), and a warm-up that never finished must not keep the plugin from starting.
void warmUp();

let line = '';
const onData = (chunk: Buffer): void => {
  line += chunk.toString();
  const nl = line.indexOf('\n');
  if (nl < 0) return;
  // From here on stdin belongs to the plugin (the SDK watches it for EOF: the host is gone).
  process.stdin.off('data', onData);
  process.stdin.off('end', onEnd);
  // And it no longer keeps the process alive: a plugin that starts nothing (an empty or half-written
  // file) then exits as `node entry` would, rather than waiting out the host's start timeout.
  process.stdin.pause();
  (process.stdin as { unref?: () => void }).unref?.();
  const { argv } = JSON.parse(line.slice(0, nl)) as { argv: string[] };
  const entry = resolve(argv[0] as string);
  process.argv = [process.execPath, entry, ...argv.slice(1)];
  // A rejection here (the plugin throws at load) ends the process as `node entry` would.
  void import(pathToFileURL(entry).href);
};
const onEnd = (): void => process.exit(0);
process.stdin.on('data', onData);
process.stdin.once('end', onEnd);
