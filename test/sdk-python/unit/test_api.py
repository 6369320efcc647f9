"""The public surface: the official SDK's names, the Message helpers and the decorators' call shapes."""

import asyncio
import unittest
from datetime import timedelta

import hotplug
import hotplug.core
import hotplug.errors
from hotplug import Message, batch_processor, processor

OFFICIAL_NAMES = [
    "processor", "batch_processor", "input", "batch_input", "output", "batch_output", "Message", "MessageBatch",
    "Value", "processor_main", "input_main", "output_main", "BaseError", "BackoffError", "NotConnectedError",
    "EndOfInputError",
]


def run(coro):
    return asyncio.run(coro)


class SurfaceTest(unittest.TestCase):
    def test_official_names_are_exported(self):
        for name in OFFICIAL_NAMES:
            self.assertIn(name, hotplug.__all__)
            self.assertTrue(hasattr(hotplug, name), name)
        # the official SDK's submodules too, for `from redpanda_connect.core import Input, AckFn`
        for name in ("Input", "AckFn", "Processor", "Output", "BatchPolicy", "Message"):
            self.assertTrue(hasattr(hotplug.core, name), name)
        for name in ("BaseError", "BackoffError", "NotConnectedError", "EndOfInputError"):
            self.assertIs(getattr(hotplug.errors, name), getattr(hotplug, name))

    def test_errors_keep_the_official_constructors(self):
        e = hotplug.BackoffError("slow", timedelta(seconds=1))
        self.assertEqual((e.message, e.duration), ("slow", timedelta(seconds=1)))
        self.assertTrue(hotplug.NotConnectedError().message)
        self.assertTrue(hotplug.EndOfInputError().message)
        self.assertIsInstance(hotplug.EndOfInputError(), hotplug.BaseError)


class MissingGrpcTest(unittest.TestCase):
    def test_an_interpreter_without_grpcio_gets_a_fix_not_just_a_module_error(self):
        import os
        import subprocess
        import sys

        code = "import sys; sys.modules['grpc'] = None; import hotplug"
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ))
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("needs grpcio", res.stderr)
        self.assertIn("HOTPLUG_PYTHON", res.stderr)


class MessageTest(unittest.TestCase):
    def test_fields_and_defaults(self):
        m = Message(b"x")
        self.assertEqual((m.payload, m.metadata, m.error), (b"x", {}, None))
        self.assertEqual(Message(payload=b"x", metadata={"a": 1}), Message(b"x", {"a": 1}))

    def test_is_a_dataclass_like_the_official_one(self):
        import dataclasses

        m = Message(b"x", {"k": 1})
        self.assertEqual(dataclasses.replace(m, payload=b"y"), Message(b"y", {"k": 1}))
        self.assertEqual([f.name for f in dataclasses.fields(Message)], ["payload", "metadata", "error"])

    def test_conversions(self):
        self.assertEqual(Message({"a": [1, None]}).as_bytes(), b'{"a":[1,null]}')
        self.assertEqual(Message("é").as_bytes(), "é".encode())
        self.assertEqual(Message(b'{"k": 2}').as_structured(), {"k": 2})
        self.assertEqual(Message(b"\xff").as_text(), "\ufffd")
        with self.assertRaises(ValueError):
            Message(b"not json").as_structured()


class DecoratorTest(unittest.TestCase):
    def test_processor_takes_config_only_when_it_asks_for_it(self):
        one = processor(lambda m: Message(m.payload + b"!"))({"ignored": True})
        two = processor(lambda m, cfg: Message(m.payload + cfg["suffix"].encode()))({"suffix": "?"})
        self.assertEqual(run(one.process([Message(b"a")])), [[Message(b"a!")]])
        self.assertEqual(run(two.process([Message(b"a")])), [[Message(b"a?")]])

    def test_process_each_gives_one_result_list_per_message(self):
        p = processor(lambda m: None if m.payload == b"drop" else m)({})
        out = run(p.process_each([Message(b"a"), Message(b"drop"), Message(b"b")]))
        self.assertEqual(out, [[Message(b"a")], [], [Message(b"b")]])

    def test_sync_callables_returning_coroutines_are_awaited(self):
        async def upper(m):
            return Message(m.payload.upper())

        p = processor(lambda m: upper(m))({})
        self.assertEqual(run(p.process([Message(b"a")])), [[Message(b"A")]])

    def test_returned_values_become_the_payload(self):
        p = processor(lambda m: {"len": len(m.payload)})({})
        self.assertEqual(run(p.process([Message(b"abc", {"k": "v"})])), [[Message({"len": 3}, {"k": "v"})]])

    def test_batch_processor_accepts_one_batch_or_many(self):
        single = batch_processor(lambda b: b[:1])({})
        many = batch_processor(lambda b, cfg: [b[:1], b[1:]])({})
        batch = [Message(b"a"), Message(b"b")]
        self.assertEqual(run(single.process(batch)), [[Message(b"a")]])
        self.assertEqual(run(many.process(batch)), [[Message(b"a")], [Message(b"b")]])
        self.assertFalse(hasattr(many, "process_each"), "batch processors never take the per-message path")

    def test_output_decorators_work_with_and_without_arguments(self):
        async def sink(config, messages):
            async for _ in messages:
                pass

        for deco in (hotplug.output, hotplug.output(), hotplug.output(max_in_flight=3), hotplug.batch_output):
            out, max_in_flight, policy = deco(sink)({})
            self.assertGreaterEqual(max_in_flight, 1)
            self.assertIsInstance(policy, hotplug.BatchPolicy)


if __name__ == "__main__":
    unittest.main()
