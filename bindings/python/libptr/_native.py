"""Loading libptr.so.2 and declaring the C ABI for ctypes.

Everything here mirrors include/libptr/*.h of release 0.2.1 (ABI version 2,
store methods version 3). The structs are declared field by field in header
order; the ones that grow (ptr_policy, ptr_request, ptr_list_query, ...)
start with struct_size, which the C init functions set, so the binding always
lets C initialise them first.

ctypes.CDLL releases the GIL around every foreign call and a CFUNCTYPE
callback takes it again for as long as the Python code runs. The binding
relies on both: C work (validation, a store's locks and I/O) runs in parallel
with other Python threads, and a store written in Python is called back with
the GIL held.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char,
    c_char_p,
    c_int,
    c_int64,
    c_size_t,
    c_uint,
    c_uint8,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import List, Optional, Tuple

#: The release this binding was written for; older libraries lack its API.
NEEDED_VERSION = (0, 2, 1)
#: The SONAME of that ABI.
SONAME = "libptr.so.2"
SQLITE_SONAME = "libptr-sqlite.so.2"
PG_SONAME = "libptr-pg.so.2"

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class LibraryNotFoundError(ImportError):
    """A libptr shared library could not be loaded; the message lists where it looked."""


def _parse_version(text: str) -> Tuple[int, ...]:
    parts = []
    for p in text.split("."):
        digits = ""
        for ch in p:
            if not ch.isdigit():
                break
            digits += ch
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def _try_load(candidates: List[str], tried: List[str]) -> Optional[ctypes.CDLL]:
    for c in candidates:
        try:
            return ctypes.CDLL(c)
        except OSError as e:
            tried.append(f"{c} ({e})")
    return None


def _load_core() -> Tuple[ctypes.CDLL, str]:
    """LIBPTR_LIBRARY, then next to the package, then the system's loader."""
    tried: List[str] = []
    env = os.environ.get("LIBPTR_LIBRARY")
    if env:
        if os.sep in env:
            # Relative to the working directory of the import, once: LIBRARY_PATH must stay
            # right for anything that looks at it later (companions, child processes).
            env = os.path.abspath(env)
        # An explicit path is the caller's choice: never fall back past it.
        lib = _try_load([env], tried)
        if lib is None:
            raise LibraryNotFoundError(
                f"libptr: LIBPTR_LIBRARY={env!r} cannot be loaded: {tried[0]}")
        return lib, env
    local = [os.path.join(_PACKAGE_DIR, n) for n in (SONAME, "libptr.so")]
    lib = _try_load([p for p in local if os.path.exists(p)], tried)
    if lib is not None:
        return lib, next(p for p in local if os.path.exists(p))
    lib = _try_load([SONAME], tried)
    if lib is not None:
        return lib, SONAME
    # An older libptr (libptr.so.1) is found here, so the error can name its version.
    found = ctypes.util.find_library("ptr")
    if found:
        lib = _try_load([found], tried)
        if lib is not None:
            return lib, found
    raise LibraryNotFoundError(
        f"libptr: the shared library {SONAME} (release "
        f"{'.'.join(map(str, NEEDED_VERSION))} or later) was not found; tried: "
        + "; ".join(tried + ["ctypes.util.find_library('ptr')"])
        + ". Set LIBPTR_LIBRARY to its path.")


def _check_version(lib: ctypes.CDLL, where: str) -> str:
    try:
        fn = lib.ptr_version
    except AttributeError:
        raise ImportError(
            f"libptr: {where} has no ptr_version(): older than release 0.2.0; "
            f"this binding needs {'.'.join(map(str, NEEDED_VERSION))} or later") from None
    fn.restype = c_char_p
    fn.argtypes = []
    found = fn().decode("ascii", "replace")
    v = _parse_version(found)
    # 0.x releases break the ABI on every minor step (the SONAME says so): same minor
    # required; from 1.0 the major alone.
    if v[0] == 0:
        ok = v[:2] == NEEDED_VERSION[:2] and v >= NEEDED_VERSION
    else:
        ok = v[0] == NEEDED_VERSION[0] and v >= NEEDED_VERSION
    if not ok:
        raise ImportError(
            f"libptr: {where} is release {found}; this binding needs "
            f"{'.'.join(map(str, NEEDED_VERSION[:2]))}.x at {'.'.join(map(str, NEEDED_VERSION))} "
            f"or later (ABI {SONAME})")
    return found


