import { request as httpRequest } from 'node:http';
import type { StreamConf } from '../../src/core/index.js';
import { type Host, createHost } from '../../src/host/index.js';
import { createRegistry } from '../../src/pipeline/index.js';
import { type Sink, filterDef, joinDef, listInputDef, log, metaDef, sinkDef, upperDef } from '../pipeline/helpers.js';

export interface TestHost {
  host: Host;
  sinks: Map<string, Sink>;
  acks: Map<number, string | undefined>;
  url(path: string): string;
}

/** A host on an ephemeral port with the in-test components registered; stopped by t.after. */
export async function startHost(t: { after(fn: () => Promise<void>): void }, streams: StreamConf[], maxInFlight?: number): Promise<TestHost> {
  const sinks = new Map<string, Sink>();
  const acks = new Map<number, string | undefined>();
  const registry = createRegistry();
  for (const d of [upperDef, filterDef, joinDef, metaDef]) registry.add(d);
  registry.add(sinkDef(sinks)).add(listInputDef(acks));
  const host = createHost({ port: 0, log, registry, streams, ...(maxInFlight ? { maxInFlight } : {}) });
  t.after(() => host.stop());
  await host.start();
  return { host, sinks, acks, url: (p) => host.url(p) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with node:http (fetch cannot send a chunked body without a length as simply). */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; chunks?: Array<Buffer | string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'POST', headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else {
      req.end(opts.body);
    }
  });
}
