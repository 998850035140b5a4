"""Stores: the built-in memory store, the SQLite and PostgreSQL stores, and stores
written in Python (a subclass of Store, called back through ctypes)."""

from __future__ import annotations

import ctypes
import itertools
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Optional

from . import _native as N
from ._alloc import CountingAllocator
from ._core import (
    PtrError,
    Record,
    _format_addr,
    _raise,
    _text,
    record_from_c,
    record_to_c,
)
from ._native import lib

_log = logging.getLogger("libptr")
_STORE_FAILED = 51  # PTR_E_STORE
_NOT_FOUND = 42


def _alloc_ptr(allocator: Optional[CountingAllocator]):
    if allocator is None:
        return None
    if not isinstance(allocator, CountingAllocator):
        raise TypeError(f"allocator must be a libptr.CountingAllocator, "
                        f"not {type(allocator).__name__}")
    return ctypes.byref(allocator._c)


def _ctext(p, n) -> str:
    return ctypes.string_at(p, n).decode("utf-8", "surrogateescape") if n else ""


@dataclass(frozen=True)
class StoreFilter:
    """Which records a scan or a count is about (``ptr_store_filter``).

    Empty text means any. ``tags`` maps each key that must be on the record to the
    value it must have, or to None for any value. ``region`` is always set for a
    scan; for a count an empty region means every region. ``dns_pending``: only
    records whose ``status`` is not ``"ACTIVE"`` (the changes a pusher reads).
    """

    region: str = ""
    project: str = ""
    owner: str = ""
    tags: Dict[str, Optional[str]] = field(default_factory=dict)
    name: str = ""
    dns_pending: bool = False

    def matches(self, r: Record) -> bool:
        """Does r match? The same rule as ``ptr_store_filter_match``."""
        if self.region and r.region != self.region:
            return False
        if self.project and r.project != self.project:
            return False
        if self.owner and r.owner != self.owner:
            return False
        for k, v in self.tags.items():
            if k not in r.tags or (v is not None and r.tags[k] != v):
                return False
        if self.dns_pending and r.status == "ACTIVE":
            return False
        return not self.name or self.name in r.ptrdnames


def _filter_from_c(f: N.ptr_store_filter) -> StoreFilter:
    tags: Dict[str, Optional[str]] = {}
    for i in range(f.tag_count):
        t = f.tags[i]
        k = _ctext(ctypes.cast(t.key, ctypes.c_void_p), t.key_len)
        tags[k] = None if not t.value else _ctext(ctypes.cast(t.value, ctypes.c_void_p),
                                                  t.value_len)
    return StoreFilter(
        region=_ctext(ctypes.cast(f.region.s, ctypes.c_void_p), f.region.len),
        project=_ctext(ctypes.cast(f.project.s, ctypes.c_void_p), f.project.len),
        owner=_ctext(ctypes.cast(f.owner.s, ctypes.c_void_p), f.owner.len),
        tags=tags,
        name=_ctext(ctypes.cast(f.name.s, ctypes.c_void_p), f.name.len),
        # libptr hands a store a filter of its own size, padded when the caller's was older.
        dns_pending=bool(f.dns_pending),
    )


