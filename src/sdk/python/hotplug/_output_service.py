"""BatchOutputService: Init, Connect, Send and Close."""

from typing import Any

from ._contract import read_empty, read_init, read_send, write_error_only, write_output_init
from ._message import Message
from ._service import ComponentService
from ._util import ThrottledLog, as_error, maybe_await
from .errors import BaseError

_write_connect = write_error_only(1)
_write_send = write_error_only(1)
_write_close = write_error_only(1)


class OutputService(ComponentService):
    kind = "output"
    service_name = "redpanda.runtime.v1alpha1.BatchOutputService"

    def __init__(self, ctor: Any) -> None:
        super().__init__(ctor)
        self._report = ThrottledLog("output failed")

    def methods(self):
        return {
            "Init": (self.init, read_init),
            "Connect": (self.connect, read_empty),
            "Send": (self.send, read_send),
            "Close": (self.close, read_empty),
        }

    async def build(self, config: Any) -> bytes:
        try:
            made = await maybe_await(self._ctor(config))
            if not isinstance(made, tuple):
                made = (made,)
            component = made[0]
            max_in_flight = int(made[1]) if len(made) > 1 and made[1] else 1
            policy = made[2] if len(made) > 2 else None
            if max_in_flight < 1:
                raise ValueError(f"max_in_flight must be at least 1, got {max_in_flight}")
            body = write_output_init(None, max_in_flight, policy)
        except Exception as e:
            return write_output_init(as_error(e), 0, None)
        self.component = component
        return body

    async def connect(self, _: None, context: Any) -> bytes:
        error = self.not_ready()
        if error is None:
            try:
                await maybe_await(self.component.connect())
            except Exception as e:
                error = self._failed(e)
        return _write_connect(error)

    async def send(self, batch: list[Message], context: Any) -> bytes:
        error = self.not_ready()
        if error is None:
            try:
                await maybe_await(self.component.write_batch(batch))
            except Exception as e:
                error = self._failed(e)
        return _write_send(error)

    async def close(self, _: None, context: Any) -> bytes:
        return _write_close(await self.close_rpc())

    def _failed(self, e: Exception) -> BaseError:
        if not isinstance(e, BaseError):
            self._report(e)
        return as_error(e)