lib, LIBRARY_PATH = _load_core()
LIBRARY_VERSION = _check_version(lib, LIBRARY_PATH)

# ---- structs ---------------------------------------------------------------------------

ptr_status = c_int
ERROR_MESSAGE_SIZE = 160


class ptr_error(Structure):
    _fields_ = [
        ("status", c_int),
        ("field", c_int),
        ("index", c_uint32),
        ("offset", c_size_t),
        ("message", c_char * ERROR_MESSAGE_SIZE),
        ("reserved", ctypes.c_ubyte * 64),
    ]


class ptr_addr(Structure):
    _fields_ = [("family", c_uint8), ("bytes", c_uint8 * 16)]


class ptr_text(Structure):
    _fields_ = [("s", c_char_p), ("len", c_size_t)]


class ptr_tag(Structure):
    _fields_ = [
        ("key", c_char_p),
        ("key_len", c_size_t),
        ("value", c_char_p),
        ("value_len", c_size_t),
    ]


class ptr_policy(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("options", c_uint32),
        ("max_names", c_uint32),
        ("max_records_per_owner", c_uint32),
        ("ttl_min", c_uint32),
        ("ttl_max", c_uint32),
        ("ttl_default", c_uint32),
        ("description_max", c_uint32),
        ("max_tags", c_uint32),
        ("tag_key_max", c_uint32),
        ("tag_value_max", c_uint32),
        ("name_flags", c_uint32),
        ("default_name_template", c_char_p),
        ("reserved", c_uint32 * 32),
    ]


class ptr_request(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("flags", c_uint32),
        ("address", ptr_text),
        ("names", POINTER(ptr_text)),
        ("name_count", c_size_t),
        ("ttl", c_int64),
        ("description", ptr_text),
        ("tags", POINTER(ptr_tag)),
        ("tag_count", c_size_t),
        ("expected_revision", c_uint64),
    ]


class ptr_scope(Structure):
    _fields_ = [("region", ptr_text), ("project", ptr_text), ("owner", ptr_text)]


class ptr_allocator(Structure):
    pass


MALLOC_FN = CFUNCTYPE(c_void_p, c_void_p, c_size_t)
REALLOC_FN = CFUNCTYPE(c_void_p, c_void_p, c_void_p, c_size_t)
FREE_FN = CFUNCTYPE(None, c_void_p, c_void_p)
ptr_allocator._fields_ = [
    ("malloc", MALLOC_FN),
    ("realloc", REALLOC_FN),
    ("free", FREE_FN),
    ("ctx", c_void_p),
]

CLOCK_FN = CFUNCTYPE(c_int64, c_void_p)


class ptr_ctx_config(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("store", c_void_p),
        ("policy", POINTER(ptr_policy)),
        ("allocator", POINTER(ptr_allocator)),
        ("clock", CLOCK_FN),
        ("authorize", c_void_p),
        ("forward_lookup", c_void_p),
        ("user", c_void_p),
        ("busy_retries", c_uint),
    ]


class ptr_list_query(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("flags", c_uint32),
        ("owner", ptr_text),
        ("tags", POINTER(ptr_tag)),
        ("tag_count", c_size_t),
        ("name", ptr_text),
        ("limit", c_uint32),
        ("marker", ptr_text),
    ]


class ptr_store_filter(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("region", ptr_text),
        ("project", ptr_text),
        ("owner", ptr_text),
        ("tags", POINTER(ptr_tag)),
        ("tag_count", c_size_t),
        ("name", ptr_text),
        ("dns_pending", c_int),  # since 0.2.1: records whose DNS status is not ACTIVE only
    ]


class ptr_txn_keys(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("region", ptr_text),
        ("addrs", POINTER(ptr_addr)),
        ("addr_count", c_size_t),
        ("owners", POINTER(ptr_text)),
        ("owner_count", c_size_t),
    ]


class ptr_sqlite_options(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("flags", c_uint32),
        ("busy_timeout_ms", c_uint32),
        ("allocator", POINTER(ptr_allocator)),
    ]


# Opaque handles travel as void pointers; the txn handle is whatever the store says.
REC = c_void_p
TXN = c_void_p


class ptr_dns_change(Structure):  # service.h, since 0.2.1
    _fields_ = [
        ("record", REC),
        ("names", POINTER(ptr_text)),
        ("name_count", c_size_t),
        ("ttl", c_uint32),
    ]


