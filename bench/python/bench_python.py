#!/usr/bin/python3
"""libptr from Python beside what a Python programmer would otherwise use, in one run.

    LIBPTR_LIBRARY=build/bench/src/libptr.so.2 PYTHONPATH=bindings/python \\
        /usr/bin/python3 bench/python/bench_python.py [--quick]

Reverse names: libptr.revname against ipaddress's reverse_pointer and dnspython's
dns.reversename.from_address (Debian python3-dnspython), IPv4 and IPv6; the target is
libptr at least 5x faster than dnspython. Request checks: libptr.check_request against
the same rules written with ipaddress and dnspython (address, names, TTL). Then the
binding's own cost per call, in ns: a ctypes round trip to a C function that does
nothing, the two C calls of revname made directly through ctypes, and what the Python
wrapper adds to them.

Each figure is the median of 9 rounds; a round times a loop of N calls of every
case, one case after the other, so that a change in the machine's load hits every case
alike. The load (uptime) is printed beside the figures because the machine may be shared.
"""

import ctypes
import ipaddress
import os
import statistics
import subprocess
import sys
import time

import re

import dns.name
import dns.reversename

import libptr
from libptr import _native as N

REPEATS = 9


def measure(cases):
    """cases: {name: (loop_fn, n)} -> {name: median ns per call}, rounds interleaved."""
    runs = {k: [] for k in cases}
    for _ in range(REPEATS):
        for k, (fn, n) in cases.items():
            t = time.perf_counter_ns()
            fn(n)
            runs[k].append((time.perf_counter_ns() - t) / n)
    return {k: statistics.median(v) for k, v in runs.items()}


def loop(f, arg):
    def run(n):
        for _ in range(n):
            f(arg)
    return run


