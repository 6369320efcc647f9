"""hotplug's Python SDK for writing plugins (processors, inputs, outputs).

The public names match the official Redpanda Connect Python SDK
(`redpanda_connect`), so porting a plugin means changing its import. On top of
it: processor functions may take the component's config as a second argument,
per-message processors let hotplug route results message by message, and the
plugin exits by itself when the host goes away.

    import asyncio
    from hotplug import Message, processor, processor_main

    @processor
    def shout(msg: Message, config: dict) -> Message:
        msg.payload = msg.as_text().upper()
        return msg

    asyncio.run(processor_main(shout))

Needs only grpcio (no protobuf, no generated code).
"""

from ._main import input_main, output_main, processor_main
from .core import (
    AckFn,
    BatchPolicy,
    Input,
    Message,
    MessageBatch,
    Output,
    Processor,
    Value,
    batch_input,
    batch_output,
    batch_processor,
    input,
    output,
    processor,
)
from ._wire import NanoDatetime
from .errors import BackoffError, BaseError, EndOfInputError, NotConnectedError

__all__ = [
    "input_main",
    "output_main",
    "processor_main",
    "Message",
    "NanoDatetime",
    "MessageBatch",
    "Value",
    "batch_input",
    "batch_processor",
    "batch_output",
    "input",
    "processor",
    "output",
    "BatchPolicy",
    "AckFn",
    "Input",
    "Output",
    "Processor",
    "BaseError",
    "BackoffError",
    "NotConnectedError",
    "EndOfInputError",
]
