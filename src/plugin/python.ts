import { spawn } from 'node:child_process';
import { HotplugError, ErrorCode } from '../core/errors.js';

/**
 * Finds a Python interpreter that can `import grpc, google.protobuf`:
 * $HOTPLUG_PYTHON if set, else the first `python3` on PATH, else
 * /usr/bin/python3. The probe runs once per process; its result is cached.
 */
const cache = new Map<string, Promise<string>>();

export function resolvePython(): Promise<string> {
  const override = process.env['HOTPLUG_PYTHON'] ?? '';
  let found = cache.get(override);
  if (!found) {
    found = probeAll(override).catch((err: unknown) => {
      cache.delete(override); // let a later call try again (e.g. after installing grpcio)
      throw err;
    });
    cache.set(override, found);
  }
  return found;
}

async function probeAll(override: string): Promise<string> {
  const candidates = override ? [override] : ['python3', '/usr/bin/python3'];
  const tried: string[] = [];
  for (const py of candidates) {
    const result = await probe(py);
    if (result === true) return py;
    tried.push(`${py}: ${result}`);
  }
  throw new HotplugError(ErrorCode.NoPython, `no Python interpreter with grpc and protobuf found (tried ${tried.join('; ')})`, {
    hint: override
      ? 'HOTPLUG_PYTHON points at an interpreter without grpcio/protobuf; install them there (pip install grpcio protobuf) or unset it'
      : 'install grpcio and protobuf (pip install grpcio protobuf, or apt install python3-grpcio python3-protobuf), or set HOTPLUG_PYTHON to an interpreter that has them',
  });
}

function probe(py: string): Promise<true | string> {
  return new Promise((resolve) => {
    let err = '';
    const child = spawn(py, ['-c', 'import grpc, google.protobuf'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 2000) err += d.toString();
    });
    child.on('error', (e) => resolve(e.message));
    child.on('close', (code) => resolve(code === 0 ? true : (err.trim().split('\n').pop() ?? `exit ${code}`)));
  });
}
