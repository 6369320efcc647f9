"""Processors: the `Processor` protocol and the `processor` / `batch_processor` decorators."""

import asyncio
import inspect
from typing import Any, Callable, Protocol

from ._message import Message, MessageBatch, Value
from ._util import as_error, maybe_await, positional_arity

__all__ = ["Processor", "ProcessorConstructor", "processor", "batch_processor"]


class Processor(Protocol):
    """A processor turns one batch into zero or more batches.

    `process` returns the resulting batches; an empty list drops the batch.
    Raising fails the whole batch (the host marks every message with the
    error). Failures about single messages are reported by setting that
    message's `error` and returning it. `close` is called once, after the last
    `process`. Both may be sync or async.

    Optional hotplug extension: a processor that handles each message on its
    own may also define `process_each(batch)`, returning one list of result
    messages per input message, in order (empty when that message is dropped).
    The host then merges concurrent batches into one call and still routes
    every result back to the request it came from.
    """

    async def process(self, batch: MessageBatch) -> list[MessageBatch]: ...

    async def close(self) -> None: ...


ProcessorConstructor = Callable[[Value], Processor]
"""Receives the component's config (a dict of the manifest's fields) and returns the processor."""


def _config_passer(func: Callable[..., Any], extra_args: int) -> Callable[[Value], Callable[..., Any]]:
    """Hands `config` to `func` only when it takes one more positional argument
    than the official SDK's form, so both `f(msg)` and `f(msg, config)` work."""
    if positional_arity(func) > extra_args:
        return lambda config: lambda *args: func(*args, config)
    return lambda config: func


def batch_processor(func: Callable[..., Any]) -> ProcessorConstructor:
    """Wraps `func(batch)` or `func(batch, config)` (sync or async) returning a
    list of batches (a single list of messages is taken as one batch).

    Example:

        @batch_processor
        def dedupe(batch: MessageBatch) -> list[MessageBatch]:
            seen = set()
            return [[m for m in batch if not (m.payload in seen or seen.add(m.payload))]]
    """
    bind = _config_passer(func, 1)

    def ctor(config: Value) -> Processor:
        return _BatchFuncProcessor(bind(config))

    return ctor


class _BatchFuncProcessor:
    def __init__(self, func: Callable[[MessageBatch], Any]) -> None:
        self._func = func

    async def process(self, batch: MessageBatch) -> list[MessageBatch]:
        result = await maybe_await(self._func(batch))
        if result is None:
            return []
        result = list(result)
        if result and isinstance(result[0], Message):
            return [result]
        return result

    async def close(self) -> None:
        pass


def processor(func: Callable[..., Any]) -> ProcessorConstructor:
    """Wraps `func(message)` or `func(message, config)` (sync or async) that
    handles one message at a time.

    `func` may return the message (changed or not), a new `Message`, a list of
    messages (the input becomes several), None or `[]` (the message is dropped),
    or any other value, which becomes the input message's new payload (its
    metadata is kept). An exception flags only that message with the error and
    passes it on unchanged, so `catch` and `try` in the pipeline can handle it.

    Example:

        @processor
        def shout(msg: Message, config: dict) -> Message:
            msg.payload = msg.as_text().upper() + config["suffix"]
            return msg
    """
    bind = _config_passer(func, 1)
    is_async = inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None))

    def ctor(config: Value) -> Processor:
        return _MessageFuncProcessor(bind(config), is_async)

    return ctor


class _MessageFuncProcessor:
    def __init__(self, func: Callable[[Message], Any], is_async: bool) -> None:
        self._func = func
        self._is_async = is_async

    async def process(self, batch: MessageBatch) -> list[MessageBatch]:
        return [[m for results in await self.process_each(batch) for m in results]]

    async def process_each(self, batch: MessageBatch) -> list[MessageBatch]:
        if self._is_async:
            return list(await asyncio.gather(*[self._one_async(m) for m in batch]))
        func = self._func
        out = []
        append = out.append
        for msg in batch:
            payload = msg.payload
            try:
                result = func(msg)
            except Exception as e:
                append(self._failed(msg, payload, e))
                continue
            if type(result) is Message:  # the common case first
                append([result])
                continue
            if inspect.isawaitable(result):  # a sync callable that hands back a coroutine
                try:
                    result = await result
                except Exception as e:
                    append(self._failed(msg, payload, e))
                    continue
            append(_results(msg, result))
        return out

    async def _one_async(self, msg: Message) -> MessageBatch:
        payload = msg.payload
        try:
            return _results(msg, await maybe_await(self._func(msg)))
        except Exception as e:
            return self._failed(msg, payload, e)

    def _failed(self, msg: Message, payload: Any, e: Exception) -> MessageBatch:
        # Not logged here: the error carries its traceback to the host, which logs it once.
        return [Message(payload, msg.metadata, as_error(e))]

    async def close(self) -> None:
        pass


def _results(msg: Message, result: Any) -> MessageBatch:
    if isinstance(result, Message):
        return [result]
    if result is None:
        return []
    if isinstance(result, (list, tuple)) and all(isinstance(m, Message) for m in result):
        return list(result)
    msg.payload = result
    return [msg]
