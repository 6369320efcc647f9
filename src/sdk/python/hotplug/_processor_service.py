"""BatchProcessorService: Init, ProcessBatch (with hotplug's per-message results) and Close."""

from typing import Any

from ._contract import (
    read_empty,
    read_init,
    read_process_batch,
    write_error_only,
    write_process_batch,
    write_processor_init,
)
from ._message import Message
from ._service import ComponentService
from ._util import as_error, maybe_await
from ._wire import write_batch

_write_close = write_error_only(1)


class ProcessorService(ComponentService):
    kind = "processor"
    service_name = "redpanda.runtime.v1alpha1.BatchProcessorService"

    def __init__(self, ctor: Any) -> None:
        super().__init__(ctor)
        self._each: Any = None

    def methods(self):
        return {
            "Init": (self.init, read_init),
            "ProcessBatch": (self.process_batch, read_process_batch),
            "Close": (self.close, read_empty),
        }

    async def build(self, config: Any) -> bytes:
        self._each = None
        try:
            self.component = await maybe_await(self._ctor(config))
        except Exception as e:
            return write_processor_init(as_error(e), False)
        self._each = getattr(self.component, "process_each", None)
        return write_processor_init(None, self._each is not None)

    async def process_batch(self, request: tuple[list[Message], bool], context: Any) -> bytes:
        batch, per_message = request
        error = self.not_ready()
        if error is not None:
            return write_process_batch([], error)
        try:
            if per_message and self._each is not None:
                payloads = [m.payload for m in batch]
                results = await self._each(batch)
                if len(results) != len(batch):
                    raise RuntimeError(f"process_each returned {len(results)} results for {len(batch)} messages")
                try:
                    return write_process_batch(results, None)
                except (TypeError, ValueError, OverflowError):
                    return write_process_batch(_flag_unencodable(batch, payloads, results), None)
            results = await maybe_await(self.component.process(batch))
            return write_process_batch(results, _failure_summary(results))
        except Exception as e:
            # Not logged here: the error carries its traceback to the host, which logs it once.
            return write_process_batch([], as_error(e))

    async def close(self, _: None, context: Any) -> bytes:
        return _write_close(await self.close_rpc())


def _failure_summary(batches: list[list[Message]]) -> BaseException | None:
    """In the contract's own shape (what Redpanda Connect sends), flagged messages also give the
    response a batch-level error: Connect reads only that one (it ignores Message.error). hotplug's
    host sees the flagged messages and keeps the per-message outcome."""
    failed = [m for b in batches for m in b if m.error is not None]
    if not failed:
        return None
    total = sum(len(b) for b in batches)
    return RuntimeError(f"{len(failed)} of {total} messages failed: {failed[0].error}")


def _flag_unencodable(batch: list[Message], payloads: list[Any], results: list[list[Message]]) -> list[list[Message]]:
    """Replaces each result that cannot be encoded by its input message flagged
    with the reason, so one bad value fails one message, not the batch."""
    out = []
    for msg, payload, result in zip(batch, payloads, results):
        try:
            write_batch(result)
            out.append(result)
        except (TypeError, ValueError, OverflowError) as e:
            out.append([Message(payload, msg.metadata, as_error(e))])
    return out
