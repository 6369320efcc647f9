"""Message classes built at run time from the repo's protos, as an independent
reference to check the hand-written codec against.

They come from test/fixtures/python/contract.binpb, a FileDescriptorSet of
proto/. Regenerate it after changing proto/ (from the repo root):
    npx buf build proto --exclude-source-info -o test/fixtures/python/contract.binpb
"""

import os

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def _descriptor_set() -> bytes:
    with open(os.path.join(ROOT, "test", "fixtures", "python", "contract.binpb"), "rb") as f:
        return f.read()


_pool = descriptor_pool.DescriptorPool()
for _file in descriptor_pb2.FileDescriptorSet.FromString(_descriptor_set()).file:
    _pool.Add(_file)


def message_class(name: str):
    desc = _pool.FindMessageTypeByName("redpanda.runtime.v1alpha1." + name)
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.24
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(_pool).GetPrototype(desc)
