"""libptr: reverse-DNS (PTR) records for public IP addresses, from Python.

A pure-Python binding (ctypes, standard library only) over the C library
libptr.so.2. It finds the library through the LIBPTR_LIBRARY environment
variable (a path), then next to this package, then the system's loader; a
missing or too-old library is an ImportError naming the version found and the
one needed.

Checks, without a store::

    >>> import libptr
    >>> libptr.revname("203.0.113.10")
    '10.113.0.203.in-addr.arpa.'
    >>> libptr.normalize_name("Mail.Example.COM")
    'mail.example.com.'
    >>> libptr.check_request("203.0.113.0/24", ["mail.example.com"])
    Traceback (most recent call last):
    ...
    libptr.PtrError: PTR_E_NOT_HOST (DNS.0602), field address: ...

The service over a store::

    svc = libptr.Service(libptr.MemoryStore())
    scope = libptr.Scope("eu-de", "project-1", "account-7")
    rec = svc.create(scope, "203.0.113.10", ["mail.example.com"], ttl=3600)

Every refusal is a :class:`PtrError` with the status, the cloud error code,
the field and the reason. Arguments of the wrong Python type raise TypeError,
out-of-range numbers ValueError, before C is called.
"""

from ._alloc import CountingAllocator
from ._core import (
    Policy,
    PtrError,
    DNS_ACTIONS,
    DNS_STATUSES,
    Record,
    Scope,
    address_key,
    check_request,
    default_name,
    is_public,
    normalize_name,
    parse_revname,
    parse_ttl,
    revname,
    revzone,
    version,
)
from ._native import LIBRARY_PATH, LibraryNotFoundError
from ._service import DnsChange, Page, Quota, Resolution, Service
from ._store import MemoryStore, PostgresStore, SQLiteStore, Store, StoreFilter

__version__ = "0.2.3"

__all__ = [
    "CountingAllocator",
    "LIBRARY_PATH",
    "LibraryNotFoundError",
    "MemoryStore",
    "Page",
    "Policy",
    "PostgresStore",
    "PtrError",
    "Quota",
    "DNS_ACTIONS",
    "DnsChange",
    "DNS_STATUSES",
    "Record",
    "Resolution",
    "SQLiteStore",
    "Scope",
    "Service",
    "Store",
    "StoreFilter",
    "address_key",
    "check_request",
    "default_name",
    "is_public",
    "normalize_name",
    "parse_revname",
    "parse_ttl",
    "revname",
    "revzone",
    "version",
]

# help(libptr) and tracebacks name the public module, not the private ones.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("libptr."):
        try:
            _obj.__module__ = "libptr"
        except (AttributeError, TypeError):
            pass
del _name, _obj
