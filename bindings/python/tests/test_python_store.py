"""Stores written in Python: an exception in any callback becomes PTR_E_STORE for the
operation (never a crash), the callbacks stay alive with the store, and misuse of the
base class is a clear error."""

import gc
import logging

import pytest

import libptr
from dict_store import DictStore


class Faulty(DictStore):
    """DictStore whose method named by .fail raises .exc (once armed)."""

    fail = None
    exc = ValueError("disk on fire")

    def _maybe(self, name):
        if self.fail == name:
            raise self.exc


for _m in ("begin", "commit", "get", "insert", "replace", "remove", "count_owner", "count"):
    def _wrap(name):
        base = getattr(DictStore, name)

        def method(self, *a):
            if name == "commit":
                # A commit that fails still ends the transaction (store.h): undo and unlock.
                if self.fail == name:
                    DictStore.rollback(self, *a)
                    raise self.exc
            else:
                self._maybe(name)
            return base(self, *a)
        return method
    setattr(Faulty, _m, _wrap(_m))


def _scan(self, txn, filter, after):
    self._maybe("scan")
    return DictStore.scan(self, txn, filter, after)


Faulty.scan = _scan

SC = libptr.Scope("eu-de", "p1", "o1")


def refused(status, fn, *args, **kw):
    with pytest.raises(libptr.PtrError) as ei:
        fn(*args, **kw)
    assert ei.value.status == status, str(ei.value)
    return ei.value


@pytest.mark.parametrize("method,op", [
    ("begin", "create"), ("get", "get"), ("insert", "create"), ("count_owner", "create"),
    ("commit", "create"), ("replace", "update"), ("remove", "delete"), ("scan", "list"),
    ("count", "total"), ("get", "resolve"),
])
@pytest.mark.parametrize("exc", [ValueError("boom"), KeyboardInterrupt(), RecursionError()])
def test_exception_becomes_store_error(method, op, exc, caplog):
    st = Faulty()
    with libptr.Service(st) as svc:
        svc.create(SC, "203.0.113.1", ["m.example.com"])
        st.fail, st.exc = method, exc
        calls = {
            "create": lambda: svc.create(SC, "203.0.113.2", ["m.example.com"]),
            "get": lambda: svc.get(SC, "203.0.113.1"),
            "update": lambda: svc.update(SC, "203.0.113.1", ttl=5),
            "delete": lambda: svc.delete(SC, "203.0.113.1"),
            "list": lambda: list(svc.list(SC)),
            "total": lambda: svc.list_page(SC, total=True),
            "resolve": lambda: svc.resolve(SC, "203.0.113.1"),
        }
        with caplog.at_level(logging.ERROR, logger="libptr"):
            e = refused("PTR_E_STORE", calls[op])
        assert e.cloud_code
        assert st.last_exception is exc
        assert method in caplog.text
        # The failed operation changed nothing, and the store still works.
        st.fail = None
        assert [r.address for r in svc.list(SC)] == ["203.0.113.1"]
        assert svc.get(SC, "203.0.113.1").ttl == 300
        svc.create(SC, "203.0.113.3", ["m.example.com"])


def test_status_from_python_store():
    class Busy(DictStore):
        calls = 0

        def begin(self, write):
            self.calls += 1
            if self.calls <= 2:
                raise libptr.PtrError("PTR_E_BUSY")
            return super().begin(write)

    st = Busy()
    with libptr.Service(st) as svc:
        svc.create(SC, "203.0.113.1", ["m.example.com"])  # PTR_E_BUSY is retried
        assert st.calls == 3


@pytest.mark.parametrize("bad", [
    lambda self, txn, region, address: "not a record",
    lambda self, txn, region, address: libptr.Record.new(region, "p1", "o1", address,
                                                         ["m.example.com."], ttl=-1),
])
def test_bad_values_from_python_store(bad):
    class Bad(DictStore):
        get = bad

    with libptr.Service(Bad()) as svc:
        refused("PTR_E_STORE", svc.get, SC, "203.0.113.1")


@pytest.mark.parametrize("value", [-1, "3", 2**64, None])
def test_bad_counts(value):
    class Bad(DictStore):
        def count_owner(self, txn, owner):
            return value

    with libptr.Service(Bad()) as svc:
        refused("PTR_E_STORE", svc.create, SC, "203.0.113.1", ["m.example.com"])
        assert list(svc.list(SC)) == []


def test_scan_out_of_order_is_a_store_failure(caplog):
    class Unordered(DictStore):
        def scan(self, txn, filter, after):
            return sorted(super().scan(txn, filter, after), key=lambda r: r.address,
                          reverse=True)

    st = Unordered()
    with libptr.Service(st) as svc:
        for a in ("203.0.113.1", "203.0.113.2"):
            svc.create(SC, a, ["m.example.com"])
        refused("PTR_E_STORE", lambda: list(svc.list(SC)))
        assert "address order" in str(st.last_exception)


def test_rollback_raising_is_contained():
    class R(DictStore):
        def rollback(self, txn):
            super().rollback(txn)
            raise OSError("log full")

    st = R()
    with libptr.Service(st) as svc:
        svc.create(SC, "203.0.113.1", ["m.example.com"])
        refused("PTR_E_EXISTS", svc.create, SC, "203.0.113.1", ["m.example.com"])
        assert isinstance(st.last_exception, OSError)
        svc.create(SC, "203.0.113.2", ["m.example.com"])


def test_begin_keys_gets_the_keys():
    class Keys(DictStore):
        seen = []

        def begin_keys(self, write, region, addresses, owners):
            self.seen.append((write, region, addresses, owners))
            return self.begin(write)

    st = Keys()
    with libptr.Service(st) as svc:
        svc.create(SC, "203.0.113.9", ["m.example.com"])
        svc.delete_batch(SC, ["203.0.113.9"])
    assert st.seen[0] == (True, "eu-de", ("203.0.113.9",), ("o1",))
    assert st.seen[1][:3] == (True, "eu-de", ("203.0.113.9",))


def test_callbacks_live_as_long_as_the_store():
    st = DictStore()
    svc = libptr.Service(st)
    del st
    for _ in range(3):
        gc.collect()
    svc.create(SC, "203.0.113.1", ["m.example.com"])
    assert svc.get(SC, "203.0.113.1").revision == 1
    store = svc.store
    svc.close()
    store.close()


def test_base_class_misuse():
    with pytest.raises(TypeError):
        libptr.Store()

    class NoInit(libptr.Store):
        def __init__(self):
            pass

    with pytest.raises(TypeError, match="super"):
        libptr.Service(NoInit())

    class HalfLimits(DictStore):
        def owner_limit_get(self, txn, owner):
            return None

    with pytest.raises(TypeError, match="all four"):
        HalfLimits()

    class Missing(libptr.Store):
        pass

    with libptr.Service(Missing()) as svc:
        e = refused("PTR_E_STORE", svc.get, SC, "203.0.113.1")
        assert e.status == "PTR_E_STORE"
