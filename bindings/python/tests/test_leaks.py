"""No leak over a million binding calls, on both sides of the ABI.

Python side: tracemalloc's traced memory after the calls (and a gc pass) is
compared with the memory after a warm-up; a leak of even one small object per
call would add tens of megabytes over a million calls.

C side: every allocation libptr makes for the service, its records, list pages
and the memory store goes through a libptr.CountingAllocator (the ptr_allocator
hooks of libptr/alloc.h, implemented over the C library's malloc with a live
block table). Its live blocks must be the same after the calls as after the
warm-up, and zero once the service and the store are closed. (The small
ptr_store handle is malloc()ed by ptr_store_new itself, by contract, and the
SQLite store's own memory is SQLite's: neither can pass through the hook, so
the check runs over the memory store and a store written in Python.)

LIBPTR_LEAK_CALLS scales the run (default 1000000).
"""

import gc
import os
import tracemalloc

import libptr
from dict_store import DictStore

CALLS = int(os.environ.get("LIBPTR_LEAK_CALLS", "1000000"))


def refusal(fn, *args):
    try:
        fn(*args)
    except libptr.PtrError:
        return
    raise AssertionError("expected a refusal")


def test_no_leak_over_a_million_calls():
    alloc = libptr.CountingAllocator()
    mem = libptr.MemoryStore(allocator=alloc)
    svc = libptr.Service(mem, allocator=alloc, clock=lambda: 1_700_000_000)
    py = DictStore()
    pysvc = libptr.Service(py, allocator=alloc)
    sc = libptr.Scope("eu-de", "p1", "o1")
    svc.create(sc, "203.0.113.1", ["keep.example.com"], tags={"env": "prod"})

    round_ = [
        lambda: libptr.revname("203.0.113.10"),
        lambda: libptr.revname("2001:db8::1"),
        lambda: libptr.parse_revname("10.113.0.203.in-addr.arpa."),
        lambda: libptr.normalize_name("Mail.Example.COM"),
        lambda: libptr.parse_ttl("1h30m"),
        lambda: libptr.check_request("203.0.113.10", ["mail.example.com"], tags={"a": "b"}),
        lambda: refusal(libptr.check_request, "203.0.113.0/24", ["mail.example.com"]),
        lambda: refusal(libptr.revname, "nope"),
        lambda: libptr.revname("198.51.100.7"),
        lambda: libptr.normalize_name("a.example.net"),
        lambda: svc.create(sc, "203.0.113.10", ["mail.example.com"], description="d",
                           tags={"k": "v"}),
        lambda: svc.update(sc, "203.0.113.10", ttl=60, names=["x.example.com"]),
        lambda: svc.list_page(sc, limit=5, total=True),
        lambda: svc.resolve(sc, "203.0.113.99"),
        lambda: libptr.revname("203.0.113.11", fqdn=False),
        lambda: libptr.parse_ttl("300"),
        lambda: libptr.revzone("203.0.113.0/24"),
        lambda: refusal(libptr.check_request, "2001:db8::1", ["v6.example.com"]),
        lambda: refusal(libptr.normalize_name, "bad..name"),
        lambda: svc.delete(sc, "203.0.113.10"),
        lambda: refusal(svc.get, sc, "203.0.113.10"),
        lambda: refusal(svc.create, sc, "203.0.113.1", ["m.example.com"]),
        lambda: pysvc.create(sc, "203.0.113.20", ["p.example.com"]),
        lambda: pysvc.delete(sc, "203.0.113.20"),
        lambda: svc.quota(sc),
    ]
    rounds = max(1, CALLS // len(round_))

    tracemalloc.start()
    try:
        for _ in range(200):
            for op in round_:
                op()
        gc.collect()
        py_before = tracemalloc.get_traced_memory()[0]
        c_before = (alloc.live_blocks, alloc.live_bytes)
        calls_before = alloc.calls
        for _ in range(rounds):
            for op in round_:
                op()
        gc.collect()
        py_after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    calls = rounds * len(round_)
    print(f"\n{calls} calls: Python traced memory {py_before} -> {py_after} bytes; "
          f"C live blocks {c_before[0]} -> {alloc.live_blocks} "
          f"({c_before[1]} -> {alloc.live_bytes} bytes) over {alloc.calls - calls_before} "
          f"C allocations")
    assert calls >= CALLS - len(round_)
    assert alloc.calls - calls_before > calls // 4  # the hook really saw the C side
    assert (alloc.live_blocks, alloc.live_bytes) == c_before
    # A leak of one 16-byte object per call would be 16 MB; 64 KiB is caches and freelists.
    assert py_after - py_before < 64 * 1024, (py_before, py_after)

    pysvc.close()
    svc.close()
    mem.close()
    py.close()
    assert (alloc.live_blocks, alloc.live_bytes) == (0, 0)
