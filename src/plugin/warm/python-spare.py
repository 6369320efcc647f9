"""A warm spare for Python plugins (see spare-pool.ts).

Started ahead of need by the host with the plugin's cwd, environment, socket
address and process group, it imports asyncio, grpc and the hotplug SDK, then
waits for one line on stdin -- {"argv": [script, ...args]} -- and runs the
script as `python3 script ...args` would (as __main__, with sys.argv and
sys.path[0] set). EOF before that line means the host is gone: exit.
"""

import json
import os
import runpy
import sys

import asyncio  # noqa: F401  (pre-loaded: this is what the spare is for)
import grpc  # noqa: F401

try:
    import hotplug  # noqa: F401
except ImportError:  # a plugin written against another SDK still runs
    pass

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
runpy.run_path(argv[0], run_name="__main__")
