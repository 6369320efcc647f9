"""{{name}}: a hotplug input plugin.

The generator's messages flow into the pipeline one batch at a time; when it
returns, the input has ended. Raise NotConnectedError to be reconnected, or
BackoffError to make the host wait before reading again.
"""

import asyncio

from hotplug import Message, input, input_main


@input
async def {{name}}(config: dict):
    for i in range(config.get("count", 3)):
        yield Message(payload=f"message {i + 1} from {{name}}".encode(), metadata={"index": i})


if __name__ == "__main__":
    asyncio.run(input_main({{name}}))
