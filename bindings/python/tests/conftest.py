"""Fixtures shared by the binding's tests.

The package is imported from this source tree (bindings/python), and the C
library from LIBPTR_LIBRARY (scripts/test.sh points it at the build of the same
run), so the tests always exercise this tree's binding on this tree's library.
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import libptr  # noqa: E402
from dict_store import DictStore, LimitDictStore  # noqa: E402

STORES = ["memory", "sqlite", "python", "python-limits"]


def make_store(kind, tmp_path, allocator=None):
    if kind == "memory":
        return libptr.MemoryStore(allocator=allocator)
    if kind == "sqlite":
        return libptr.SQLiteStore(str(tmp_path / "ptr.db"), allocator=allocator)
    if kind == "python":
        return DictStore()
    if kind == "python-limits":
        return LimitDictStore()
    raise ValueError(kind)


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    s = make_store(request.param, tmp_path)
    s.kind = request.param
    yield s
    s.close()


@pytest.fixture
def scope():
    return libptr.Scope("eu-de", "project-1", "account-7")
