"""{{name}}: a hotplug processor plugin.

Each message comes in, the returned message goes on. Return None to drop it;
raise an exception to mark just this message as failed (the pipeline's
`catch`/`try` processors see it).
"""

import asyncio

from hotplug import Message, processor, processor_main


@processor
def {{name}}(msg: Message, config: dict) -> Message:
    # Example transform: upper-case the text.
    #     msg.payload = msg.as_text().upper()
    #
    # Example of reading a config field declared in plugin.yaml:
    #     msg.payload = config.get("prefix", "") + msg.as_text()
    #
    # JSON payloads arrive parsed when they were structured; metadata is a dict:
    #     msg.metadata["seen_by"] = "{{name}}"
    return msg


if __name__ == "__main__":
    asyncio.run(processor_main({{name}}))
