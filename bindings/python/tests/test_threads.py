"""The service from 8 Python threads: the races of tests/test_concurrency.c (quota
boundary, one address, mixed traffic) over every store, and the GIL released in C."""

import random
import threading
import time

import pytest

import libptr
from test_store_conformance import Raw, rec

THREADS = 8


def run_threads(fn):
    go = threading.Barrier(THREADS)
    results = [None] * THREADS
    errors = []

    def body(i):
        go.wait()
        try:
            results[i] = fn(i)
        except BaseException as e:  # reported below: a thread must not die silently
            errors.append(e)

    th = [threading.Thread(target=body, args=(i,)) for i in range(THREADS)]
    for t in th:
        t.start()
    for t in th:
        t.join(60)
        assert not t.is_alive(), "a thread hangs"
    assert not errors, errors
    return results


def status_of(call):
    try:
        call()
        return "ok"
    except libptr.PtrError as e:
        return e.status


def test_quota_race(store):
    p = libptr.Policy.huawei()
    p.max_records_per_owner = 5
    sc = libptr.Scope("eu-de", "p1", "o1")
    with libptr.Service(store, p) as svc:
        for a in ("198.51.100.1", "198.51.100.2"):
            svc.create(sc, a, ["m.example.com"])
        got = run_threads(lambda i: status_of(
            lambda: svc.create(libptr.Scope("eu-de", f"p{i}", "o1"), f"203.0.113.{10 + i}",
                               ["m.example.com"])))
        assert got.count("ok") == 3 and got.count("PTR_E_QUOTA") == 5, got
        assert svc.quota("o1") == libptr.Quota(5, 5)


def test_same_address_race(store):
    with libptr.Service(store) as svc:
        got = run_threads(lambda i: status_of(
            lambda: svc.create(libptr.Scope("eu-de", f"p{i}", f"o{i}"), "203.0.113.200",
                               ["m.example.com"])))
        assert got.count("ok") == 1 and got.count("PTR_E_EXISTS") == 7, got


def test_mixed_traffic(store):
    """Creates, updates, gets, lists and deletes from 8 threads on a shared pool of
    addresses; afterwards every owner's count equals its records, and no operation
    failed other than by a rule."""
    p = libptr.Policy.huawei()
    p.max_records_per_owner = 6
    pool = [f"203.0.113.{i}" for i in range(1, 25)]
    allowed = {"ok", "PTR_E_EXISTS", "PTR_E_QUOTA", "PTR_E_NOT_FOUND", "PTR_E_CONFLICT"}
    with libptr.Service(store, p) as svc:
        def worker(i):
            rnd = random.Random(i)
            sc = libptr.Scope("eu-de", "p1", f"o{i % 3}")
            seen = set()
            for _ in range(60):
                a = rnd.choice(pool)
                op = rnd.randrange(5)
                if op == 0:
                    st = status_of(lambda: svc.create(sc, a, ["m.example.com"]))
                elif op == 1:
                    st = status_of(lambda: svc.update(sc, a, ttl=rnd.randrange(1, 999)))
                elif op == 2:
                    st = status_of(lambda: svc.get(sc, a))
                elif op == 3:
                    st = status_of(lambda: list(svc.list(sc, limit=3)))
                else:
                    st = status_of(lambda: svc.delete(sc, a))
                seen.add(st)
            return seen

        for seen in run_threads(worker):
            assert seen <= allowed, seen
        recs = list(svc.list(libptr.Scope("eu-de", "p1")))
        for o in ("o0", "o1", "o2"):
            q = svc.quota(o)
            assert q.used == sum(r.owner == o for r in recs) <= 6


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_gil_is_released_in_c(kind, tmp_path):
    """A create blocked in C on the store's lock must not hold the GIL: this thread
    still runs, and ends the transaction that blocks it. With the GIL held across the
    foreign call this would deadlock (the join would time out)."""
    from conftest import make_store
    st = make_store(kind, tmp_path)
    svc = libptr.Service(st)
    raw = Raw(st)
    t = raw.begin(True)
    done = []
    th = threading.Thread(target=lambda: done.append(
        svc.create(libptr.Scope("r1", "p1", "o1"), "203.0.113.5", ["m.example.com"])))
    th.start()
    time.sleep(0.1)
    assert th.is_alive() and not done  # waiting in C for the write lock
    assert raw.insert(t, rec("203.0.113.4")) == 0
    assert raw.commit(t) == 0
    th.join(10)
    assert done and done[0].address == "203.0.113.5"
    svc.close()
    st.close()


def test_pure_functions_from_threads():
    addrs = [f"198.51.{i // 256}.{i % 256}" for i in range(2000)]
    want = [libptr.revname(a) for a in addrs]
    got = run_threads(lambda i: [libptr.revname(a) for a in addrs])
    assert all(g == want for g in got)
