"""The record service (ptr_ctx) over a store."""

from __future__ import annotations

import ctypes
import logging
import sys
from dataclasses import dataclass
from typing import Callable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native as N
from ._alloc import CountingAllocator
from ._core import (
    DNS_STATUSES,
    Policy,
    Record,
    Scope,
    _Request,
    _UINT32_MAX,
    _UINT64_MAX,
    _int,
    _names,
    _parse_addr_any,
    _policy_ptr,
    _raise,
    _tag_array,
    _tags,
    _text,
    _text_array,
    record_from_c,
)
from ._native import lib
from ._store import Store, _alloc_ptr

_log = logging.getLogger("libptr")
_LIST_MAX = 500


class _RawText(ctypes.Structure):
    """ptr_text with its pointer as an address (not NUL-terminated text)."""

    _fields_ = [("s", ctypes.c_void_p), ("len", ctypes.c_size_t)]


@dataclass(frozen=True)
class DnsChange:
    """A change the name servers should make (``ptr_dns_change``): what the
    record's address should answer, its names or, for a deleted record, its
    default name, with their TTL. Send it, then give the servers' answer to
    :meth:`Service.dns_results` with ``record.address`` and ``record.revision``."""

    record: Record
    ptrdnames: Tuple[str, ...]
    ttl: int


@dataclass(frozen=True)
class Quota:
    """An owner's quota: records it has (in the whole store) and may have."""

    used: int
    limit: int


@dataclass(frozen=True)
class Resolution:
    """The names an address answers with: its record's, or the default name."""

    address: str
    ptrdnames: Tuple[str, ...]
    ttl: int
    is_default: bool


@dataclass(frozen=True)
class Page:
    """One page of :meth:`Service.list_page`: the records, the marker of the next
    page ("" on the last), and the total count when asked for (else None)."""

    records: Tuple[Record, ...]
    next_marker: str
    total: Optional[int]


def _scope(scope: object) -> N.ptr_scope:
    if not isinstance(scope, Scope):
        raise TypeError(f"scope must be a libptr.Scope, not {type(scope).__name__}")
    return scope._c


