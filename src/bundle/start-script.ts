import { BundleLayout, MIN_NODE_MAJOR } from './manifest.js';

/**
 * The bundle's `./start`: bash, because it must find and check Node before
 * any JavaScript runs (a too-old Node could not even parse the host) and
 * because systemd's ExecStart needs no interpreter on PATH for it. Paths are
 * resolved physically (`pwd -P`), so a running host keeps pointing at its own
 * release even after `current` is switched to another one.
 */
export function startScript(): string {
  const { host, pythonSdk, functions } = BundleLayout;
  return `#!/usr/bin/env bash
# Runs this bundle's hotplug host in production mode (JSON logs, no hot reload).
# Usage: ./start [--port N] [--host ADDR]
# Defaults come from the PORT and HOST environment variables, then from the host itself.
# HOTPLUG_NODE names the node binary when it is not on PATH (systemd's PATH is short).
set -euo pipefail
here="$(cd -- "$(dirname -- "\${BASH_SOURCE[0]}")" && pwd -P)"
port="\${PORT:-}"
host="\${HOST:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="\${2:?start: --port needs a value}"; shift 2 ;;
    --port=*) port="\${1#--port=}"; shift ;;
    --host) host="\${2:?start: --host needs a value}"; shift 2 ;;
    --host=*) host="\${1#--host=}"; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "start: unknown option '$1' (use --port N and --host ADDR)" >&2; exit 2 ;;
  esac
done
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
args=(run "$here/${functions}")
if [ -n "$port" ]; then args+=(--port "$port"); fi
if [ -n "$host" ]; then args+=(--host "$host"); fi
exec "$node" "$here/${host}" "\${args[@]}"
`;
}
