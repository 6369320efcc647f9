"""hotplug's example Python processor: lexicon-based sentiment scoring."""

import asyncio
import json

from hotplug import Message, processor, processor_main
from scorer import score


@processor
def sentiment(msg: Message, config: dict) -> Message:
    text = _text_of(msg, config.get("text_field", "text"))
    result = score(text, float(config.get("threshold", 0.05)))
    msg.payload = result.as_dict(bool(config.get("explain", False)))
    msg.metadata["sentiment"] = result.label
    return msg


def _text_of(msg: Message, field: str) -> str:
    payload = msg.payload
    if isinstance(payload, dict):
        doc = payload
    else:
        text = msg.as_text()
        if not text.lstrip().startswith("{"):
            return text
        doc = json.loads(text)
    value = doc.get(field)
    if not isinstance(value, str):
        raise ValueError(f'expected the text in the JSON field "{field}" (set text_field to use another one)')
    return value


if __name__ == "__main__":
    asyncio.run(processor_main(sentiment))
