"""The store conformance rules of tests/store_conformance.c, at store level (the exported
ptr_store_* calls), for every store the binding can make: the memory store, the SQLite
store, and the two stores written in Python (tests/dict_store.py)."""

import ctypes
import threading
import time


import libptr
from libptr import _native as N
from libptr._core import record_from_c, record_to_c

lib = N.lib
OK, EXISTS, QUOTA, NOT_FOUND = 0, 40, 41, 42


class Raw:
    """The store's slots, called as libptr calls them."""

    def __init__(self, store):
        self.h = store._checked_handle()

    def begin(self, write=True):
        t = N.TXN()
        st = lib.ptr_store_begin(self.h, 1 if write else 0, ctypes.byref(t))
        assert st == OK
        return t

    def commit(self, t):
        return lib.ptr_store_commit(self.h, t)

    def rollback(self, t):
        lib.ptr_store_rollback(self.h, t)

    def _crec(self, r):
        rec = ctypes.c_void_p()
        assert lib.ptr_record_new(None, ctypes.byref(rec)) == OK
        assert record_to_c(r, rec) == OK
        return rec

    def insert(self, t, r):
        rec = self._crec(r)
        try:
            return lib.ptr_store_insert(self.h, t, rec)
        finally:
            lib.ptr_record_free(rec)

    def insert_checked(self, t, r, limit):
        rec = self._crec(r)
        try:
            return lib.ptr_store_insert_checked(self.h, t, rec, limit)
        finally:
            lib.ptr_record_free(rec)

    def replace(self, t, r):
        rec = self._crec(r)
        try:
            return lib.ptr_store_replace(self.h, t, rec)
        finally:
            lib.ptr_record_free(rec)

    def get(self, t, region, address):
        rec = ctypes.c_void_p()
        assert lib.ptr_record_new(None, ctypes.byref(rec)) == OK
        try:
            a = libptr._core._parse_addr_any(address)
            b = region.encode()
            st = lib.ptr_store_get(self.h, t, b, len(b), a, rec)
            return st, (record_from_c(rec) if st == OK else None)
        finally:
            lib.ptr_record_free(rec)

    def remove(self, t, region, address):
        a = libptr._core._parse_addr_any(address)
        b = region.encode()
        return lib.ptr_store_remove(self.h, t, b, len(b), a)

    def count_owner(self, t, owner):
        n = ctypes.c_uint64()
        b = owner.encode()
        assert lib.ptr_store_count_owner(self.h, t, b, len(b), ctypes.byref(n)) == OK
        return n.value

    def _filter(self, region="", project="", owner="", name="", tags=None):
        f = N.ptr_store_filter()
        lib.ptr_store_filter_init(ctypes.byref(f))
        keep = []
        for fld, v in (("region", region), ("project", project), ("owner", owner),
                       ("name", name)):
            b = v.encode()
            keep.append(b)
            getattr(f, fld).s, getattr(f, fld).len = b, len(b)
        if tags:
            pairs = [(k.encode(), None if v is None else v.encode()) for k, v in tags.items()]
            arr = libptr._core._tag_array(pairs)
            keep += [pairs, arr]
            f.tags, f.tag_count = arr, len(pairs)
        return f, keep

    def scan(self, t, after=None, stop_after=None, **flt):
        f, keep = self._filter(**flt)
        seen = []

        def visit(_ctx, rec):
            seen.append(record_from_c(rec))
            return 1 if stop_after and len(seen) >= stop_after else 0

        cb = N.VISIT_FN(visit)
        a = libptr._core._parse_addr_any(after) if after else None
        st = lib.ptr_store_scan(self.h, t, ctypes.byref(f), a, cb, None)
        assert st == OK
        return [r.address for r in seen]

    def count(self, t, **flt):
        f, keep = self._filter(**flt)
        n = ctypes.c_uint64()
        assert lib.ptr_store_count(self.h, t, ctypes.byref(f), ctypes.byref(n)) == OK
        return n.value

    def count_all(self, t, store):
        """A count over every region: the count slot of version 3. The memory and SQLite
        stores of main 1d0d265 are still version 2 tables, for which libptr counts with
        scan and refuses an empty region (PTR_E_UNSUPPORTED); a Python store has the slot."""
        f, keep = self._filter()
        n = ctypes.c_uint64()
        st = lib.ptr_store_count(self.h, t, ctypes.byref(f), ctypes.byref(n))
        if st == 4 and store.kind in ("memory", "sqlite"):
            return None
        assert st == OK
        return n.value

    def put(self, r):
        t = self.begin()
        st = self.insert(t, r)
        if st == OK:
            return self.commit(t)
        self.rollback(t)
        return st