class Service:
    """The record service (``ptr_ctx``): the rules enforced over a store.

    ``store`` is any :class:`libptr.Store` (kept alive and in use until
    :meth:`close`); ``policy`` is copied (None: :meth:`Policy.huawei`);
    ``default_name`` is the template of the name an address answers with when
    it has no record (``"ecs-{dashed}.compute.example.com"`` when None).
    ``clock`` returns the time in Unix seconds (tests); ``allocator`` counts the
    C memory the service and its records use (leak checks).

    A Service may be shared by threads: ctypes releases the GIL for every C call,
    so calls run in parallel in C and meet only in the store's locks. Every
    method raises :class:`PtrError` when libptr refuses, ``TypeError`` or
    ``ValueError`` for arguments of the wrong Python type or range.
    """

    def __init__(self, store: Store, policy: Optional[Policy] = None,
                 default_name: Optional[str] = None, *,
                 clock: Optional[Callable[[], int]] = None,
                 allocator: Optional[CountingAllocator] = None,
                 busy_retries: int = 0) -> None:
        if not isinstance(store, Store):
            raise TypeError(f"store must be a libptr.Store, not {type(store).__name__}")
        if default_name is not None:
            policy = Policy.huawei() if policy is None else policy
            policy = Policy(**{**policy.__dict__, "default_name_template": default_name})
        pol = _policy_ptr(policy)
        _int(busy_retries, "busy_retries", 0, _UINT32_MAX)
        if clock is not None and not callable(clock):
            raise TypeError("clock must be callable")
        self._ctx: Optional[int] = None
        self._alloc = allocator
        self._alloc_p = _alloc_ptr(allocator)
        cfg = N.ptr_ctx_config()
        lib.ptr_ctx_config_init(ctypes.byref(cfg))
        cfg.store = store._acquire()
        self._store = store
        try:
            cfg.policy = ctypes.pointer(pol)
            if allocator is not None:
                cfg.allocator = ctypes.pointer(allocator._c)
            if clock is not None:
                self._clock_cb = N.CLOCK_FN(self._clock_call(clock))
                cfg.clock = self._clock_cb
            cfg.busy_retries = busy_retries
            out = ctypes.c_void_p()
            err = N.ptr_error()
            st = lib.ptr_ctx_new(ctypes.byref(cfg), ctypes.byref(out), ctypes.byref(err))
            if st:
                _raise(st, err)
        except BaseException:
            store._release()
            raise
        self._ctx = out.value

    @staticmethod
    def _clock_call(clock: Callable[[], int]):
        def call(_user):
            try:
                return int(clock())
            except BaseException as e:  # a callback must never unwind into C
                _log.error("libptr: the clock raised %s: %s (time 0 used)", type(e).__name__, e)
                return 0
        return call

    @property
    def store(self) -> Store:
        """The store this service works on."""
        return self._store

    def _h(self) -> int:
        if self._ctx is None:
            raise ValueError("the service is closed")
        return self._ctx

    def close(self) -> None:
        """Free the service (not its store). Closing twice does nothing."""
        if self._ctx is not None:
            ctx, self._ctx = self._ctx, None
            lib.ptr_ctx_free(ctx)
            self._store._release()

    def __enter__(self) -> "Service":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if not sys.is_finalizing():  # as Store.__del__: no callbacks into a dying interpreter
                self.close()
        except Exception:
            pass

    # ---- helpers -----------------------------------------------------------------------

    def _record(self) -> ctypes.c_void_p:
        rec = ctypes.c_void_p()
        st = lib.ptr_record_new(self._alloc_p, ctypes.byref(rec))
        if st:
            _raise(st)
        return rec

    # ---- operations --------------------------------------------------------------------

    def create(self, scope: Scope, address: str, names: Sequence[str], ttl: Optional[int] = 300,
               description: str = "", tags: Optional[Mapping[str, str]] = None) -> Record:
        """Create the PTR record of an address; return it as stored (names normalized,
        revision 1). ``ttl=None`` takes the policy's default.

        Refusals: every field rule (see :func:`check_request`), ``PTR_E_EXISTS`` when
        the address has a record in the region, ``PTR_E_QUOTA`` when the owner has
        used up its records, ``PTR_E_INVAL`` for a bad scope.
        """
        c_scope = _scope(scope)
        if address is None:
            raise TypeError("address must be str, not None")
        if names is None:
            raise TypeError("names must be a list or tuple of str, not None")
        if description is None:
            raise TypeError("description must be str, not None")
        rq = _Request(address, names, -1 if ttl is None else ttl, description,
                      {} if tags is None else tags)
        ctx = self._h()
        rec = self._record()
        try:
            err = N.ptr_error()
            st = lib.ptr_ctx_create(ctx, ctypes.byref(c_scope), ctypes.byref(rq.req), rec,
                                    ctypes.byref(err))
            if st:
                _raise(st, err)
            return record_from_c(rec)
        finally:
            lib.ptr_record_free(rec)

    def get(self, scope: Scope, address: str) -> Record:
        """The record of an address in the caller's region and project
        (``PTR_E_NOT_FOUND`` when there is none, or it is another project's)."""
        c_scope = _scope(scope)
        a = _text(address, "address")
        ctx = self._h()
        rec = self._record()
        try:
            err = N.ptr_error()
            st = lib.ptr_ctx_get(ctx, ctypes.byref(c_scope), a, len(a), rec, ctypes.byref(err))
            if st:
                _raise(st, err)
            return record_from_c(rec)
        finally:
            lib.ptr_record_free(rec)

    def update(self, scope: Scope, address: str, *, names: Optional[Sequence[str]] = None,
               ttl: Optional[int] = None, description: Optional[str] = None,
               tags: Optional[Mapping[str, str]] = None,
               expected_revision: Optional[int] = None) -> Record:
        """Change a record's names, TTL, description or tags: those given (None leaves
        a field as it is; ``ttl=-1`` restores the policy's default, ``tags={}``
        removes every tag). With ``expected_revision`` the change applies only at
        that revision (else ``PTR_E_CONFLICT``). Returns the stored record."""
        c_scope = _scope(scope)
        a = _text(address, "address")
        rq = _Request(None, names, ttl, description, tags)
        if expected_revision is not None:
            rq.req.expected_revision = _int(expected_revision, "expected_revision", 0,
                                            _UINT64_MAX)
            rq.req.flags |= 0x10
        ctx = self._h()
        rec = self._record()
        try:
            err = N.ptr_error()
            st = lib.ptr_ctx_update(ctx, ctypes.byref(c_scope), a, len(a), ctypes.byref(rq.req),
                                    rec, ctypes.byref(err))
            if st:
                _raise(st, err)
            return record_from_c(rec)
        finally:
            lib.ptr_record_free(rec)

    def delete(self, scope: Scope, address: str) -> None:
        """Delete the record of an address; it answers with its default name again."""
        c_scope = _scope(scope)
        a = _text(address, "address")
        err = N.ptr_error()
        st = lib.ptr_ctx_delete(self._h(), ctypes.byref(c_scope), a, len(a), ctypes.byref(err))
        if st:
            _raise(st, err)

    def delete_batch(self, scope: Scope, addresses: Sequence[str]) -> None:
        """Delete the records of 1..50 addresses, all or none (``PTR_E_NOT_FOUND``
        names the index of an address without a record; nothing is deleted then)."""
        c_scope = _scope(scope)
        items = _names(addresses, "addresses")
        arr = _text_array(items)
        err = N.ptr_error()
        st = lib.ptr_ctx_delete_batch(self._h(), ctypes.byref(c_scope), arr, len(items),
                                      ctypes.byref(err))
        if st:
            _raise(st, err)

    def list_page(self, scope: Scope, limit: Optional[int] = None, marker: Optional[str] = None,
                  tags: Optional[Mapping[str, Optional[str]]] = None, name: Optional[str] = None,
                  owner: Optional[str] = None, total: bool = False) -> Page:
        """One page of the caller's records in address order (see :meth:`list`);
        ``total=True`` also counts every matching record."""
        c_scope = _scope(scope)
        q = N.ptr_list_query()
        lib.ptr_list_query_init(ctypes.byref(q))
        keep: List[object] = []
        if limit is not None:
            q.limit = _int(limit, "limit", 1, _LIST_MAX)
        if marker is not None:
            m = _text(marker, "marker")
            keep.append(m)
            q.marker.s, q.marker.len = m, len(m)
        if tags is not None:
            tb = _tags(tags, "tags", allow_none_value=True)
            arr = _tag_array(tb)
            keep += [tb, arr]
            q.tags, q.tag_count = arr, len(tb)
        if name is not None:
            n = _text(name, "name")
            keep.append(n)
            q.name.s, q.name.len = n, len(n)
        if owner is not None:
            o = _text(owner, "owner")
            keep.append(o)
            q.owner.s, q.owner.len = o, len(o)
        if type(total) is not bool:
            raise TypeError("total must be bool")
        q.flags = 1 if total else 0
        out = ctypes.c_void_p()
        err = N.ptr_error()
        st = lib.ptr_ctx_list(self._h(), ctypes.byref(c_scope), ctypes.byref(q),
                              ctypes.byref(out), ctypes.byref(err))
        if st:
            _raise(st, err)
        try:
            recs = tuple(record_from_c(lib.ptr_record_list_at(out, i))
                         for i in range(lib.ptr_record_list_count(out)))
            buf = ctypes.create_string_buffer(N.ADDR_STRLEN)
            n = ctypes.c_size_t()
            st = lib.ptr_record_list_next_marker(out, buf, N.ADDR_STRLEN, ctypes.byref(n))
            if st:
                _raise(st)
            t = lib.ptr_record_list_total(out)
            return Page(recs, buf.raw[: n.value].decode("ascii"), t if t >= 0 else None)
        finally:
            lib.ptr_record_list_free(out)

    def list(self, scope: Scope, limit: Optional[int] = None, marker: Optional[str] = None,
             tags: Optional[Mapping[str, Optional[str]]] = None, name: Optional[str] = None,
             owner: Optional[str] = None) -> Iterator[Record]:
        """Iterate over the caller's records (its region and project) in address
        order, fetching pages of ``limit`` (1..500, default 500) as it goes, from
        after ``marker``. Filters: ``tags`` (a None value matches any value),
        ``name`` (one of the record's names), ``owner``. Arguments are checked
        when this is called, not at the first ``next()``."""
        _scope(scope)
        if limit is not None:
            _int(limit, "limit", 1, _LIST_MAX)
        if marker is not None:
            _text(marker, "marker")
        _tags(tags, "tags", allow_none_value=True)
        for what, v in (("name", name), ("owner", owner)):
            if v is not None:
                _text(v, what)
        self._h()

        def pages() -> Iterator[Record]:
            m = marker
            while True:
                page = self.list_page(scope, limit, m, tags, name, owner)
                yield from page.records
                if not page.next_marker:
                    return
                m = page.next_marker
        return pages()

    def resolve(self, scope: Scope, address: str) -> Resolution:
        """The names an address answers with in the caller's region: its record's,
        or the default name (``is_default``) with the policy's default TTL."""
        c_scope = _scope(scope)
        a = _text(address, "address")
        ctx = self._h()
        rec = self._record()
        try:
            err = N.ptr_error()
            dflt = ctypes.c_int()
            st = lib.ptr_ctx_resolve(ctx, ctypes.byref(c_scope), a, len(a), rec,
                                     ctypes.byref(dflt), ctypes.byref(err))
            if st:
                _raise(st, err)
            r = record_from_c(rec)
            return Resolution(r.address, r.ptrdnames, r.ttl, bool(dflt.value))
        finally:
            lib.ptr_record_free(rec)

    def quota(self, owner: Union[Scope, str]) -> Quota:
        """An owner's quota (an owner name, or a Scope's owner)."""
        o = _text(owner.owner if isinstance(owner, Scope) else owner, "owner")
        used, limit = ctypes.c_uint64(), ctypes.c_uint64()
        err = N.ptr_error()
        st = lib.ptr_ctx_quota(self._h(), o, len(o), ctypes.byref(used), ctypes.byref(limit),
                               ctypes.byref(err))
        if st:
            _raise(st, err)
        return Quota(used.value, limit.value)

    def set_owner_quota(self, owner: str, limit: int) -> None:
        """Give one owner a limit other than the policy's, kept in the store
        (``PTR_E_UNSUPPORTED`` when the store keeps no limits)."""
        o = _text(owner, "owner")
        lim = _int(limit, "limit", 0, _UINT32_MAX)
        err = N.ptr_error()
        st = lib.ptr_ctx_set_owner_quota(self._h(), o, len(o), lim, ctypes.byref(err))
        if st:
            _raise(st, err)

    def clear_owner_quota(self, owner: str) -> None:
        """Remove an owner's own limit (``PTR_E_NOT_FOUND`` when it had none)."""
        o = _text(owner, "owner")
        err = N.ptr_error()
        st = lib.ptr_ctx_clear_owner_quota(self._h(), o, len(o), ctypes.byref(err))
        if st:
            _raise(st, err)

    def pending(self, region: str, after: Optional[str] = None, limit: int = 0) -> List[DnsChange]:
        """The region's records whose DNS status is not ``"ACTIVE"`` (pending, or
        ``"ERROR"`` to retry), in address order, as changes for the name servers
        (``ptr_ctx_pending``): those after the address ``after``, at most ``limit``
        (0: all)."""
        r = _text(region, "region")
        lim = _int(limit, "limit", 0, _UINT32_MAX)
        a = _parse_addr_any(after, "after") if after is not None else None
        out: List[DnsChange] = []
        failure: List[BaseException] = []

        def visit(_user, ch):
            try:
                c = ch.contents
                # The texts as raw pointers: ptr_text's c_char_p would copy up to a NUL.
                raw = ctypes.cast(c.names, ctypes.POINTER(_RawText))
                names = tuple(ctypes.string_at(raw[i].s, raw[i].len).decode("utf-8",
                                                                           "surrogateescape")
                              if raw[i].len else "" for i in range(c.name_count))
                out.append(DnsChange(record_from_c(ctypes.c_void_p(c.record)), names, c.ttl))
                return 0
            except BaseException as e:  # never into C: stop the scan, raise it below
                failure.append(e)
                return 1

        fn = N.DNS_CHANGE_FN(visit)
        err = N.ptr_error()
        st = lib.ptr_ctx_pending(self._h(), r, len(r), ctypes.byref(a) if a is not None else None,
                                 lim, fn, None, ctypes.byref(err))
        if failure:
            raise failure[0]
        if st:
            _raise(st, err)
        return out

    def dns_results(self, region: str,
                    results: Sequence[Tuple[str, int, str, str]]) -> List[bool]:
        """Record the name servers' answers (``ptr_ctx_dns_results``), all in one
        transaction: each is ``(address, revision, status, reason)``, the revision
        that was sent and ``status`` one of :data:`DNS_STATUSES` (``"ACTIVE"``:
        confirmed, ``"ERROR"``: refused for ``reason``, a ``"PENDING_*"``: sent
        without an answer). Returns, for each, whether it applied (not when the
        record was written again since, or is gone)."""
        r = _text(region, "region")
        items = list(results)
        arr = (N.ptr_dns_result * max(len(items), 1))()
        keep = []
        for i, item in enumerate(items):
            if not isinstance(item, tuple) or len(item) != 4:
                raise TypeError(f"results[{i}] must be (address, revision, status, reason)")
            address, revision, status, reason = item
            arr[i].addr = _parse_addr_any(address, f"results[{i}] address")
            arr[i].revision = _int(revision, f"results[{i}] revision", 0, _UINT64_MAX)
            if not isinstance(status, str) or status not in DNS_STATUSES:
                raise ValueError(f"results[{i}] status must be one of {', '.join(DNS_STATUSES)}")
            arr[i].status = DNS_STATUSES.index(status)
            why = _text(reason, f"results[{i}] reason")
            keep.append(why)
            arr[i].reason = N.ptr_text(why, len(why))
        err = N.ptr_error()
        st = lib.ptr_ctx_dns_results(self._h(), r, len(r), arr, len(items), ctypes.byref(err))
        if st:
            _raise(st, err)
        return [bool(arr[i].applied) for i in range(len(items))]
