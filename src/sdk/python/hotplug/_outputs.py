"""Outputs: the `Output` protocol, `BatchPolicy` and the `output` / `batch_output` decorators."""

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, AsyncIterator, Callable, Protocol

from ._message import Message, MessageBatch, Value
from ._util import positional_arity
from .errors import NotConnectedError

__all__ = ["BatchPolicy", "Output", "OutputConstructor", "output", "batch_output"]


class Output(Protocol):
    """A sink for message batches.

    `connect` is called after Init and again whenever a call raised
    `NotConnectedError`. `write_batch` returns once the batch is delivered (the
    host then acks it upstream) and raises to nack it; up to `max_in_flight`
    calls run at once. `close` is called once at shutdown. Methods may be sync
    or async.
    """

    async def connect(self) -> None: ...

    async def write_batch(self, batch: MessageBatch) -> None: ...

    async def close(self) -> None: ...


@dataclass
class BatchPolicy:
    """How the host should group messages into batches before `write_batch`.
    Zero values are off; `period` may be a timedelta or a Go-style duration string ("500ms")."""

    byte_size: int = 0
    count: int = 0
    period: "timedelta | str" = timedelta()
    check: str = ""


OutputConstructor = Callable[[Value], "tuple[Output, int, BatchPolicy]"]
"""Receives the config and returns (output, max_in_flight, batch_policy)."""


class _FuncOutput:
    """Runs `func(config, batches)` from connect on; each `write_batch` hands
    one batch to it and returns when the function asks for the next one (it is
    then done with this one), or raises what the function raised.

    A function that fails or returns is finished: waiting writes fail, later
    writes report not-connected, and the host's next connect starts it again.
    """

    def __init__(self, func: Callable[..., Any], config: Value) -> None:
        self._func = func
        self._config = config
        self._queue: asyncio.Queue[tuple[MessageBatch, asyncio.Future[None]]] = asyncio.Queue()
        self._task: asyncio.Task[Any] | None = None

    async def connect(self) -> None:
        await self._stop()
        self._queue = asyncio.Queue()  # the host bounds the queue: at most max_in_flight writes wait
        feed = self._feed(self._queue)
        call = self._func(self._config, feed) if positional_arity(self._func) >= 2 else self._func(feed)
        self._task = asyncio.ensure_future(call)

    @staticmethod
    async def _feed(queue: "asyncio.Queue[tuple[MessageBatch, asyncio.Future[None]]]") -> AsyncIterator[MessageBatch]:
        while True:
            batch, done = await queue.get()
            yield batch
            if not done.done():
                done.set_result(None)

    async def write_batch(self, batch: MessageBatch) -> None:
        task = self._task
        if task is None or task.done():
            raise NotConnectedError("the output function is not running")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((batch, done))
        await asyncio.wait((done, task), return_when=asyncio.FIRST_COMPLETED)
        if done.done():
            return done.result()
        if task.cancelled():
            raise NotConnectedError("the output was closed")
        err = task.exception()
        if err is not None:
            raise err
        raise NotConnectedError("the output function returned before taking the batch")

    async def close(self) -> None:
        await self._stop()

    async def _stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass


def _decorator_or_direct(make: Callable[[Callable[..., Any]], Any], args: tuple[Any, ...]) -> Any:
    # `@output` without parentheses passes the function itself as the first argument.
    if len(args) == 1 and callable(args[0]):
        return make(args[0])
    return make


def batch_output(*args: Any, max_in_flight: int = 1, batch_policy: BatchPolicy | None = None) -> Any:
    """Wraps `async func(config, batches)` that reads batches in a loop.

    Example:

        @batch_output(max_in_flight=4, batch_policy=BatchPolicy(count=100, period="1s"))
        async def to_stdout(config, batches):
            async for batch in batches:
                print([m.as_text() for m in batch])
    """
    if args and not callable(args[0]):
        max_in_flight = args[0]
        if len(args) > 1:
            batch_policy = args[1]
        args = ()

    def make(func: Callable[..., Any]) -> OutputConstructor:
        def ctor(config: Value) -> "tuple[Output, int, BatchPolicy]":
            return _FuncOutput(func, config), max_in_flight, batch_policy or BatchPolicy()

        return ctor

    return _decorator_or_direct(make, args)


def output(*args: Any, max_in_flight: int = 1) -> Any:
    """Wraps `async func(config, messages)` that reads messages one at a time in a loop."""
    if args and not callable(args[0]):
        max_in_flight = args[0]
        args = ()

    def make(func: Callable[..., Any]) -> OutputConstructor:
        takes_config = positional_arity(func) >= 2

        async def per_batch(config: Value, batches: AsyncIterator[MessageBatch]) -> None:
            async def messages() -> AsyncIterator[Message]:
                async for batch in batches:
                    for msg in batch:
                        yield msg

            await (func(config, messages()) if takes_config else func(messages()))

        return batch_output(max_in_flight=max_in_flight)(per_batch)

    return _decorator_or_direct(make, args)
