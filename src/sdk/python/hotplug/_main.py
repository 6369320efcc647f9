"""Entry points: `processor_main`, `input_main`, `output_main`.

Each is a coroutine, as in the official SDK: a plugin ends with
`asyncio.run(processor_main(my_processor))`, which returns when the plugin is
told to stop (see `_server`).
"""

from ._input_service import InputService
from ._inputs import InputConstructor
from ._output_service import OutputService
from ._outputs import OutputConstructor
from ._processor_service import ProcessorService
from ._processors import ProcessorConstructor
from ._server import serve

__all__ = ["processor_main", "input_main", "output_main"]


async def processor_main(ctor: ProcessorConstructor) -> None:
    """Serves a processor (from `@processor`, `@batch_processor` or your own constructor) until shutdown."""
    await serve(ProcessorService(ctor))


async def input_main(ctor: InputConstructor) -> None:
    """Serves an input (from `@input`, `@batch_input` or your own constructor) until shutdown."""
    await serve(InputService(ctor))


async def output_main(ctor: OutputConstructor) -> None:
    """Serves an output (from `@output`, `@batch_output` or your own constructor) until shutdown."""
    await serve(OutputService(ctor))
