"""The message model plugins work with: `Message`, `MessageBatch` and `Value`."""

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

from .errors import BaseError

Value: TypeAlias = str | bytes | int | float | bool | datetime | dict[str, "Value"] | list["Value"] | None
"""A dynamically typed value: what structured payloads, metadata and config are made of."""

__all__ = ["Message", "MessageBatch", "Value"]


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(value).decode()
        except UnicodeDecodeError:
            return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not a Value")


@dataclass(slots=True)
class Message:
    """One message: a payload, metadata and an optional error.

    `payload` is `bytes` when the message carries raw bytes (a `str` is sent as
    its UTF-8 bytes), or any other `Value` when it is structured. A dataclass
    with the same fields as the official SDK's (so `dataclasses.replace` works),
    plus `as_bytes`, `as_text` and `as_structured` for the common conversions.
    """

    payload: "bytes | Value" = b""
    metadata: "dict[str, Value]" = field(default_factory=dict)
    error: "BaseError | None" = None

    def as_bytes(self) -> bytes:
        """The payload as bytes; a structured payload is serialised as JSON."""
        p = self.payload
        if isinstance(p, bytes):
            return p
        if isinstance(p, str):
            return p.encode()
        if isinstance(p, (bytearray, memoryview)):
            return bytes(p)
        return json.dumps(p, separators=(",", ":"), ensure_ascii=False, default=_json_default).encode()

    def as_text(self) -> str:
        """The payload as text (bytes decoded as UTF-8, structured values as JSON)."""
        p = self.payload
        return p if isinstance(p, str) else self.as_bytes().decode(errors="replace")

    def as_structured(self) -> "Value":
        """The payload as a structured value; bytes are parsed as JSON (raises ValueError if they are not JSON)."""
        p = self.payload
        if isinstance(p, (bytes, bytearray, memoryview, str)):
            return json.loads(p if isinstance(p, str) else bytes(p))
        return p


MessageBatch: TypeAlias = list[Message]
"""An ordered group of messages that moves through a pipeline together."""
