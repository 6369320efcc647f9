"""A warm spare for Python plugins (see spare-pool.ts).

Started ahead of need by the host with the plugin's cwd, environment, socket
address and process group, it imports asyncio, grpc, the hotplug SDK and
protobuf's runtime (what a plugin written against the contract -- the official
SDK, or grpcio with code generated from proto/ -- loads first), then
waits for one line on stdin -- {"argv": [script, ...args]} -- and runs the
script as `python3 script ...args` would (as __main__, with sys.argv and
sys.path[0] set). EOF before that line means the host is gone: exit.
"""

import json
import os
import runpy
import sys
import traceback

import asyncio  # noqa: F401  (pre-loaded: this is what the spare is for)
import grpc  # noqa: F401

try:
    import hotplug  # noqa: F401
except ImportError:  # a plugin written against another SDK still runs
    pass

# Contract-only plugins spend most of their own start-up loading protobuf (its C
# extension, descriptor_pb2, the well-known types): ~20-70 ms, paid here instead.
# Nothing of the plugin's is imported, so its code still runs fresh on every start.
try:
    from google.protobuf import descriptor, descriptor_pb2, descriptor_pool, duration_pb2, message_factory, struct_pb2, symbol_database, timestamp_pb2  # noqa: F401
except ImportError:  # the hotplug SDK does not need protobuf
    pass
try:
    from google.protobuf.internal import builder  # noqa: F401  (generated code since protobuf 3.20)
except ImportError:
    pass

_SDK_DIR = os.path.dirname(os.path.abspath(hotplug.__file__)) if "hotplug" in sys.modules else None


def _ours(filename):
    """Frames of this launcher, runpy and the hotplug SDK: not what the user needs to fix an import error."""
    f = os.path.abspath(filename) if not filename.startswith("<") else filename
    return f == os.path.abspath(__file__) or filename.startswith("<frozen") or (_SDK_DIR is not None and f.startswith(_SDK_DIR + os.sep))


def _trim(te):
    kept = [fr for fr in te.stack if not _ours(fr.filename)]
    if kept:
        te.stack = traceback.StackSummary.from_list(kept)
    for chained in (te.__cause__, te.__context__):
        if chained is not None:
            _trim(chained)


def _report(exc):
    """The traceback as `python3 main.py` would print it, without hotplug's own frames. The full one
    goes first as a structured debug line: the host shows it under --verbose only."""
    te = traceback.TracebackException.from_exception(exc)
    full = "".join(te.format())
    sys.stderr.write(json.dumps({"level": "debug", "msg": "full traceback", "traceback": full}) + "\n")
    _trim(te)
    sys.stderr.write("".join(te.format()))
    sys.stderr.flush()


line = b""
while not line.endswith(b"\n"):
    # One byte at a time: nothing past the line may be taken from the plugin's stdin.
    chunk = os.read(0, 1)
    if not chunk:
        sys.exit(0)
    line += chunk

argv = json.loads(line)["argv"]
sys.argv = argv
sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
try:
    runpy.run_path(argv[0], run_name="__main__")
except (SystemExit, KeyboardInterrupt):
    raise
except BaseException as exc:  # noqa: BLE001 -- reported, then exit 1 as python3 script would
    _report(exc)
    sys.exit(1)
