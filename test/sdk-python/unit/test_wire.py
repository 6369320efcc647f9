"""The hand-written codec agrees with protobuf's own encoder and decoder, both ways."""

import math
import unittest
from datetime import datetime, timedelta, timezone

from _proto_classes import message_class

from hotplug import BackoffError, BaseError, EndOfInputError, Message, NotConnectedError
from hotplug import _contract as contract
from hotplug import _wire as wire

PValue = message_class("Value")
PMessage = message_class("Message")
PBatch = message_class("MessageBatch")
PError = message_class("Error")

SAMPLES = [
    None,
    True,
    False,
    0,
    1,
    -1,
    127,
    128,
    2**63 - 1,
    -(2**63),
    0.0,
    -2.5,
    1e300,
    math.inf,
    "",
    "héllo wörld ✓ 𝄞",
    b"",
    bytes(range(256)),
    datetime(2024, 2, 29, 12, 30, 45, 123456, tzinfo=timezone.utc),
    datetime(1969, 7, 20, 20, 17, 40, 500000, tzinfo=timezone.utc),
    [],
    [1, "two", [3.5, None], {"k": b"\x00"}],
    {},
    {"a": {"b": {"c": [True, {"d": -7}]}}, "": "empty key"},
]


def to_python(pv) -> object:
    """protobuf Value -> Python, written independently of the codec under test."""
    kind = pv.WhichOneof("kind")
    if kind in (None, "null_value"):
        return None
    if kind == "struct_value":
        return {k: to_python(v) for k, v in pv.struct_value.fields.items()}
    if kind == "list_value":
        return [to_python(v) for v in pv.list_value.values]
    if kind == "timestamp_value":
        ts = pv.timestamp_value
        return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)
    return getattr(pv, kind)


def from_python(v, pv) -> None:
    """Python -> protobuf Value, independently of the codec under test."""
    if v is None:
        pv.null_value = 0
    elif isinstance(v, bool):
        pv.bool_value = v
    elif isinstance(v, int):
        pv.integer_value = v
    elif isinstance(v, float):
        pv.double_value = v
    elif isinstance(v, str):
        pv.string_value = v
    elif isinstance(v, bytes):
        pv.bytes_value = v
    elif isinstance(v, datetime):
        delta = v - datetime(1970, 1, 1, tzinfo=timezone.utc)
        micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        pv.timestamp_value.seconds, rest = divmod(micros, 1_000_000)
        pv.timestamp_value.nanos = rest * 1000
    elif isinstance(v, dict):
        pv.struct_value.SetInParent()
        for k, x in v.items():
            from_python(x, pv.struct_value.fields[k])
    elif isinstance(v, list):
        pv.list_value.SetInParent()
        for x in v:
            from_python(x, pv.list_value.values.add())


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


class ValueTest(unittest.TestCase):
    def test_written_values_parse_with_protobuf(self):
        for v in SAMPLES:
            with self.subTest(v=v):
                parsed = to_python(PValue.FromString(wire.write_value(v)))
                self.assertTrue(same(parsed, v), f"{parsed!r} != {v!r}")

    def test_protobuf_values_read_back(self):
        for v in SAMPLES:
            with self.subTest(v=v):
                pv = PValue()
                from_python(v, pv)
                data = pv.SerializeToString()
                self.assertTrue(same(wire.read_value(data, 0, len(data)), v))

    def test_nan_and_naive_datetimes(self):
        data = wire.write_value(math.nan)
        self.assertTrue(math.isnan(wire.read_value(data, 0, len(data))))
        naive = datetime(2020, 1, 2, 3, 4, 5)
        data = wire.write_value(naive)
        self.assertEqual(wire.read_value(data, 0, len(data)), naive.replace(tzinfo=timezone.utc))

    def test_tuples_and_bytearrays_are_lists_and_bytes(self):
        data = wire.write_value((1, bytearray(b"x")))
        self.assertEqual(wire.read_value(data, 0, len(data)), [1, b"x"])

    def test_unsupported_values_fail_clearly(self):
        with self.assertRaisesRegex(TypeError, "set"):
            wire.write_value({1, 2})
        with self.assertRaises(OverflowError):
            wire.write_value(2**64)
        with self.assertRaisesRegex(TypeError, "keys must be str"):
            wire.write_value({1: "x"})


