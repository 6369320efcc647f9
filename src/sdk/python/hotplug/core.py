"""The component API under the module path of the official SDK's
`redpanda_connect.core`, so `from redpanda_connect.core import Input, AckFn`
ports by changing the package name only."""

from ._inputs import AckFn, AutoRetryNacks, Input, InputConstructor, batch_input, input
from ._message import Message, MessageBatch, Value
from ._outputs import BatchPolicy, Output, OutputConstructor, batch_output, output
from ._processors import Processor, ProcessorConstructor, batch_processor, processor

__all__ = [
    "AckFn",
    "AutoRetryNacks",
    "BatchPolicy",
    "Input",
    "InputConstructor",
    "Message",
    "MessageBatch",
    "Output",
    "OutputConstructor",
    "Processor",
    "ProcessorConstructor",
    "Value",
    "batch_input",
    "batch_output",
    "batch_processor",
    "input",
    "output",
    "processor",
]
