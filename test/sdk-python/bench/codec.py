"""Decode + encode speed of a ProcessBatch round on the plugin side: hotplug's
hand-written codec vs. protobuf message classes built at run time from a
descriptor set (the alternative that avoids protoc gencode skew), including
the conversion between protobuf objects and SDK `Message`s that the second
needs. Prints a table. Run: PYTHONPATH=src/sdk/python python3 test/sdk-python/bench/codec.py
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "unit"))

from _proto_classes import message_class  # noqa: E402
from google.protobuf.internal import api_implementation  # noqa: E402

import google.protobuf  # noqa: E402
from hotplug import Message  # noqa: E402
from hotplug import _contract as contract  # noqa: E402

Req = message_class("BatchProcessorProcessBatchRequest")
Resp = message_class("BatchProcessorProcessBatchResponse")


def request(n: int, size: int, metadata: bool) -> bytes:
    req = Req()
    for i in range(n):
        m = req.batch.messages.add(bytes=bytes([i % 256]) * size)
        if metadata:
            m.metadata.fields["http_server_request_path"].string_value = "/post"
            m.metadata.fields["id"].integer_value = i
            m.metadata.fields["content-type"].string_value = "application/json"
    return req.SerializeToString()


def value_from_proto(pv):
    kind = pv.WhichOneof("kind")
    if kind == "struct_value":
        return {k: value_from_proto(v) for k, v in pv.struct_value.fields.items()}
    if kind == "list_value":
        return [value_from_proto(v) for v in pv.list_value.values]
    return None if kind in (None, "null_value") else getattr(pv, kind)


def value_to_proto(v, pv) -> None:
    if isinstance(v, str):
        pv.string_value = v
    elif isinstance(v, bool):
        pv.bool_value = v
    elif isinstance(v, int):
        pv.integer_value = v
    else:
        raise TypeError(type(v))


def desc_decode(data: bytes) -> list[Message]:
    req = Req.FromString(data)
    out = []
    for m in req.batch.messages:
        payload = m.bytes if m.WhichOneof("payload") == "bytes" else value_from_proto(m.structured)
        md = {k: value_from_proto(v) for k, v in m.metadata.fields.items()} if m.HasField("metadata") else {}
        out.append(Message(payload, md))
    return out


def desc_encode(results: list[list[Message]]) -> bytes:
    resp = Resp()
    for batch in results:
        pb = resp.batches.add()
        for msg in batch:
            pm = pb.messages.add(bytes=msg.payload)
            for k, v in msg.metadata.items():
                value_to_proto(v, pm.metadata.fields[k])
    return resp.SerializeToString()


def hand_decode(data: bytes) -> list[Message]:
    return contract.read_process_batch(data)[0]


def hand_encode(results: list[list[Message]]) -> bytes:
    return contract.write_process_batch(results, None)


def bench(decode, encode, data: bytes, rounds: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    for _ in range(rounds):
        msgs = decode(data)
    t1 = time.perf_counter()
    results = [[m] for m in msgs]  # per-message results: one batch per message
    for _ in range(rounds):
        encode(results)
    t2 = time.perf_counter()
    return (t1 - t0) / rounds, (t2 - t1) / rounds


def main() -> None:
    print(f"python {sys.version.split()[0]}, protobuf {google.protobuf.__version__} ({api_implementation.Type()} backend)")
    print(f"{'codec':<22}{'batch':>12}{'metadata':>10}{'decode ms':>11}{'encode ms':>11}{'msgs/s':>12}")
    for n, size, metadata in ((1000, 256, False), (1000, 256, True), (100, 256, True), (10, 256, True)):
        data = request(n, size, metadata)
        rounds = max(20, 20000 // n)
        for name, dec, enc in (("hand-written", hand_decode, hand_encode), ("descriptor classes", desc_decode, desc_encode)):
            bench(dec, enc, data, 3)  # warm up
            d, e = bench(dec, enc, data, rounds)
            print(f"{name:<22}{f'{n}x{size}B':>12}{'3 keys' if metadata else 'none':>10}{d * 1e3:>11.3f}{e * 1e3:>11.3f}{n / (d + e):>12,.0f}")


if __name__ == "__main__":
    main()
