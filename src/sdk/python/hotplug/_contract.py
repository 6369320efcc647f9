"""Requests and responses of the three plugin services, on top of `_wire`.

Each `read_*` is a gRPC request deserializer (bytes -> Python), each `write_*`
builds a response body (Python -> bytes). Field numbers follow
proto/redpanda/runtime/v1alpha1/{processor,input,output}.proto.
"""

from datetime import timedelta

from ._message import Message, Value
from ._wire import (
    field_bytes,
    fields,
    int64,
    read_batch,
    read_error,
    read_value,
    varint,
    write_batch,
    write_error,
)
from .errors import BaseError

# hotplug extension fields (number 1001, see processor.proto)
_PER_MESSAGE_TAG = varint((1001 << 3) | 0)


def read_empty(data: bytes) -> None:
    return None


def read_init(data: bytes) -> Value:
    """Any `Batch*InitRequest`: the component's config (None when absent)."""
    config: Value = None
    for num, wt, v in fields(data, 0, len(data)):
        if num == 1 and wt == 2:
            config = read_value(data, v[0], v[1])
    return config


def read_process_batch(data: bytes) -> tuple[list[Message], bool]:
    """`BatchProcessorProcessBatchRequest`: (batch, hotplug_per_message_results)."""
    batch: list[Message] = []
    per_message = False
    for num, wt, v in fields(data, 0, len(data)):
        if num == 1 and wt == 2:
            batch = read_batch(data, v[0], v[1])
        elif num == 1001 and wt == 0:
            per_message = v != 0
    return batch, per_message


def read_send(data: bytes) -> list[Message]:
    """`BatchOutputSendRequest`: the batch."""
    for num, wt, v in fields(data, 0, len(data)):
        if num == 1 and wt == 2:
            return read_batch(data, v[0], v[1])
    return []


def read_ack(data: bytes) -> tuple[int, BaseError | None]:
    """`BatchInputAckRequest`: (batch_id, the nack's error or None for an ack)."""
    batch_id = 0
    error = None
    for num, wt, v in fields(data, 0, len(data)):
        if num == 1 and wt == 0:
            batch_id = v
        elif num == 2 and wt == 2:
            error = read_error(data, v[0], v[1])
    return batch_id, error


def identity(data: bytes) -> bytes:
    """Response serializer: handlers already return encoded bytes."""
    return data


def error_field(number: int, error: BaseException | None) -> bytes:
    """The `Error error = number` field of a response, or nothing."""
    if error is None:
        return b""
    return field_bytes((number << 3) | 2, write_error(error))


def write_processor_init(error: BaseException | None, per_message: bool) -> bytes:
    out = error_field(1, error)
    if per_message and error is None:
        out += _PER_MESSAGE_TAG + b"\x01"
    return out


def write_process_batch(batches: list[list[Message]], error: BaseException | None) -> bytes:
    parts = []
    for batch in batches:
        body = write_batch(batch)
        parts.append(b"\x0a")
        parts.append(varint(len(body)))
        parts.append(body)
    parts.append(error_field(2, error))
    return b"".join(parts)


def write_input_init(error: BaseException | None, auto_replay_nacks: bool) -> bytes:
    return error_field(1, error) + (b"\x10\x01" if auto_replay_nacks else b"")


def write_read(batch_id: int, batch: list[Message] | None, error: BaseException | None) -> bytes:
    out = b"\x08" + varint(batch_id) if batch_id else b""
    if batch is not None:
        out += field_bytes(18, write_batch(batch))
    return out + error_field(3, error)


def write_output_init(error: BaseException | None, max_in_flight: int, policy: "BatchPolicyLike | None") -> bytes:
    out = error_field(1, error)
    if max_in_flight:
        out += b"\x10" + int64(max_in_flight)
    if policy is not None:
        body = write_batch_policy(policy)
        if body:
            out += field_bytes(26, body)
    return out


class BatchPolicyLike:
    byte_size: int
    count: int
    check: str
    period: "timedelta | str"


def format_period(period: "timedelta | str | int | float") -> str:
    """A period as a Go duration string ("250ms", "1500us"); numbers are seconds."""
    if isinstance(period, str):
        return period
    if not isinstance(period, timedelta):
        period = timedelta(seconds=period)
    micros = (period.days * 86400 + period.seconds) * 1_000_000 + period.microseconds
    if micros <= 0:
        return ""
    return f"{micros // 1000}ms" if micros % 1000 == 0 else f"{micros}us"


def write_batch_policy(p: BatchPolicyLike) -> bytes:
    out = b""
    if p.byte_size:
        out += b"\x08" + int64(p.byte_size)
    if p.count:
        out += b"\x10" + int64(p.count)
    if p.check:
        out += field_bytes(26, p.check.encode())
    period = format_period(p.period) if p.period else ""
    if period:
        out += field_bytes(34, period.encode())
    return out


def write_error_only(number: int):
    """A writer for responses that only carry `Error error = number`."""

    def write(error: BaseException | None) -> bytes:
        return error_field(number, error)

    return write