def rec(addr, region="r1", project="p1", owner="o1", names=("n1.example.com.",), **kw):
    return libptr.Record.new(region, project, owner, addr, names, **kw)


def test_empty_store(store):
    s = Raw(store)
    t = s.begin(False)
    assert s.get(t, "r1", "203.0.113.1")[0] == NOT_FOUND
    assert s.count_owner(t, "o1") == 0
    assert s.scan(t, region="r1") == []
    assert s.count(t, region="r1") == 0 and s.count_all(t, store) in (0, None)
    s.rollback(t)


def test_insert_get_roundtrip(store):
    s = Raw(store)
    import datetime
    tm = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
    r = rec("2001:db8::7", names=("a.example.com.", "b.example.com."), ttl=77,
            description="dé", tags={"k": "v", "e": ""}, created_at=tm, revision=9)
    assert s.put(r) == OK
    t = s.begin(False)
    st, got = s.get(t, "r1", "2001:db8::7")
    s.rollback(t)
    assert st == OK and got == r


def test_insert_duplicate(store):
    s = Raw(store)
    assert s.put(rec("203.0.113.1")) == OK
    assert s.put(rec("203.0.113.1", owner="o2", project="p2")) == EXISTS
    t = s.begin(False)
    assert s.get(t, "r1", "203.0.113.1")[1].owner == "o1"
    assert s.count_owner(t, "o2") == 0
    s.rollback(t)
    assert s.put(rec("203.0.113.1", region="r2")) == OK  # the key is (region, address)


def test_insert_checked_rules(store):
    s = Raw(store)
    assert s.put(rec("203.0.113.1")) == OK
    t = s.begin()
    assert s.insert_checked(t, rec("203.0.113.1"), 1) == EXISTS  # EXISTS before QUOTA
    assert s.insert_checked(t, rec("203.0.113.2"), 1) == QUOTA
    assert s.insert_checked(t, rec("203.0.113.2"), 2) == OK
    assert s.commit(t) == OK
    t = s.begin(False)
    assert s.count_owner(t, "o1") == 2
    s.rollback(t)


def test_replace_and_remove(store):
    s = Raw(store)
    assert s.put(rec("203.0.113.1")) == OK
    t = s.begin()
    assert s.replace(t, rec("203.0.113.1", ttl=5, revision=2)) == OK
    assert s.replace(t, rec("203.0.113.2")) == NOT_FOUND
    assert s.remove(t, "r1", "203.0.113.2") == NOT_FOUND
    assert s.get(t, "r1", "203.0.113.1")[1].ttl == 5
    assert s.commit(t) == OK
    t = s.begin()
    assert s.remove(t, "r1", "203.0.113.1") == OK
    assert s.get(t, "r1", "203.0.113.1")[0] == NOT_FOUND
    assert s.commit(t) == OK


def test_rollback_undoes_everything(store):
    s = Raw(store)
    for a in ("203.0.113.1", "203.0.113.2"):
        assert s.put(rec(a)) == OK
    t = s.begin()
    assert s.insert(t, rec("203.0.113.3")) == OK
    assert s.replace(t, rec("203.0.113.1", ttl=1)) == OK
    assert s.remove(t, "r1", "203.0.113.2") == OK
    assert s.count_owner(t, "o1") == 2
    s.rollback(t)
    t = s.begin(False)
    assert s.scan(t, region="r1") == ["203.0.113.1", "203.0.113.2"]
    assert s.get(t, "r1", "203.0.113.1")[1].ttl == 300
    s.rollback(t)


