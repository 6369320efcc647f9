"""Serves one component over gRPC on the host's Unix socket, and shuts down cleanly.

The plugin stops when:
- the host calls Close (after answering it; other calls in flight may finish),
- SIGTERM or SIGINT arrives (calls in flight get `SIGNAL_GRACE` seconds; a
  second signal exits at once, with 1 — or with 0 after Close, which is how
  Redpanda Connect stops a plugin: Close, then SIGTERM),
- its stdin reaches end of file, which means the host process is gone (hotplug
  gives plugins a pipe it never writes to): calls in flight get
  `HOST_GONE_GRACE`, and after `HOST_GONE_DEADLINE` the process exits even if
  plugin code blocks the event loop. Only a pipe or socket on stdin is
  watched, so a plugin run by a host that gives it /dev/null, or by hand in a
  terminal, keeps running.
"""

import asyncio
import json
import logging
import os
import signal
import stat
import sys
import threading
import time
from typing import Any

try:
    import grpc
    import grpc.aio
except ImportError as e:  # pragma: no cover - depends on the interpreter
    raise ImportError(
        f"hotplug's Python SDK needs grpcio, which {sys.executable} cannot import ({e}). "
        "Install it (pip install grpcio, or apt install python3-grpcio), or point HOTPLUG_PYTHON "
        "at an interpreter that has it."
    ) from e

from ._contract import identity
from ._service import ComponentService
from ._util import log

SIGNAL_GRACE = 10.0
CLOSE_GRACE = 5.0
HOST_GONE_GRACE = 1.0
HOST_GONE_DEADLINE = 3.0
COMPONENT_CLOSE_TIMEOUT = 5.0

# gRPC's default 4 MiB cap would fail big batches; the host enforces its own limit.
_SERVER_OPTIONS = [
    ("grpc.max_receive_message_length", -1),
    ("grpc.max_send_message_length", -1),
]


def _plugin_address() -> str:
    version = os.environ.get("REDPANDA_CONNECT_PLUGIN_VERSION", "1")
    if version != "1":
        sys.exit(f"hotplug plugin: unsupported REDPANDA_CONNECT_PLUGIN_VERSION {version!r} (this SDK speaks version 1)")
    addr = os.environ.get("REDPANDA_CONNECT_PLUGIN_ADDRESS")
    if not addr:
        sys.exit(
            "hotplug plugin: REDPANDA_CONNECT_PLUGIN_ADDRESS is not set. This program is a plugin: "
            "run it through hotplug (for example `hotplug dev`), which sets the socket address."
        )
    return addr


class JsonLines(logging.Formatter):
    """One JSON object per record, so the host re-logs it structured: its level
    kept, a traceback in `err` instead of spread over many lines."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"level": record.levelname.lower(), "msg": record.getMessage(), "logger": record.name}
        if record.exc_info and record.exc_info[1] is not None:
            e = record.exc_info[1]
            out["err"] = {"type": type(e).__name__, "message": str(e), "stack": self.formatException(record.exc_info)}
        return json.dumps(out, ensure_ascii=False, default=str)


def _setup_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:  # a plugin that configured logging itself keeps its own
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        root.addHandler(handler)
        root.setLevel(logging.INFO)


def _stdin_is_host_pipe() -> bool:
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _watch_stdin(on_eof: Any) -> None:
    def run() -> None:
        try:
            while os.read(0, 65536):
                pass
        except OSError:
            pass
        try:
            on_eof()
        except RuntimeError:  # the event loop is closed: the plugin is exiting anyway
            return
        # The graceful path runs on the event loop; if plugin code blocks the loop
        # it never gets there, so this thread ends the process itself.
        time.sleep(HOST_GONE_DEADLINE)
        log.warning("host gone and the plugin did not stop within %ss: exiting", HOST_GONE_DEADLINE)
        _exit_now(0)

    threading.Thread(target=run, name="hotplug-stdin-watch", daemon=True).start()


def _exit_now(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)


async def serve(service: ComponentService) -> None:
    """Runs `service` until one of the stop conditions above, then closes the component."""
    _setup_logging()
    addr = _plugin_address()
    loop = asyncio.get_running_loop()

    server = grpc.aio.server(options=_SERVER_OPTIONS)
    handlers = {
        name: grpc.unary_unary_rpc_method_handler(handler, request_deserializer=read, response_serializer=identity)
        for name, (handler, read) in service.methods().items()
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service.service_name, handlers),))
    try:
        bound = server.add_insecure_port(addr)
    except RuntimeError:
        bound = 0
    if not bound:  # older grpcio returns 0, newer raises
        sys.stderr.write(f"hotplug plugin: cannot listen on {addr} (does its directory exist and is it writable?)\n")
        sys.stderr.flush()
        # Not sys.exit: grpc's threads, already started by the server object,
        # can keep the interpreter from exiting, and the host would wait forever.
        os._exit(1)
    await server.start()
    log.debug("%s listening on %s", service.kind, addr)

    stopping = asyncio.Event()
    why = {"reason": "", "grace": 0.0}

    def request_stop(reason: str, grace: float) -> None:
        if stopping.is_set():
            if reason.startswith("SIG") and why["reason"] == "Close":
                # Redpanda Connect's normal stop: Close (the component is closed already), then SIGTERM.
                _exit_now(0)
            if reason.startswith("SIG"):
                log.warning("%s while stopping: exiting now", reason)
                _exit_now(1)
            return
        why["reason"], why["grace"] = reason, grace
        stopping.set()

    service.on_close = lambda: loop.call_soon(request_stop, "Close", CLOSE_GRACE)
    signals = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, request_stop, sig.name, SIGNAL_GRACE)
            signals.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or a platform without signal handlers
    if _stdin_is_host_pipe():
        _watch_stdin(lambda: loop.call_soon_threadsafe(request_stop, "host gone", HOST_GONE_GRACE))

    try:
        await stopping.wait()
        log.debug("stopping (%s)", why["reason"])
        await server.stop(why["grace"])
        try:
            await asyncio.wait_for(asyncio.shield(service.close_component()), COMPONENT_CLOSE_TIMEOUT)
        except asyncio.TimeoutError:
            log.warning("%s close did not finish within %ss", service.kind, COMPONENT_CLOSE_TIMEOUT)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
            if why["reason"] == "Close":
                # Connect follows Close with SIGTERM while the interpreter winds down: that is a clean stop.
                signal.signal(sig, lambda *_: _exit_now(0))
    if why["reason"] in ("host gone", "Close"):
        # Host gone: nobody is left to stop us; threads the plugin started must not keep it alive as an
        # orphan. Close: the component is closed and Connect's SIGTERM follows at once; one arriving while
        # the interpreter finalises (signal handlers back to default) would end the process with -15.
        _exit_now(0)
