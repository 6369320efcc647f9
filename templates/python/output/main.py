"""{{name}}: a hotplug output plugin.

Messages are acknowledged (and their HTTP requests answered) once the loop
has taken them without raising. Raise to nack: the host retries the batch.
"""

import asyncio
import logging

from hotplug import output, output_main

log = logging.getLogger("{{name}}")


@output
async def {{name}}(messages):
    async for msg in messages:
        # hotplug re-logs what a plugin writes to stderr under the plugin's name.
        log.info("received %s (metadata %s)", msg.as_text(), msg.metadata)


if __name__ == "__main__":
    asyncio.run(output_main({{name}}))