class Store:
    """A place where records live; give it to :class:`libptr.Service`.

    Use :class:`MemoryStore`, :class:`SQLiteStore` or :class:`PostgresStore`, or
    write a store in Python: subclass Store, call ``super().__init__()``, and
    implement the methods below (``docs/python.md`` spells out the contract,
    isolation above all). The binding plugs them into a ``ptr_store_methods``
    table (version 3) through ctypes callbacks. A method reports a status by
    raising :class:`PtrError` (``PtrError("PTR_E_EXISTS")``); any other
    exception becomes ``PTR_E_STORE`` for the operation (and is logged on the
    ``"libptr"`` logger and kept in :attr:`last_exception`), never a crash.

    Required: ``begin(write)`` → a transaction object; ``commit(txn)``;
    ``rollback(txn)``; ``get(txn, region, address)`` → Record or None;
    ``insert(txn, record)``; ``replace(txn, record)``; ``remove(txn, region,
    address)``; ``count_owner(txn, owner)`` → int; ``scan(txn, filter, after)`` →
    records in address order (:func:`libptr.address_key`); ``count(txn, filter)``
    → int. Optional: ``begin_keys(write, region, addresses, owners)``; and all
    four of ``owner_limit_get/set/remove/scan`` (per-owner quotas kept in the
    store).
    """

    _handle: Optional[int] = None
    last_exception: Optional[BaseException] = None

    def __init__(self) -> None:
        if type(self) is Store:
            raise TypeError("libptr.Store is abstract: subclass it, or use MemoryStore, "
                            "SQLiteStore or PostgresStore")
        self._txns: Dict[int, Any] = {}
        self._next_txn = itertools.count(1)
        self._users = 0
        self._users_lock = threading.Lock()
        self._handle = _PythonStoreAdapter(self).make()

    # Default methods: a subclass overrides them. They raise so that a missing one
    # fails its operation with PTR_E_STORE and a clear log line.
    def begin(self, write: bool) -> Any:
        """Start a transaction (write: the isolation contract); return its handle."""
        raise NotImplementedError(f"{type(self).__name__}.begin")

    def commit(self, txn: Any) -> None:
        """Make txn's changes durable and end it (ended even when this raises)."""
        raise NotImplementedError(f"{type(self).__name__}.commit")

    def rollback(self, txn: Any) -> None:
        """Undo txn's changes and end it."""
        raise NotImplementedError(f"{type(self).__name__}.rollback")

    def get(self, txn: Any, region: str, address: str) -> Optional[Record]:
        """The record of (region, address), or None."""
        raise NotImplementedError(f"{type(self).__name__}.get")

    def insert(self, txn: Any, record: Record) -> None:
        """Add record; raise PtrError("PTR_E_EXISTS") when (region, address) is taken."""
        raise NotImplementedError(f"{type(self).__name__}.insert")

    def replace(self, txn: Any, record: Record) -> None:
        """Overwrite the record with record's key; PtrError("PTR_E_NOT_FOUND") if none."""
        raise NotImplementedError(f"{type(self).__name__}.replace")

    def remove(self, txn: Any, region: str, address: str) -> None:
        """Delete the record of (region, address); PtrError("PTR_E_NOT_FOUND") if none."""
        raise NotImplementedError(f"{type(self).__name__}.remove")

    def count_owner(self, txn: Any, owner: str) -> int:
        """How many records owner has, in every region and project."""
        raise NotImplementedError(f"{type(self).__name__}.count_owner")

    def scan(self, txn: Any, filter: StoreFilter, after: Optional[str]) -> Iterable[Record]:
        """The records of filter.region with an address above after (all when None), in
        address order. Records that do not match the rest of the filter may be yielded:
        the binding drops them. The iteration stops early when libptr has enough."""
        raise NotImplementedError(f"{type(self).__name__}.scan")

    def count(self, txn: Any, filter: StoreFilter) -> int:
        """How many records match filter (an empty region: every region)."""
        raise NotImplementedError(f"{type(self).__name__}.count")

    @property
    def has_owner_limits(self) -> bool:
        """Does the store keep per-owner limits (``Service.set_owner_quota``)?"""
        return bool(lib.ptr_store_has_owner_limits(self._checked_handle()))

    def _checked_handle(self) -> int:
        if self._handle is None:
            if not hasattr(self, "_users"):
                raise TypeError(f"{type(self).__name__}.__init__ must call "
                                "super().__init__()")
            raise ValueError("the store is closed")
        return self._handle

    def _acquire(self) -> int:
        h = self._checked_handle()
        with self._users_lock:
            self._users += 1
        return h

    def _release(self) -> None:
        with self._users_lock:
            self._users -= 1

    def close(self) -> None:
        """Free the store (closing its database). Every Service over it must be
        closed first. Closing twice does nothing."""
        if self._handle is None:
            return
        with self._users_lock:
            if self._users:
                raise RuntimeError("the store is still used by an open Service: close it first")
            h, self._handle = self._handle, None
        lib.ptr_store_free(h)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        # Services hold a reference to their store, so none is open here. At interpreter
        # exit a store is left to the process's end: freeing it could call back into an
        # interpreter that is being torn down (a CountingAllocator's free).
        try:
            if self._handle is not None and not self._users and not sys.is_finalizing():
                lib.ptr_store_free(self._handle)
                self._handle = None
        except Exception:
            pass


