"""Inputs: the `Input` protocol and the `input` / `batch_input` decorators."""

import asyncio
from typing import Any, AsyncIterator, Awaitable, Callable, Protocol

from ._message import MessageBatch, Value
from ._util import positional_arity
from .errors import BaseError, EndOfInputError, NotConnectedError

__all__ = ["AckFn", "AutoRetryNacks", "Input", "InputConstructor", "input", "batch_input"]

AckFn = Callable[[BaseError | None], Awaitable[None]]
"""Called once the batch has gone through the pipeline: with None when it was
delivered (ack) or with the error when it was not (nack)."""

AutoRetryNacks = bool
"""True: the host replays nacked batches itself. False: the nack goes to the
input's ack function (for sources that can redeliver, such as queues)."""


class Input(Protocol):
    """A source of message batches.

    `connect` is called after Init and again whenever a call raised
    `NotConnectedError`. `read_batch` returns a batch and its ack function and
    raises `EndOfInputError` when there is nothing more, `NotConnectedError`
    when the connection is lost, `BackoffError` to make the host wait. Commit
    or checkpoint only in the ack function, to keep at-least-once delivery.
    `close` is called once at shutdown. Methods may be sync or async.
    """

    async def connect(self) -> None: ...

    async def read_batch(self) -> tuple[MessageBatch, AckFn]: ...

    async def close(self) -> None: ...


InputConstructor = Callable[[Value], "tuple[Input, AutoRetryNacks]"]
"""Receives the config and returns (input, auto_retry_nacks); returning just
the input means auto_retry_nacks=True."""


async def _no_ack(_: BaseError | None) -> None:
    pass


class _IteratorInput:
    """Reads batches from a (sync or async) generator made at connect time.

    A generator cannot be rewound, so acks are no-ops and the host replays
    nacks (auto_retry_nacks). A generator that raised is finished: the next read
    reports not-connected and the following connect starts a fresh one.
    """

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._iter: Any = None
        # A generator cannot be resumed twice at once; concurrent reads take turns.
        self._reading = asyncio.Lock()

    async def connect(self) -> None:
        if self._iter is None:
            it = self._make()
            self._iter = it if hasattr(it, "__anext__") else _AsyncOf(iter(it))

    async def read_batch(self) -> tuple[MessageBatch, AckFn]:
        async with self._reading:
            it = self._iter
            if it is None:
                raise NotConnectedError()
            try:
                batch = await it.__anext__()
            except StopAsyncIteration:
                raise EndOfInputError() from None
            except BaseException:
                self._iter = None
                raise
        return batch, _no_ack

    async def close(self) -> None:
        it, self._iter = self._iter, None
        if it is not None and hasattr(it, "aclose"):
            await it.aclose()


class _AsyncOf:
    def __init__(self, it: Any) -> None:
        self._it = it

    async def __anext__(self) -> Any:
        try:
            return next(self._it)
        except StopIteration:
            raise StopAsyncIteration from None


def _call_with_config(func: Callable[..., Any], config: Value) -> Any:
    return func(config) if positional_arity(func) >= 1 else func()


def batch_input(func: Callable[..., Any]) -> InputConstructor:
    """Wraps a generator (async or not) of message batches, `func(config)` or `func()`.

    Example:

        @batch_input
        async def numbers(config):
            for i in range(config["count"]):
                yield [Message(str(i).encode())]
    """

    def ctor(config: Value) -> tuple[Input, AutoRetryNacks]:
        return _IteratorInput(lambda: _call_with_config(func, config)), True

    return ctor


def input(func: Callable[..., Any]) -> InputConstructor:
    """Wraps a generator (async or not) of messages, `func(config)` or `func()`;
    each message is its own batch."""

    async def batches(config: Value) -> AsyncIterator[MessageBatch]:
        it = _call_with_config(func, config)
        if hasattr(it, "__anext__"):
            async for msg in it:
                yield [msg]
        else:
            for msg in it:
                yield [msg]

    return batch_input(batches)

