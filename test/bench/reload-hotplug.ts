import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCli, waitForPing } from '../helpers/cli.js';
import { startLoad } from '../helpers/load.js';
import { freePort } from '../helpers/net.js';
import { waitFor } from '../helpers/poll.js';
import { httpStream, manifest, pyPlugin, tsPlugin, writeDevFixture } from '../dev/fixture.js';
import { measureEdits, type EditRun } from './reload-measure.js';

const interop = fileURLToPath(new URL('../../../test/fixtures/interop/', import.meta.url));

/** A contract-only Python processor: grpcio and the protos' message classes, no hotplug SDK. */
const rawPyPlugin = (version: string): string => `import os, sys
from concurrent import futures
import grpc
sys.path.insert(0, ${JSON.stringify(interop)})
from raw_grpcio import cls

def process(req, ctx):
    out = cls("BatchProcessorProcessBatchResponse")()
    batch = out.batches.add()
    for msg in req.batch.messages:
        m = batch.messages.add()
        m.CopyFrom(msg)
        m.bytes = b"${version}:" + msg.bytes
    return out

def unary(fn, req):
    return grpc.unary_unary_rpc_method_handler(fn, request_deserializer=cls(req).FromString, response_serializer=lambda m: m.SerializeToString())

server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("redpanda.runtime.v1alpha1.BatchProcessorService", {
    "Init": unary(lambda req, ctx: cls("BatchProcessorInitResponse")(), "BatchProcessorInitRequest"),
    "ProcessBatch": unary(process, "BatchProcessorProcessBatchRequest"),
    "Close": unary(lambda req, ctx: cls("BatchProcessorCloseResponse")(), "BatchProcessorCloseRequest"),
}),))
server.add_insecure_port(os.environ["REDPANDA_CONNECT_PLUGIN_ADDRESS"])
server.start()
server.wait_for_termination()
`;

export interface HotplugReloadRuns {
  ts: EditRun;
  py: EditRun;
  raw: EditRun;
  ok: number;
  failed: number;
}

/**
 * `hotplug dev` on a functions dir with a TS and a Python processor, each on
 * its own route, under load on both routes; edits each plugin `edits` times.
 */
export async function measureHotplugDev(edits: number, concurrency: number, pauseMs = 0): Promise<HotplugReloadRuns> {
  const dir = mkdtempSync(join(tmpdir(), 'hotplug-bench-reload-'));
  writeDevFixture(dir, 'http://127.0.0.1:9/unused');
  rmSync(join(dir, 'batched.yaml'));
  mkdirSync(join(dir, 'greet_raw'));
  writeFileSync(join(dir, 'greet_raw', 'plugin.yaml'), manifest('greet_raw', ['python3', 'main.py']));
  writeFileSync(join(dir, 'greet_raw', 'main.py'), rawPyPlugin('raw-v1'));
  writeFileSync(join(dir, 'raw.yaml'), httpStream('/raw', '    - greet_raw: {}'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dev = startCli(['dev', dir, '--port', String(port)], { env: { HOTPLUG_LOG_LEVEL: 'warn' } });
  try {
    await waitForPing(base);
    const load = startLoad({ urls: [`${base}/ts`, `${base}/py`, `${base}/raw`], concurrency });
    try {
      await waitFor(() => load.firstSeen(`${base}/ts`, (b) => b.startsWith('ts-v1:')) && load.firstSeen(`${base}/py`, (b) => b.startsWith('py-v1:')) && load.firstSeen(`${base}/raw`, (b) => b.startsWith('raw-v1:')), { timeoutMs: 60_000, what: 'both routes answering' });
      const ts = await measureEdits({ load, url: `${base}/ts`, file: join(dir, 'greet_ts', 'main.ts'), edits, pauseMs, render: (v) => tsPlugin(`ts-v${v + 1}`), marker: (v) => `ts-v${v + 1}:` });
      const py = await measureEdits({ load, url: `${base}/py`, file: join(dir, 'greet_py', 'main.py'), edits, pauseMs, render: (v) => pyPlugin(`py-v${v + 1}`), marker: (v) => `py-v${v + 1}:` });
      const raw = await measureEdits({ load, url: `${base}/raw`, file: join(dir, 'greet_raw', 'main.py'), edits, pauseMs, render: (v) => rawPyPlugin(`raw-v${v + 1}`), marker: (v) => `raw-v${v + 1}:` });
      const summary = await load.stop();
      return { ts, py, raw, ok: summary.ok, failed: summary.failed };
    } finally {
      await load.stop().catch(() => undefined);
    }
  } finally {
    await dev.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