class MessageTest(unittest.TestCase):
    def test_batch_roundtrip_through_protobuf(self):
        batch = [
            Message(b"raw", {"k": "v", "n": 3, "nested": {"x": [1]}}),
            Message({"structured": [1, 2.5, None]}),
            Message(b"", {}),
            Message(bytes(range(256)) * 4, {}, BaseError("boom")),
            Message(b"x", {}, BackoffError("slow down", timedelta(seconds=1, milliseconds=500))),
            Message(b"x", {}, NotConnectedError()),
            Message(b"x", {}, EndOfInputError()),
            Message("text", {}),
        ]
        parsed = PBatch.FromString(wire.write_batch(batch))
        self.assertEqual(len(parsed.messages), len(batch))
        self.assertEqual(parsed.messages[0].bytes, b"raw")
        self.assertEqual({k: to_python(v) for k, v in parsed.messages[0].metadata.fields.items()}, batch[0].metadata)
        self.assertEqual(to_python(parsed.messages[1].structured), batch[1].payload)
        self.assertEqual(parsed.messages[2].WhichOneof("payload"), "bytes")
        self.assertEqual(parsed.messages[3].error.message, "boom")
        self.assertEqual(parsed.messages[4].error.backoff.seconds, 1)
        self.assertEqual(parsed.messages[4].error.backoff.nanos, 500_000_000)
        self.assertEqual(parsed.messages[5].error.WhichOneof("detail"), "not_connected")
        self.assertEqual(parsed.messages[6].error.WhichOneof("detail"), "end_of_input")
        self.assertEqual(parsed.messages[7].bytes, b"text")

        data = parsed.SerializeToString()
        back = wire.read_batch(data, 0, len(data))
        self.assertEqual([m.payload for m in back], [b"raw", batch[1].payload, b"", batch[3].payload, b"x", b"x", b"x", b"text"])
        self.assertEqual(back[0].metadata, batch[0].metadata)
        self.assertIsNone(back[0].error)
        self.assertEqual(type(back[3].error), BaseError)
        self.assertEqual(back[3].error.message, "boom")
        self.assertIsInstance(back[4].error, BackoffError)
        self.assertEqual(back[4].error.duration, timedelta(seconds=1.5))
        self.assertIsInstance(back[5].error, NotConnectedError)
        self.assertIsInstance(back[6].error, EndOfInputError)

    def test_empty_error_message_means_no_error(self):
        pm = PMessage(bytes=b"x")
        pm.error.SetInParent()
        data = PBatch(messages=[pm]).SerializeToString()
        self.assertIsNone(wire.read_batch(data, 0, len(data))[0].error)
        # and an exception without text still produces a non-empty message
        self.assertEqual(PError.FromString(wire.write_error(ValueError())).message, "ValueError")

    def test_message_without_payload_has_empty_bytes(self):
        data = PBatch(messages=[PMessage()]).SerializeToString()
        self.assertEqual(wire.read_batch(data, 0, len(data))[0].payload, b"")

    def test_negative_backoff_keeps_signs_consistent(self):
        e = PError.FromString(wire.write_error(BackoffError("x", timedelta(milliseconds=-1500))))
        self.assertEqual((e.backoff.seconds, e.backoff.nanos), (-1, -500_000_000))


class ContractTest(unittest.TestCase):
    def test_process_batch_request_with_extension(self):
        Req = message_class("BatchProcessorProcessBatchRequest")
        req = Req(hotplug_per_message_results=True)
        req.batch.messages.add(bytes=b"a")
        req.batch.messages.add(bytes=b"b")
        batch, per_message = contract.read_process_batch(req.SerializeToString())
        self.assertEqual([m.payload for m in batch], [b"a", b"b"])
        self.assertTrue(per_message)
        _, per_message = contract.read_process_batch(Req().SerializeToString())
        self.assertFalse(per_message)

    def test_unknown_fields_are_skipped(self):
        Req = message_class("BatchProcessorProcessBatchRequest")
        req = Req()
        req.batch.messages.add(bytes=b"a")
        extra = b"\xa8\x1f\x05" + b"\xb2\x1f\x03abc" + b"\xbd\x1f\x01\x02\x03\x04" + b"\xb9\x1f" + bytes(8)
        batch, _ = contract.read_process_batch(req.SerializeToString() + extra)
        self.assertEqual([m.payload for m in batch], [b"a"])

    def test_responses_parse_with_protobuf(self):
        InitResp = message_class("BatchProcessorInitResponse")
        self.assertTrue(InitResp.FromString(contract.write_processor_init(None, True)).hotplug_per_message)
        failed = InitResp.FromString(contract.write_processor_init(BaseError("bad config"), True))
        self.assertEqual((failed.error.message, failed.hotplug_per_message), ("bad config", False))

        Resp = message_class("BatchProcessorProcessBatchResponse")
        r = Resp.FromString(contract.write_process_batch([[Message(b"a")], [], [Message(b"b"), Message(b"c")]], None))
        self.assertEqual([[m.bytes for m in b.messages] for b in r.batches], [[b"a"], [], [b"b", b"c"]])
        self.assertFalse(r.HasField("error"))

        ReadResp = message_class("BatchInputReadResponse")
        rr = ReadResp.FromString(contract.write_read(2**40, [Message(b"x")], None))
        self.assertEqual((rr.batch_id, rr.batch.messages[0].bytes), (2**40, b"x"))

        Ack = message_class("BatchInputAckRequest")
        ack = Ack(batch_id=7)
        ack.error.message = "nope"
        self.assertEqual(contract.read_ack(ack.SerializeToString())[0], 7)
        self.assertEqual(contract.read_ack(ack.SerializeToString())[1].message, "nope")
        AckResp = message_class("BatchInputAckResponse")
        self.assertEqual(AckResp.FromString(contract.write_error_only(2)(BaseError("e"))).error.message, "e")

        OutInit = message_class("BatchOutputInitResponse")
        from hotplug import BatchPolicy

        o = OutInit.FromString(contract.write_output_init(None, 8, BatchPolicy(count=10, byte_size=5, period=timedelta(seconds=1.5), check="true")))
        self.assertEqual((o.max_in_flight, o.batch_policy.count, o.batch_policy.byte_size), (8, 10, 5))
        self.assertEqual((o.batch_policy.period, o.batch_policy.check), ("1500ms", "true"))
        self.assertEqual(contract.format_period(timedelta(microseconds=1500)), "1500us")

        InInit = message_class("BatchInputInitResponse")
        self.assertTrue(InInit.FromString(contract.write_input_init(None, True)).auto_replay_nacks)

        Cfg = message_class("BatchProcessorInitRequest")
        cfg = Cfg()
        from_python({"threshold": 0.5, "words": ["a"]}, cfg.config)
        self.assertEqual(contract.read_init(cfg.SerializeToString()), {"threshold": 0.5, "words": ["a"]})
        self.assertIsNone(contract.read_init(b""))


if __name__ == "__main__":
    unittest.main()
