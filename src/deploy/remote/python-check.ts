import { spawnSync } from 'node:child_process';

/**
 * Checks, before anything running is touched, that the VM can run the
 * bundle's Python plugins: the host looks for an interpreter that imports
 * grpc and google.protobuf ($HOTPLUG_PYTHON, else python3 on PATH, else
 * /usr/bin/python3), so the same candidates are tried here. Returns a
 * problem description, or undefined when one works.
 */
export function pythonProblem(env: Record<string, string>): string | undefined {
  const override = env['HOTPLUG_PYTHON'] ?? process.env['HOTPLUG_PYTHON'];
  const candidates = override ? [override] : ['python3', '/usr/bin/python3'];
  const tried: string[] = [];
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import grpc, google.protobuf'], { encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) return undefined;
    tried.push(`${py}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  return `the bundle has Python plugins, but the VM has no Python with grpcio and protobuf (tried ${tried.join('; ')})`;
}
