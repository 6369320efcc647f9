"""Small helpers shared by the decorators and services."""

import inspect
import logging
import time
import traceback
from typing import Any, Callable

from .errors import BaseError

log = logging.getLogger("hotplug")


async def maybe_await(value: Any) -> Any:
    """Lets plugin code be sync or async: awaits `value` only when it is awaitable."""
    if inspect.isawaitable(value):
        return await value
    return value


def positional_arity(func: Callable[..., Any]) -> int:
    """How many positional arguments `func` accepts (a large number for *args)."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):  # builtins without signatures: assume the official one-argument form
        return 1
    n = 0
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            return 1 << 16
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            n += 1
    return n


def as_error(e: BaseException) -> BaseError:
    """The error to report for an exception: BaseErrors as they are, others named by their type.
    Either way it carries the traceback of the raise (`traceback`), which the host logs."""
    if isinstance(e, BaseError):
        out = e
    else:
        text = str(e)
        out = BaseError(f"{type(e).__name__}: {text}" if text else type(e).__name__)
    if e.__traceback__ is not None and getattr(out, "traceback", None) is None:
        out.traceback = "".join(traceback.format_exception(type(e), e, e.__traceback__))  # type: ignore[attr-defined]
    return out


class ThrottledLog:
    """Logs a failure with its traceback at most once per `interval` seconds,
    counting the ones it held back, so a plugin failing on every message of a
    busy stream still shows why without flooding the host's log."""

    def __init__(self, what: str, interval: float = 1.0, level: int = logging.ERROR) -> None:
        self._what = what
        self._level = level
        self._interval = interval
        self._last = -interval
        self._held = 0

    def __call__(self, e: BaseException) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:
            self._held += 1
            return
        held, self._held, self._last = self._held, 0, now
        suffix = f" ({held} more since the last report)" if held else ""
        log.log(self._level, "%s: %s%s", self._what, as_error(e).message, suffix, exc_info=e if not isinstance(e, BaseError) else None)