def test_scan_and_count(store):
    s = Raw(store)
    rows = [rec("10.0.0.1", tags={"env": "prod"}), rec("9.0.0.1", owner="o2"),
            rec("2001:db8::1", project="p2", names=("x.example.com.",)),
            rec("255.0.0.1", tags={"env": "dev"}), rec("9.0.0.1", region="r2")]
    for r in rows:
        assert s.put(r) == OK
    t = s.begin(False)
    assert s.scan(t, region="r1") == ["9.0.0.1", "10.0.0.1", "255.0.0.1", "2001:db8::1"]
    assert s.scan(t, region="r1", after="10.0.0.1") == ["255.0.0.1", "2001:db8::1"]
    assert s.scan(t, region="r1", stop_after=2) == ["9.0.0.1", "10.0.0.1"]
    assert s.scan(t, region="r1", owner="o2") == ["9.0.0.1"]
    assert s.scan(t, region="r1", project="p2") == ["2001:db8::1"]
    assert s.scan(t, region="r1", name="x.example.com.") == ["2001:db8::1"]
    assert s.scan(t, region="r1", tags={"env": None}) == ["10.0.0.1", "255.0.0.1"]
    assert s.scan(t, region="r1", tags={"env": "dev"}) == ["255.0.0.1"]
    assert s.count(t, region="r1") == 4 and s.count_all(t, store) in (5, None)
    assert s.count(t, region="r1", tags={"env": None}) == 2
    assert s.count(t, region="r1", owner="o1") == 3 and s.count_owner(t, "o1") == 4
    if store.kind.startswith("python"):
        assert s.count_all(t, store) == 5
    s.rollback(t)


def _race(store, limit, same):
    """tests/store_conformance.c's race_thread from 8 Python threads: in one write
    transaction, insert_checked (odd threads) or get, count_owner, insert (even ones)."""
    s = Raw(store)
    results = [None] * 8
    go = threading.Barrier(8)

    def worker(i):
        r = rec("203.0.113.200" if same else f"203.0.113.{10 + i}")
        go.wait()
        t = s.begin()
        if i & 1:
            st = s.insert_checked(t, r, limit)
        else:
            st, _ = s.get(t, "r1", r.address)
            if st == OK:
                st = EXISTS
            elif st == NOT_FOUND:
                st = QUOTA if s.count_owner(t, "o1") >= limit else s.insert(t, r)
        if st == OK:
            st = s.commit(t)
        else:
            s.rollback(t)
        results[i] = st

    th = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    t = s.begin(False)
    n = s.count_owner(t, "o1")
    s.rollback(t)
    return results, n


def test_race_quota_boundary(store):
    s = Raw(store)
    for a in ("198.51.100.1", "198.51.100.2"):
        assert s.put(rec(a)) == OK
    results, n = _race(store, 5, False)
    assert results.count(OK) == 3 and results.count(QUOTA) == 5 and n == 5


def test_race_same_address(store):
    results, n = _race(store, 100, True)
    assert results.count(OK) == 1 and results.count(EXISTS) == 7 and n == 1


def test_write_txns_are_isolated(store):
    """A write transaction begun while another is open waits for it, and sees its insert.
    A store with no-op transactions fails here."""
    s = Raw(store)
    t = s.begin()
    seen = []

    def second():
        t2 = s.begin()
        seen.append(s.count_owner(t2, "o1"))
        s.rollback(t2)

    th = threading.Thread(target=second)
    th.start()
    time.sleep(0.05)
    assert seen == []
    assert s.insert(t, rec("203.0.113.1")) == OK
    assert s.commit(t) == OK
    th.join()
    assert seen == [1]


def test_owner_limits(store):
    s = Raw(store)
    if not store.has_owner_limits:
        t = s.begin()
        n = ctypes.c_uint64()
        assert lib.ptr_store_owner_limit_get(s.h, t, b"o1", 2, ctypes.byref(n)) == 4  # UNSUPPORTED
        s.rollback(t)
        return
    t = s.begin()
    for o, lim in (("o2", 7), ("o1", 3), ("o10", 1)):
        assert lib.ptr_store_owner_limit_set(s.h, t, o.encode(), len(o), lim) == OK
    n = ctypes.c_uint64()
    assert lib.ptr_store_owner_limit_get(s.h, t, b"o1", 2, ctypes.byref(n)) == OK and n.value == 3
    assert lib.ptr_store_owner_limit_get(s.h, t, b"o3", 2, ctypes.byref(n)) == NOT_FOUND
    assert lib.ptr_store_owner_limit_remove(s.h, t, b"o3", 2) == NOT_FOUND
    seen = []
    cb = N.LIMIT_VISIT_FN(lambda _c, o, ol, lim: seen.append((o[:ol].decode(), lim)) or 0)
    assert lib.ptr_store_owner_limit_scan(s.h, t, cb, None) == OK
    assert seen == [("o1", 3), ("o10", 1), ("o2", 7)]
    assert lib.ptr_store_owner_limit_remove(s.h, t, b"o1", 2) == OK
    s.rollback(t)
    t = s.begin()
    assert lib.ptr_store_owner_limit_get(s.h, t, b"o2", 2, ctypes.byref(n)) == NOT_FOUND
    s.rollback(t)
