/**
 * A warm spare for Node plugins (see spare-pool.ts): started ahead of need by
 * the host with the plugin's cwd, environment, socket address and process
 * group, it loads grpc-js and the hotplug SDK, then waits for one line on
 * stdin — `{"argv": [entry, ...args]}` — and imports the entry as if Node had
 * been started with it. EOF before that line means the host is gone: exit.
 */
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, credentials, Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import '../../sdk/ts/index.js';

/**
 * One call over a throwaway server in the spare's private socket dir, so the
 * plugin's first Init does not pay for http2 and grpc-js's first-call code
 * paths (measured: about 30 ms of a warm start). Best effort.
 */
async function warmUp(): Promise<void> {
  const address = process.env['REDPANDA_CONNECT_PLUGIN_ADDRESS'] ?? '';
  if (!address.startsWith('unix:')) return;
  const sock = join(dirname(address.slice('unix:'.length)), 'warm-up.sock');
  const id = (b: Buffer): Buffer => b;
  const method = { path: '/hotplug.WarmUp/Ping', requestStream: false, responseStream: false, requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id };
  const service = { ping: method } as ServiceDefinition;
  const server = new Server();
  server.addService(service, { ping: (_call: unknown, cb: (e: null, r: Buffer) => void) => cb(null, Buffer.alloc(0)) });
  try {
    await new Promise<void>((ok, fail) => server.bindAsync(`unix:${sock}`, ServerCredentials.createInsecure(), (err) => (err ? fail(err) : ok())));
    const client = new Client(`unix:${sock}`, credentials.createInsecure());
    await new Promise<void>((ok, fail) => client.makeUnaryRequest(method.path, id, id, Buffer.alloc(1), (err) => (err ? fail(err) : ok())));
    client.close();
  } catch {
    // a cold first call is all that is lost
  } finally {
    server.forceShutdown();
    rmSync(sock, { force: true });
  }
}

await warmUp();

let line = '';
const onData = (chunk: Buffer): void => {
  line += chunk.toString();
  const nl = line.indexOf('\n');
  if (nl < 0) return;
  // From here on stdin belongs to the plugin (the SDK watches it for EOF: the host is gone).
  process.stdin.off('data', onData);
  process.stdin.off('end', onEnd);
  const { argv } = JSON.parse(line.slice(0, nl)) as { argv: string[] };
  const entry = resolve(argv[0] as string);
  process.argv = [process.execPath, entry, ...argv.slice(1)];
  // A rejection here (the plugin throws at load) ends the process as `node entry` would.
  void import(pathToFileURL(entry).href);
};
const onEnd = (): void => process.exit(0);
process.stdin.on('data', onData);
process.stdin.once('end', onEnd);