class _NativeStore(Store):
    def __init__(self, handle: int, allocator: Optional[CountingAllocator] = None) -> None:
        self._users = 0
        self._users_lock = threading.Lock()
        self._allocator = allocator  # kept alive: the store allocates through it
        self._handle = handle


class MemoryStore(_NativeStore):
    """The built-in, thread-safe memory store (``ptr_memstore_new``); nothing is kept
    after close. ``allocator`` counts its memory (tests)."""

    def __init__(self, allocator: Optional[CountingAllocator] = None) -> None:
        out = ctypes.c_void_p()
        st = lib.ptr_memstore_new(_alloc_ptr(allocator), ctypes.byref(out))
        if st:
            _raise(st)
        super().__init__(out.value, allocator)


class SQLiteStore(_NativeStore):
    """Records in an SQLite database file (``ptr_sqlite_store_open``, libptr-sqlite.so.2).

    Safe across threads and processes; ``":memory:"`` is a private in-memory
    database. ``create`` makes the file when missing, ``readonly`` opens it
    read-only, ``busy_timeout_ms`` is how long a writer waits for another.
    """

    def __init__(self, path: "str | os.PathLike[str]", *, create: bool = True,
                 readonly: bool = False, busy_timeout_ms: int = 5000,
                 allocator: Optional[CountingAllocator] = None) -> None:
        if isinstance(path, os.PathLike):
            path = os.fspath(path)
        p = _text(path, "path")
        if b"\0" in p:
            raise ValueError("path must not contain a NUL character")
        if type(busy_timeout_ms) is not int or not 0 <= busy_timeout_ms <= 2**32 - 1:
            raise ValueError("busy_timeout_ms must be an int in 0..4294967295")
        sq = N.sqlite_lib()
        o = N.ptr_sqlite_options()
        sq.ptr_sqlite_options_init(ctypes.byref(o))
        o.flags = (1 if create else 0) | (2 if readonly else 0)
        o.busy_timeout_ms = busy_timeout_ms
        if allocator is not None:
            o.allocator = ctypes.pointer(_check_alloc(allocator)._c)
        out = ctypes.c_void_p()
        err = N.ptr_error()
        st = sq.ptr_sqlite_store_open(p, len(p), ctypes.byref(o), ctypes.byref(out),
                                      ctypes.byref(err))
        if st:
            _raise(st, err)
        self.path = path
        super().__init__(out.value, allocator)


def _check_alloc(a: CountingAllocator) -> CountingAllocator:
    _alloc_ptr(a)
    return a


class PostgresStore(_NativeStore):
    """Records in PostgreSQL (``ptr_pg_store_open`` of libptr-pg.so.2, found through
    LIBPTR_PG_LIBRARY, next to libptr, or the loader).

    The library is loaded on first use; when it is not installed this raises
    :class:`libptr.LibraryNotFoundError` (an ImportError) saying where it looked.
    ``conninfo`` is a libpq connection string or URI.
    """

    def __init__(self, conninfo: str, flags: int = 0) -> None:
        c = _text(conninfo, "conninfo")
        if type(flags) is not int or not 0 <= flags <= 2**32 - 1:
            raise ValueError("flags must be an int in 0..4294967295")
        pg = N.pg_lib()
        out = ctypes.c_void_p()
        err = N.ptr_error()
        st = pg.ptr_pg_store_open(c, len(c), flags, ctypes.byref(out), ctypes.byref(err))
        if st:
            _raise(st, err)
        super().__init__(out.value)