class ptr_dns_result(Structure):  # service.h, since 0.2.1
    _fields_ = [
        ("addr", ptr_addr),
        ("revision", c_uint64),
        ("status", c_int),
        ("reason", ptr_text),
        ("applied", c_int),
    ]


DNS_CHANGE_FN = CFUNCTYPE(c_int, c_void_p, POINTER(ptr_dns_change))
VISIT_FN = CFUNCTYPE(c_int, c_void_p, REC)
LIMIT_VISIT_FN = CFUNCTYPE(c_int, c_void_p, c_char_p, c_size_t, c_uint64)

BEGIN_FN = CFUNCTYPE(ptr_status, c_void_p, c_uint, POINTER(TXN))
COMMIT_FN = CFUNCTYPE(ptr_status, c_void_p, TXN)
ROLLBACK_FN = CFUNCTYPE(None, c_void_p, TXN)
# Text arguments arrive as raw pointers (not c_char_p): they are not NUL-terminated.
GET_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, c_void_p, c_size_t, POINTER(ptr_addr), REC)
INSERT_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, REC)
REPLACE_FN = INSERT_FN
REMOVE_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, c_void_p, c_size_t, POINTER(ptr_addr))
COUNT_OWNER_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, c_void_p, c_size_t, POINTER(c_uint64))
SCAN_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, POINTER(ptr_store_filter), POINTER(ptr_addr),
                    VISIT_FN, c_void_p)
DESTROY_FN = CFUNCTYPE(None, c_void_p)
INSERT_CHECKED_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, REC, c_uint64)
COUNT_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, POINTER(ptr_store_filter), POINTER(c_uint64))
BEGIN_KEYS_FN = CFUNCTYPE(ptr_status, c_void_p, c_uint, POINTER(ptr_txn_keys), POINTER(TXN))
LIMIT_GET_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, c_void_p, c_size_t, POINTER(c_uint64))
LIMIT_SET_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, c_void_p, c_size_t, c_uint64)
LIMIT_REMOVE_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, c_void_p, c_size_t)
LIMIT_SCAN_FN = CFUNCTYPE(ptr_status, c_void_p, TXN, LIMIT_VISIT_FN, c_void_p)


class ptr_store_methods(Structure):
    _fields_ = [
        ("version", c_uint),
        ("begin", BEGIN_FN),
        ("commit", COMMIT_FN),
        ("rollback", ROLLBACK_FN),
        ("get", GET_FN),
        ("insert", INSERT_FN),
        ("replace", REPLACE_FN),
        ("remove", REMOVE_FN),
        ("count_owner", COUNT_OWNER_FN),
        ("scan", SCAN_FN),
        ("destroy", DESTROY_FN),
        ("insert_checked", INSERT_CHECKED_FN),
        ("count", COUNT_FN),
        ("begin_keys", BEGIN_KEYS_FN),
        ("owner_limit_get", LIMIT_GET_FN),
        ("owner_limit_set", LIMIT_SET_FN),
        ("owner_limit_remove", LIMIT_REMOVE_FN),
        ("owner_limit_scan", LIMIT_SCAN_FN),
    ]


STORE_METHODS_VERSION = 3

# ---- functions -------------------------------------------------------------------------

