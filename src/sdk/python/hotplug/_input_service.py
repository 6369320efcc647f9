"""BatchInputService: Init, Connect, ReadBatch, Ack and Close."""

from typing import Any

from ._contract import read_ack, read_empty, read_init, write_error_only, write_input_init, write_read
from ._service import ComponentService
from ._util import ThrottledLog, as_error, maybe_await
from .errors import BaseError

_write_connect = write_error_only(1)
_write_ack = write_error_only(2)
_write_close = write_error_only(1)


class InputService(ComponentService):
    kind = "input"
    service_name = "redpanda.runtime.v1alpha1.BatchInputService"

    def __init__(self, ctor: Any) -> None:
        super().__init__(ctor)
        self._acks: dict[int, Any] = {}
        self._next_id = 1
        self._report = ThrottledLog("input failed")

    def methods(self):
        return {
            "Init": (self.init, read_init),
            "Connect": (self.connect, read_empty),
            "ReadBatch": (self.read_batch, read_empty),
            "Ack": (self.ack, read_ack),
            "Close": (self.close, read_empty),
        }

    async def build(self, config: Any) -> bytes:
        try:
            made = await maybe_await(self._ctor(config))
        except Exception as e:
            return write_input_init(as_error(e), False)
        self.component, auto_replay = made if isinstance(made, tuple) else (made, True)
        return write_input_init(None, bool(auto_replay))

    async def connect(self, _: None, context: Any) -> bytes:
        error = self.not_ready()
        if error is None:
            try:
                await maybe_await(self.component.connect())
            except Exception as e:
                error = self._failed(e)
        return _write_connect(error)

    async def read_batch(self, _: None, context: Any) -> bytes:
        error = self.not_ready()
        if error is not None:
            return write_read(0, None, error)
        try:
            batch, ack = await maybe_await(self.component.read_batch())
        except Exception as e:
            return write_read(0, None, self._failed(e))
        batch_id = self._next_id
        self._next_id += 1
        self._acks[batch_id] = ack
        try:
            return write_read(batch_id, list(batch), None)
        except Exception as e:
            del self._acks[batch_id]
            return write_read(0, None, self._failed(e))

    async def ack(self, request: tuple[int, BaseError | None], context: Any) -> bytes:
        batch_id, nack = request
        ack = self._acks.pop(batch_id, None)
        if ack is None:
            return _write_ack(None)
        try:
            await maybe_await(ack(nack))
        except Exception as e:
            return _write_ack(self._failed(e))
        return _write_ack(None)

    async def close(self, _: None, context: Any) -> bytes:
        return _write_close(await self.close_rpc())

    def _failed(self, e: Exception) -> BaseError:
        if not isinstance(e, BaseError):  # the expected signals (end of input, not connected) are not logged
            self._report(e)
        return as_error(e)