class _PythonStoreAdapter:
    """The ptr_store_methods table (version 3) over a Store subclass.

    Each slot converts its C arguments to Python values, calls the method and
    converts back; every exception ends there, as a status. The CFUNCTYPE
    objects live as long as the store (the store keeps this adapter).
    """

    def __init__(self, store: Store) -> None:
        self.s = store

    def _guard(self, what: str, fn, *args) -> int:
        try:
            fn(*args)
            return 0
        except PtrError as e:
            return e.code
        except BaseException as e:  # noqa: B036 - a callback must never unwind into C
            self.s.last_exception = e
            try:
                _log.error("libptr: %s.%s raised %s: %s (the operation fails with PTR_E_STORE)",
                           type(self.s).__name__, what, type(e).__name__, e)
            except BaseException:
                pass
            return _STORE_FAILED

    # -- slots ---------------------------------------------------------------------------

    def begin(self, _user, flags, out):
        def run():
            txn = self.s.begin(bool(flags & 1))
            tid = next(self.s._next_txn)
            self.s._txns[tid] = txn
            out[0] = tid
        return self._guard("begin", run)

    def begin_keys(self, _user, flags, keys, out):
        def run():
            k = keys.contents
            region = _ctext(ctypes.cast(k.region.s, ctypes.c_void_p), k.region.len)
            addrs = tuple(_format_addr(ctypes.byref(k.addrs[i])) for i in range(k.addr_count))
            owners = tuple(_ctext(ctypes.cast(k.owners[i].s, ctypes.c_void_p), k.owners[i].len)
                           for i in range(k.owner_count))
            txn = self.s.begin_keys(bool(flags & 1), region, addrs, owners)
            tid = next(self.s._next_txn)
            self.s._txns[tid] = txn
            out[0] = tid
        return self._guard("begin_keys", run)

    def commit(self, _user, tid):
        # The transaction ends whatever commit does (store.h), so it is forgotten first.
        return self._guard("commit", lambda: self.s.commit(self.s._txns.pop(tid)))

    def rollback(self, _user, tid):
        self._guard("rollback", lambda: self.s.rollback(self.s._txns.pop(tid)))

    def get(self, _user, tid, region, rlen, addr, out):
        status = [0]

        def run():
            r = self.s.get(self.s._txns[tid], _ctext(region, rlen), _format_addr(addr))
            if r is None:
                status[0] = _NOT_FOUND
                return
            st = record_to_c(r, out)
            if st:
                raise PtrError(st, "get: the record could not be copied to C")
        return self._guard("get", run) or status[0]

    def insert(self, _user, tid, rec):
        return self._guard("insert", lambda: self.s.insert(self.s._txns[tid], record_from_c(rec)))

    def replace(self, _user, tid, rec):
        return self._guard("replace",
                           lambda: self.s.replace(self.s._txns[tid], record_from_c(rec)))

    def remove(self, _user, tid, region, rlen, addr):
        return self._guard("remove", lambda: self.s.remove(self.s._txns[tid], _ctext(region, rlen),
                                                           _format_addr(addr)))

    def count_owner(self, _user, tid, owner, olen, out):
        def run():
            n = self.s.count_owner(self.s._txns[tid], _ctext(owner, olen))
            out[0] = _count(n, "count_owner")
        return self._guard("count_owner", run)

    def count(self, _user, tid, filt, out):
        def run():
            n = self.s.count(self.s._txns[tid], _filter_from_c(filt.contents))
            out[0] = _count(n, "count")
        return self._guard("count", run)

    def scan(self, _user, tid, filt, after, visit, vctx):
        def run():
            after_s = _format_addr(after) if after else None
            last = N.ptr_addr()
            if after:
                ctypes.memmove(ctypes.byref(last), after, ctypes.sizeof(last))
            have_last = bool(after)
            scratch = ctypes.c_void_p()
            st = lib.ptr_record_new(None, ctypes.byref(scratch))
            if st:
                raise PtrError(st)
            try:
                for r in self.s.scan(self.s._txns[tid], _filter_from_c(filt.contents), after_s):
                    st = record_to_c(r, scratch)
                    if st:
                        raise PtrError(st, "scan: a record could not be copied to C")
                    a = lib.ptr_record_address(scratch)
                    # libptr pages by address: a store that yields out of order would
                    # make a list skip or repeat records, so that is a store failure.
                    if have_last and lib.ptr_addr_compare(a, ctypes.byref(last)) <= 0:
                        raise RuntimeError(f"scan yielded {r.address} after {_format_addr(last)}:"
                                           " not in address order (libptr.address_key)")
                    ctypes.memmove(ctypes.byref(last), a, ctypes.sizeof(last))
                    have_last = True
                    if not lib.ptr_store_filter_match(filt, scratch):
                        continue
                    if visit(vctx, scratch):
                        break
            finally:
                lib.ptr_record_free(scratch)
        return self._guard("scan", run)

    def limit_get(self, _user, tid, owner, olen, out):
        status = [0]

        def run():
            n = self.s.owner_limit_get(self.s._txns[tid], _ctext(owner, olen))
            if n is None:
                status[0] = _NOT_FOUND
            else:
                out[0] = _count(n, "owner_limit_get")
        return self._guard("owner_limit_get", run) or status[0]

    def limit_set(self, _user, tid, owner, olen, limit):
        return self._guard("owner_limit_set", lambda: self.s.owner_limit_set(
            self.s._txns[tid], _ctext(owner, olen), int(limit)))

    def limit_remove(self, _user, tid, owner, olen):
        return self._guard("owner_limit_remove", lambda: self.s.owner_limit_remove(
            self.s._txns[tid], _ctext(owner, olen)))

    def limit_scan(self, _user, tid, visit, vctx):
        def run():
            for owner, limit in self.s.owner_limit_scan(self.s._txns[tid]):
                b = _text(owner, "owner")
                if visit(vctx, b, len(b), _count(limit, "owner_limit_scan")):
                    break
        return self._guard("owner_limit_scan", run)

    # -- the table -----------------------------------------------------------------------

    def make(self) -> int:
        cls = type(self.s)
        m = N.ptr_store_methods()
        m.version = N.STORE_METHODS_VERSION
        keep = [
            ("begin", N.BEGIN_FN(self.begin)),
            ("commit", N.COMMIT_FN(self.commit)),
            ("rollback", N.ROLLBACK_FN(self.rollback)),
            ("get", N.GET_FN(self.get)),
            ("insert", N.INSERT_FN(self.insert)),
            ("replace", N.REPLACE_FN(self.replace)),
            ("remove", N.REMOVE_FN(self.remove)),
            ("count_owner", N.COUNT_OWNER_FN(self.count_owner)),
            ("scan", N.SCAN_FN(self.scan)),
            ("count", N.COUNT_FN(self.count)),
        ]
        if hasattr(cls, "begin_keys"):
            keep.append(("begin_keys", N.BEGIN_KEYS_FN(self.begin_keys)))
        limits = [hasattr(cls, n) for n in ("owner_limit_get", "owner_limit_set",
                                            "owner_limit_remove", "owner_limit_scan")]
        if any(limits) and not all(limits):
            raise TypeError(f"{cls.__name__}: implement all four of owner_limit_get, "
                            "owner_limit_set, owner_limit_remove and owner_limit_scan, or none")
        if all(limits):
            keep += [("owner_limit_get", N.LIMIT_GET_FN(self.limit_get)),
                     ("owner_limit_set", N.LIMIT_SET_FN(self.limit_set)),
                     ("owner_limit_remove", N.LIMIT_REMOVE_FN(self.limit_remove)),
                     ("owner_limit_scan", N.LIMIT_SCAN_FN(self.limit_scan))]
        for name, fn in keep:
            setattr(m, name, fn)
        # C calls these for as long as the store lives: the store keeps them.
        self.s._callbacks = keep  # type: ignore[attr-defined]
        self.s._adapter = self  # type: ignore[attr-defined]
        out = ctypes.c_void_p()
        st = lib.ptr_store_new(ctypes.byref(m), None, ctypes.byref(out))
        if st:
            _raise(st)
        return out.value


def _count(n: object, what: str) -> int:
    if type(n) is not int or not 0 <= n <= 2**64 - 1:
        raise TypeError(f"{what} must return an int in 0..2**64-1, not {n!r}")
    return n