P = POINTER
_decls = {
    # error.h
    "ptr_strerror": (c_char_p, [c_int]),
    "ptr_status_name": (c_char_p, [c_int]),
    "ptr_status_cloud_code": (c_char_p, [c_int]),
    "ptr_field_name": (c_char_p, [c_int]),
    # addr.h
    "ptr_addr_parse": (c_int, [c_char_p, c_size_t, P(ptr_addr)]),
    "ptr_host_parse": (c_int, [c_char_p, c_size_t, P(ptr_addr)]),
    "ptr_prefix_parse": (c_int, [c_char_p, c_size_t, P(ptr_addr), P(c_uint)]),
    "ptr_addr_format": (c_int, [P(ptr_addr), c_char_p, c_size_t, P(c_size_t)]),
    "ptr_revname": (c_int, [P(ptr_addr), c_uint, c_char_p, c_size_t, P(c_size_t)]),
    "ptr_revname_parse": (c_int, [c_char_p, c_size_t, P(ptr_addr), P(c_uint)]),
    "ptr_revzone": (c_int, [P(ptr_addr), c_uint, c_uint, c_char_p, c_size_t, P(c_size_t)]),
    "ptr_addr_is_public": (c_int, [P(ptr_addr)]),
    "ptr_addr_compare": (c_int, [P(ptr_addr), P(ptr_addr)]),
    "ptr_addr_strlen": (c_size_t, []),
    "ptr_revname_bufsz": (c_size_t, []),
    # name.h
    "ptr_name_bufsz": (c_size_t, []),
    "ptr_name_check": (c_int, [c_char_p, c_size_t, c_uint, P(ptr_error)]),
    "ptr_name_normalize": (c_int, [c_char_p, c_size_t, c_uint, c_char_p, c_size_t, P(c_size_t),
                                   P(ptr_error)]),
    # policy.h
    "ptr_policy_init": (None, [P(ptr_policy)]),
    "ptr_policy_init_otc": (None, [P(ptr_policy)]),
    # fields.h
    "ptr_ttl_parse": (c_int, [c_char_p, c_size_t, P(c_uint32)]),
    "ptr_ttl_check": (c_int, [c_int64, P(ptr_policy)]),
    "ptr_description_check": (c_int, [c_char_p, c_size_t, P(ptr_policy), P(ptr_error)]),
    "ptr_tags_check": (c_int, [P(ptr_tag), c_size_t, P(ptr_policy), P(ptr_error)]),
    # record.h
    "ptr_record_new": (c_int, [P(ptr_allocator), P(REC)]),
    "ptr_record_free": (None, [REC]),
    "ptr_record_reset": (None, [REC]),
    "ptr_record_reserve": (c_int, [REC, c_size_t, c_size_t, c_size_t]),
    "ptr_record_set_region": (c_int, [REC, c_char_p, c_size_t]),
    "ptr_record_set_project": (c_int, [REC, c_char_p, c_size_t]),
    "ptr_record_set_owner": (c_int, [REC, c_char_p, c_size_t]),
    "ptr_record_set_address": (c_int, [REC, P(ptr_addr)]),
    "ptr_record_add_name": (c_int, [REC, c_char_p, c_size_t]),
    "ptr_record_set_ttl": (c_int, [REC, c_uint32]),
    "ptr_record_set_description": (c_int, [REC, c_char_p, c_size_t]),
    "ptr_record_add_tag": (c_int, [REC, c_char_p, c_size_t, c_char_p, c_size_t]),
    "ptr_record_set_created": (c_int, [REC, c_int64]),
    "ptr_record_set_updated": (c_int, [REC, c_int64]),
    "ptr_record_set_revision": (c_int, [REC, c_uint64]),
    "ptr_record_set_dns_status": (c_int, [REC, c_int]),
    "ptr_record_set_dns_action": (c_int, [REC, c_int]),
    "ptr_record_set_dns_error": (c_int, [REC, c_char_p, c_size_t]),
    "ptr_record_set_in_dns": (c_int, [REC, c_int]),
    # Text accessors return raw pointers: the length comes separately (string_at).
    "ptr_record_region": (c_void_p, [REC, P(c_size_t)]),
    "ptr_record_project": (c_void_p, [REC, P(c_size_t)]),
    "ptr_record_owner": (c_void_p, [REC, P(c_size_t)]),
    "ptr_record_address": (P(ptr_addr), [REC]),
    "ptr_record_name_count": (c_size_t, [REC]),
    "ptr_record_name": (c_void_p, [REC, c_size_t, P(c_size_t)]),
    "ptr_record_ttl": (c_uint32, [REC]),
    "ptr_record_description": (c_void_p, [REC, P(c_size_t)]),
    "ptr_record_tag_count": (c_size_t, [REC]),
    "ptr_record_tag": (c_int, [REC, c_size_t, c_void_p]),
    "ptr_record_created": (c_int64, [REC]),
    "ptr_record_updated": (c_int64, [REC]),
    "ptr_record_revision": (c_uint64, [REC]),
    "ptr_record_dns_status": (c_int, [REC]),
    "ptr_record_dns_action": (c_int, [REC]),
    "ptr_record_dns_error": (c_void_p, [REC, P(c_size_t)]),
    "ptr_record_in_dns": (c_int, [REC]),
    "ptr_dns_status_name": (c_char_p, [c_int]),
    "ptr_dns_action_name": (c_char_p, [c_int]),
    "ptr_record_id": (c_int, [REC, c_char_p, c_size_t, P(c_size_t)]),
    "ptr_request_init": (None, [P(ptr_request)]),
    "ptr_request_check": (c_int, [P(ptr_request), P(ptr_policy), P(ptr_addr), P(ptr_error)]),
    "ptr_default_name": (c_int, [c_char_p, c_size_t, P(ptr_addr), c_char_p, c_size_t,
                                 P(c_size_t)]),
    # store.h
    "ptr_txn_keys_init": (None, [P(ptr_txn_keys)]),
    "ptr_store_filter_init": (None, [P(ptr_store_filter)]),
    "ptr_store_filter_match": (c_int, [P(ptr_store_filter), REC]),
    "ptr_store_new": (c_int, [P(ptr_store_methods), c_void_p, P(c_void_p)]),
    "ptr_store_free": (None, [c_void_p]),
    "ptr_memstore_new": (c_int, [P(ptr_allocator), P(c_void_p)]),
    "ptr_store_begin": (c_int, [c_void_p, c_uint, P(TXN)]),
    "ptr_store_begin_keys": (c_int, [c_void_p, c_uint, P(ptr_txn_keys), P(TXN)]),
    "ptr_store_commit": (c_int, [c_void_p, TXN]),
    "ptr_store_rollback": (None, [c_void_p, TXN]),
    "ptr_store_get": (c_int, [c_void_p, TXN, c_char_p, c_size_t, P(ptr_addr), REC]),
    "ptr_store_insert": (c_int, [c_void_p, TXN, REC]),
    "ptr_store_replace": (c_int, [c_void_p, TXN, REC]),
    "ptr_store_remove": (c_int, [c_void_p, TXN, c_char_p, c_size_t, P(ptr_addr)]),
    "ptr_store_count_owner": (c_int, [c_void_p, TXN, c_char_p, c_size_t, P(c_uint64)]),
    "ptr_store_insert_checked": (c_int, [c_void_p, TXN, REC, c_uint64]),
    "ptr_store_scan": (c_int, [c_void_p, TXN, P(ptr_store_filter), P(ptr_addr), VISIT_FN,
                               c_void_p]),
    "ptr_store_count": (c_int, [c_void_p, TXN, P(ptr_store_filter), P(c_uint64)]),
    "ptr_store_has_owner_limits": (c_int, [c_void_p]),
    "ptr_store_owner_limit_get": (c_int, [c_void_p, TXN, c_char_p, c_size_t, P(c_uint64)]),
    "ptr_store_owner_limit_set": (c_int, [c_void_p, TXN, c_char_p, c_size_t, c_uint64]),
    "ptr_store_owner_limit_remove": (c_int, [c_void_p, TXN, c_char_p, c_size_t]),
    "ptr_store_owner_limit_scan": (c_int, [c_void_p, TXN, LIMIT_VISIT_FN, c_void_p]),
    # service.h
    "ptr_ctx_config_init": (None, [P(ptr_ctx_config)]),
    "ptr_ctx_new": (c_int, [P(ptr_ctx_config), P(c_void_p), P(ptr_error)]),
    "ptr_ctx_free": (None, [c_void_p]),
    "ptr_ctx_create": (c_int, [c_void_p, P(ptr_scope), P(ptr_request), REC, P(ptr_error)]),
    "ptr_ctx_get": (c_int, [c_void_p, P(ptr_scope), c_char_p, c_size_t, REC, P(ptr_error)]),
    "ptr_ctx_update": (c_int, [c_void_p, P(ptr_scope), c_char_p, c_size_t, P(ptr_request), REC,
                               P(ptr_error)]),
    "ptr_ctx_delete": (c_int, [c_void_p, P(ptr_scope), c_char_p, c_size_t, P(ptr_error)]),
    "ptr_ctx_pending": (c_int, [c_void_p, c_char_p, c_size_t, P(ptr_addr), c_size_t,
                                DNS_CHANGE_FN, c_void_p, P(ptr_error)]),
    "ptr_ctx_dns_results": (c_int, [c_void_p, c_char_p, c_size_t, P(ptr_dns_result), c_size_t,
                                    P(ptr_error)]),
    "ptr_batch_max": (c_size_t, []),
    "ptr_ctx_delete_batch": (c_int, [c_void_p, P(ptr_scope), P(ptr_text), c_size_t,
                                     P(ptr_error)]),
    "ptr_list_query_init": (None, [P(ptr_list_query)]),
    "ptr_ctx_list": (c_int, [c_void_p, P(ptr_scope), P(ptr_list_query), P(c_void_p),
                             P(ptr_error)]),
    "ptr_record_list_count": (c_size_t, [c_void_p]),
    "ptr_record_list_at": (REC, [c_void_p, c_size_t]),
    "ptr_record_list_total": (c_int64, [c_void_p]),
    "ptr_record_list_next_marker": (c_int, [c_void_p, c_char_p, c_size_t, P(c_size_t)]),
    "ptr_record_list_free": (None, [c_void_p]),
    "ptr_ctx_resolve": (c_int, [c_void_p, P(ptr_scope), c_char_p, c_size_t, REC, P(c_int),
                                P(ptr_error)]),
    "ptr_ctx_quota": (c_int, [c_void_p, c_char_p, c_size_t, P(c_uint64), P(c_uint64),
                              P(ptr_error)]),
    "ptr_ctx_set_owner_quota": (c_int, [c_void_p, c_char_p, c_size_t, c_uint32, P(ptr_error)]),
    "ptr_ctx_clear_owner_quota": (c_int, [c_void_p, c_char_p, c_size_t, P(ptr_error)]),
}


