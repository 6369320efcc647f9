// A real HTTPS target with the committed test PKI (test/fixtures/tls), and
// pipelines written as YAML files in a temp dir (so relative *_file paths
// resolve against the pipeline file's folder, as in a functions dir).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { type StreamConf } from '../../src/core/index.js';
import { createCatalog, loadStream } from '../../src/config/index.js';
import { createHost } from '../../src/host/index.js';

export const TLS_FIXTURES = fileURLToPath(new URL('../../../test/fixtures/tls/', import.meta.url));
export const pem = (name: string): string => readFileSync(join(TLS_FIXTURES, name), 'utf8');

export interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The client certificate's CN, when one was presented. */
  clientCN: string | undefined;
}

/**
 * An HTTPS server on 127.0.0.1 with a certificate from the test CA; `mutual`
 * makes it require a client certificate from that CA; `status(n)` answers the
 * n-th request (from 0), 200 by default.
 */
export async function httpsTarget(t: { after(fn: () => Promise<void>): void }, opts: { mutual?: boolean; status?: (n: number) => number } = {}): Promise<{ seen: Seen[]; base: string }> {
  const seen: Seen[] = [];
  const server = createServer(
    { cert: pem('server.pem'), key: pem('server-key.pem'), ca: pem('ca.pem'), requestCert: opts.mutual === true, rejectUnauthorized: opts.mutual === true },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        const cn = peer?.subject?.CN;
        seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), clientCN: typeof cn === 'string' ? cn : undefined });
        res.writeHead(opts.status?.(seen.length - 1) ?? 200, { 'Content-Type': 'text/plain' });
        res.end('ok');
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { seen, base: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A temp folder with the PKI copied to `certs/`; removed by t.after. */
export function pipelineDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(TLS_FIXTURES, join(dir, 'certs'), { recursive: true });
  return dir;
}

/** The options the real host loads pipelines with (built-in specs, expression compilers). */
export function loadOptions() {
  const opts = createHost({ port: 0 }).loadOptions();
  return { catalog: createCatalog(opts.builtins), ...(opts.expr && { expr: opts.expr }) };
}

/** Writes `yaml` as `<id>.yaml` in `dir` and loads it as the host would. */
export function writePipeline(dir: string, id: string, yaml: string): StreamConf {
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, yaml);
  return loadStream(file, loadOptions());
}
