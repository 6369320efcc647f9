import { BundleLayout, MIN_NODE_MAJOR } from './manifest.js';

/**
 * The bundle's `./start`: bash, because it must find and check Node before
 * any JavaScript runs (a too-old Node could not even parse the host) and
 * because systemd's ExecStart needs no interpreter on PATH for it. Paths are
 * resolved physically (`pwd -P`), so a running host keeps pointing at its own
 * release even after `current` is switched to another one. Every argument goes
 * to `hotplug run` (which reads PORT, HOST and HOTPLUG_WORKERS itself).
 */
export function startScript(): string {
  const { host, pythonSdk, functions } = BundleLayout;
  return `#!/usr/bin/env bash
# Runs this bundle's hotplug host in production mode (JSON logs, no hot reload).
# Usage: ./start [hotplug run options], e.g. ./start --port 8080 --host 0.0.0.0 --workers auto
# PORT, HOST and HOTPLUG_WORKERS in the environment are the defaults of --port, --host and --workers.
# HOTPLUG_NODE names the node binary when it is not on PATH (systemd's PATH is short).
# ./start --help lists every option.
set -euo pipefail
here="$(cd -- "$(dirname -- "\${BASH_SOURCE[0]}")" && pwd -P)"
node="\${HOTPLUG_NODE:-node}"
if ! command -v "$node" >/dev/null 2>&1; then
  echo "start: Node.js was not found (looked for '$node'). Install Node.js >= ${MIN_NODE_MAJOR}, or set HOTPLUG_NODE to its path." >&2
  exit 1
fi
version="$("$node" -e 'process.stdout.write(process.versions.node)')"
if ! [ "\${version%%.*}" -ge ${MIN_NODE_MAJOR} ] 2>/dev/null; then
  echo "start: Node.js $version is too old: hotplug needs Node.js >= ${MIN_NODE_MAJOR}. Install a newer Node.js, or set HOTPLUG_NODE to one." >&2
  exit 1
fi
export NODE_ENV=production
export PYTHONPATH="$here/${pythonSdk}\${PYTHONPATH:+:$PYTHONPATH}"
exec "$node" "$here/${host}" run "$here/${functions}" "$@"
`;
}