def c_revname_ns():
    """ns per IPv4 text -> revname in C alone, from the C benchmark, or None."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    exe = os.environ.get("PTR_BENCH") or os.path.join(root, "build", "bench", "bench",
                                                      "ptr_bench")
    if not os.access(exe, os.X_OK):
        return None
    out = subprocess.run([exe, "addr"], capture_output=True, text=True, timeout=900).stdout
    m = re.search(r"IPv4 text -> revname\s+libptr ptr_addr_parse\+ptr_revname\s+([0-9.]+) ns/op",
                  out)
    return float(m.group(1)) if m else None


def uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg())


# Baselines -------------------------------------------------------------------------------

def ipaddress_rev(a):
    return ipaddress.ip_address(a).reverse_pointer + "."


def dns_rev(a):
    return dns.reversename.from_address(a).to_text()


def python_check(address, names, ttl):
    """The checks of check_request that the standard library and dnspython can express."""
    a = ipaddress.ip_address(address)  # raises ValueError
    if a.version != 4:
        raise ValueError("IPv6 not allowed")
    if not 1 <= len(names) <= 10:
        raise ValueError("1..10 names")
    seen = set()
    for n in names:
        name = dns.name.from_text(n)  # raises on bad syntax, long labels, long names
        if len(name.labels) < 3 or name.labels[-2].isdigit():
            raise ValueError("a host name")
        for label in name.labels[:-1]:
            if not label.replace(b"-", b"").isalnum() or label[:1] == b"-" or label[-1:] == b"-":
                raise ValueError("LDH labels")
        if name in seen:
            raise ValueError("duplicate")
        seen.add(name)
    if not 1 <= ttl <= 2147483647:
        raise ValueError("ttl")


def main():
    quick = "--quick" in sys.argv
    n = 20_000 if quick else 200_000
    v4, v6 = "203.0.113.10", "2001:db8:85a3::8a2e:370:7334"
    for a in (v4, v6):  # the same answers, or the comparison means nothing
        assert libptr.revname(a) == ipaddress_rev(a) == dns_rev(a), a
    names = ["mail.example.com", "smtp.example.com"]
    libptr.check_request(v4, names, ttl=3600)
    python_check(v4, names, 3600)

    print(f"libptr {libptr.version()} ({libptr.LIBRARY_PATH}), Python {sys.version.split()[0]}, "
          f"dnspython {dns.version.version}")
    print(f"uptime: {uptime()}")
    print(f"median of {REPEATS} loops of {n} calls, ns per call\n")

    raw = ctypes.CDLL(N.LIBRARY_PATH)
    noop = raw.ptr_addr_strlen
    noop.restype, noop.argtypes = ctypes.c_size_t, []
    hp, rn = raw.ptr_host_parse, raw.ptr_revname
    hp.restype = rn.restype = ctypes.c_int
    hp.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    rn.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p, ctypes.c_size_t,
                   ctypes.c_void_p]
    a, buf = N.ptr_addr(), ctypes.create_string_buffer(N.REVNAME_BUFSZ)
    pa, pb = ctypes.addressof(a), ctypes.addressof(buf)
    b = v4.encode()

    def noop_loop(k):
        for _ in range(k):
            noop()

    def raw_loop(k):
        for _ in range(k):
            hp(b, 12, pa)
            rn(pa, 1, pb, 74, None)

    def empty_loop(k):
        for _ in range(k):
            pass

    def check_loop(k):
        for _ in range(k):
            libptr.check_request(v4, names, ttl=3600)

    def pycheck_loop(k):
        for _ in range(k):
            python_check(v4, names, 3600)

    m = measure({
        "rev4": (loop(libptr.revname, v4), n), "rev4 ipaddress": (loop(ipaddress_rev, v4), n),
        "rev4 dns": (loop(dns_rev, v4), n // 4),
        "rev6": (loop(libptr.revname, v6), n), "rev6 ipaddress": (loop(ipaddress_rev, v6), n),
        "rev6 dns": (loop(dns_rev, v6), n // 4),
        "check": (check_loop, n // 4), "check py": (pycheck_loop, n // 4),
        "empty": (empty_loop, n), "noop": (noop_loop, n), "raw": (raw_loop, n),
    })
    rows = [
        ("reverse name IPv4", m["rev4"], [("ipaddress reverse_pointer", m["rev4 ipaddress"]),
                                          ("dns.reversename.from_address", m["rev4 dns"])]),
        ("reverse name IPv6", m["rev6"], [("ipaddress reverse_pointer", m["rev6 ipaddress"]),
                                          ("dns.reversename.from_address", m["rev6 dns"])]),
        ("request check", m["check"], [("ipaddress + dns.name checks", m["check py"])]),
    ]
    print(f"{'task':<20}{'libptr':>8}  {'baseline':<30}{'ns':>8}{'libptr faster':>15}")
    verdict = []
    for task, ours, bases in rows:
        for i, (name, ns) in enumerate(bases):
            first = (task, f"{ours:.0f}") if i == 0 else ("", "")
            print(f"{first[0]:<20}{first[1]:>8}  {name:<30}{ns:>8.0f}{ns / ours:>14.1f}x")
            if name.startswith("dns.reversename"):
                verdict.append((task, ns / ours))

    empty = m["empty"]
    t_noop, t_raw, t_ours = m["noop"] - empty, m["raw"] - empty, m["rev4"] - empty
    print("\nthe binding's cost per call (the empty loop's own cost subtracted):")
    print(f"  ctypes round trip to a C function doing nothing  {t_noop:7.0f} ns")
    print(f"  ptr_host_parse + ptr_revname via bare ctypes     {t_raw:7.0f} ns "
          "(two round trips and the C work)")
    print(f"  libptr.revname                                   {t_ours:7.0f} ns "
          f"(the wrapper adds {t_ours - t_raw:.0f} ns: type check, encode, scratch, decode)")
    c_ns = c_revname_ns()
    if c_ns is None:
        print("  (the C work alone: build bench/run.sh's ptr_bench, or set PTR_BENCH, to "
              "subtract it)")
    else:
        print(f"  the same work in C alone (ptr_bench addr, this run)  {c_ns:7.0f} ns")
        print(f"  so the binding's overhead per revname call is  {t_ours - c_ns:7.0f} ns "
              f"(bare ctypes alone: {t_raw - c_ns:.0f} ns for its two calls)")
    print()
    ok = True
    for task, ratio in verdict:
        good = ratio >= 5
        ok &= good
        print(f"target: {task} >= 5x faster than dnspython: {ratio:.1f}x "
              f"{'met' if good else 'NOT met'}")
    print(f"uptime: {uptime()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
