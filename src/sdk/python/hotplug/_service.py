"""What the three component services share: the component's lifetime."""

import asyncio
from typing import Any, Callable

from ._util import as_error, log, maybe_await
from .errors import BaseError

Handler = Callable[[Any, Any], Any]


class ComponentService:
    """Owns one component from Init to close.

    Init runs the constructor once per distinct config: the host retries Init
    until it gets an answer, so a retry that arrives after a slow constructor
    finished gets the first answer again instead of building a second component.

    `close_component` is idempotent: the Close RPC and shutdown paths (SIGTERM,
    the host going away) share the first call's task, so the component's
    `close` runs exactly once. `on_close` tells the server a Close RPC came.
    """

    kind = "component"
    service_name = ""

    def __init__(self, ctor: Callable[..., Any]) -> None:
        self._ctor = ctor
        self.component: Any = None
        self._closing: asyncio.Task[BaseException | None] | None = None
        self.on_close: Callable[[], None] = lambda: None
        self._init_lock = asyncio.Lock()
        self._init_answer: tuple[Any, bytes] | None = None  # (config, response)

    async def build(self, config: Any) -> bytes:
        """Constructs the component (setting `self.component`) and returns the Init response."""
        raise NotImplementedError

    async def init(self, config: Any, context: Any) -> bytes:
        async with self._init_lock:
            if self._init_answer is not None and self._init_answer[0] == config:
                return self._init_answer[1]
            old, self.component = self.component, None
            if old is not None and hasattr(old, "close"):
                try:  # re-initialised with another config: the old component goes
                    await maybe_await(old.close())
                except Exception:
                    log.warning("closing the previous %s failed", self.kind, exc_info=True)
            answer = await self.build(config)
            self._init_answer = (config, answer)
            return answer

    def methods(self) -> dict[str, tuple[Handler, Callable[[bytes], Any]]]:
        """Method name -> (async handler(request, context) returning response bytes, request deserializer)."""
        raise NotImplementedError

    def not_ready(self) -> BaseError | None:
        if self.component is None:
            return BaseError(f"{self.kind} is not initialised: Init was not called or failed")
        if self._closing is not None:
            return BaseError(f"{self.kind} is closed")
        return None

    def close_component(self) -> "asyncio.Task[BaseException | None]":
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close())
        return self._closing

    async def _close(self) -> BaseException | None:
        component = self.component
        if component is None or not hasattr(component, "close"):
            return None
        try:
            await maybe_await(component.close())
            return None
        except Exception as e:
            log.error("%s close failed", self.kind, exc_info=True)
            return as_error(e)

    async def close_rpc(self) -> BaseException | None:
        error = await self.close_component()
        self.on_close()
        return error