def _declare(target: ctypes.CDLL, decls: dict) -> None:
    for name, (restype, argtypes) in decls.items():
        try:
            fn = getattr(target, name)
        except AttributeError:
            raise ImportError(
                f"libptr: the library is release {LIBRARY_VERSION} but lacks {name}(); "
                f"this binding needs release {'.'.join(map(str, NEEDED_VERSION))}") from None
        fn.restype = restype
        fn.argtypes = argtypes


_declare(lib, _decls)

ADDR_STRLEN = lib.ptr_addr_strlen()
REVNAME_BUFSZ = lib.ptr_revname_bufsz()
NAME_BUFSZ = lib.ptr_name_bufsz()
BATCH_MAX = lib.ptr_batch_max()


def _companion(env: str, soname: str, what: str) -> ctypes.CDLL:
    """A companion library: its variable, next to libptr (or the package), the loader."""
    tried: List[str] = []
    path = os.environ.get(env)
    if path:
        if os.sep in path:
            path = os.path.abspath(path)
        got = _try_load([path], tried)
        if got is None:
            raise LibraryNotFoundError(f"libptr: {env}={path!r} cannot be loaded: {tried[0]}")
        return got
    dirs = [_PACKAGE_DIR]
    if os.sep in LIBRARY_PATH:
        core_dir = os.path.dirname(os.path.abspath(LIBRARY_PATH))
        # In a build tree the companions live in their own subdirectories.
        dirs += [core_dir, os.path.join(core_dir, "sqlite"), os.path.join(core_dir, "pg")]
    local = [os.path.join(d, soname) for d in dirs]
    got = _try_load([p for p in local if os.path.exists(p)], tried)
    if got is None:
        got = _try_load([soname], tried)
    if got is None:
        raise LibraryNotFoundError(
            f"libptr: {what} ({soname}) is not available; looked in {', '.join(dirs)} and the "
            f"system's loader ({'; '.join(tried)}). Set {env} to its path.")
    return got


_sqlite: Optional[ctypes.CDLL] = None
_pg: Optional[ctypes.CDLL] = None


def sqlite_lib() -> ctypes.CDLL:
    """libptr-sqlite, loaded on first use."""
    global _sqlite
    if _sqlite is None:
        got = _companion("LIBPTR_SQLITE_LIBRARY", SQLITE_SONAME, "the SQLite store")
        _declare(got, {
            "ptr_sqlite_options_init": (None, [P(ptr_sqlite_options)]),
            "ptr_sqlite_store_open": (c_int, [c_char_p, c_size_t, P(ptr_sqlite_options),
                                              P(c_void_p), P(ptr_error)]),
            "ptr_sqlite_schema_version": (c_uint32, []),
        })
        _sqlite = got
    return _sqlite


def pg_lib() -> ctypes.CDLL:
    """libptr-pg, loaded on first use (its API is planned, see PostgresStore)."""
    global _pg
    if _pg is None:
        got = _companion("LIBPTR_PG_LIBRARY", PG_SONAME, "the PostgreSQL store")
        _declare(got, {
            "ptr_pg_store_open": (c_int, [c_char_p, c_size_t, c_uint, P(c_void_p),
                                          P(ptr_error)]),
        })
        _pg = got
    return _pg
