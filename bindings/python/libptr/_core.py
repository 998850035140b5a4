"""Errors, checks of Python arguments, the pure functions, Policy, Scope and Record."""

from __future__ import annotations

import ctypes
import datetime as _dt
import threading
from dataclasses import dataclass, field
from typing import Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

from . import _native as N
from ._native import lib

_UINT32_MAX = 2**32 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_UINT64_MAX = 2**64 - 1

# ---- statuses and errors ---------------------------------------------------------------


def _status_table() -> Tuple[Dict[int, str], Dict[str, int]]:
    by_code: Dict[int, str] = {}
    # Codes are small and only ever appended (error.h); 0..99 covers every family.
    for code in range(100):
        name = lib.ptr_status_name(code).decode("ascii")
        if name != "PTR_E_UNKNOWN":
            by_code[code] = name
    return by_code, {v: k for k, v in by_code.items()}


STATUS_NAMES, STATUS_CODES = _status_table()

#: The list fields (by ptr_field_name) whose index ptrctl prints: "ptrdnames[1]", "tags[0].key".
_INDEXED = {"ptrdname": "ptrdnames[{}]", "tags.key": "tags[{}].key",
            "tags.value": "tags[{}].value"}


class PtrError(Exception):
    """A libptr call refused or failed.

    Attributes:
        status: the status constant's name, such as ``"PTR_E_QUOTA"``.
        code: its number (frozen in libptr/error.h).
        cloud_code: the cloud API's error code, such as ``"DNS.0405"``.
        field: the input at fault as the API names it (``"ptrdnames"``, ``"ttl"``,
            ``"tags"`` ...), or ``""`` when the error is not about one field.
        index: for names and tags, the 0-based position in the list.
        offset: the byte offset of the problem inside that field (UTF-8).
        message: one line of English saying why.

    ``str()`` reads like ptrctl's refusal line without the command:
    ``PTR_E_NAME (DNS.0505), field ptrdnames[1]: label longer than 63 characters``.

    A store written in Python raises ``PtrError("PTR_E_EXISTS")`` (or
    ``PTR_E_NOT_FOUND``, ``PTR_E_BUSY`` ...) to report a status to libptr.
    """

    status: str
    code: int
    cloud_code: str
    field: str
    index: int
    offset: int
    message: str

    def __init__(self, status: Union[str, int], message: Optional[str] = None, *,
                 field: str = "", index: int = 0, offset: int = 0) -> None:
        if isinstance(status, str):
            if status not in STATUS_CODES or status == "PTR_OK":
                raise ValueError(f"status: {status!r} is not a libptr error status")
            code = STATUS_CODES[status]
        elif type(status) is int and status in STATUS_NAMES and status != 0:
            code = status
        else:
            raise ValueError(f"status: {status!r} is not a libptr error status")
        self.code = code
        self.status = STATUS_NAMES[code]
        self.cloud_code = lib.ptr_status_cloud_code(code).decode("ascii")
        self.field = field
        self.index = index
        self.offset = offset
        self.message = message if message else lib.ptr_strerror(code).decode("ascii")
        super().__init__(str(self))

    @property
    def field_path(self) -> str:
        """The field as ptrctl prints it: ``"ptrdnames[1]"``, ``"tags[0].key"``, ``"ttl"``."""
        fmt = _INDEXED.get(self.field)
        return fmt.format(self.index) if fmt else self.field

    def __str__(self) -> str:
        where = f", field {self.field_path}" if self.field else ""
        return f"{self.status} ({self.cloud_code}){where}: {self.message}"

    def __reduce__(self):
        return (_rebuild_error, (self.code, self.message, self.field, self.index, self.offset))


def _rebuild_error(code, message, fld, index, offset):
    return PtrError(code, message, field=fld, index=index, offset=offset)


def _raise(st: int, err: Optional[N.ptr_error] = None, field_code: int = 0) -> None:
    """Raise the PtrError for status st, with err's details when it describes st."""
    if err is not None and err.status == st:
        msg = err.message.decode("utf-8", "replace") or None
        e = PtrError(st, msg, field=lib.ptr_field_name(err.field).decode("ascii"),
                     index=err.index, offset=err.offset)
    else:
        e = PtrError(st, field=lib.ptr_field_name(field_code).decode("ascii"))
    raise e


# ---- argument checks: Python mistakes are TypeError/ValueError, before C is called ----


def _text(value: object, what: str) -> bytes:
    if type(value) is not str:
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    # surrogatepass: a lone surrogate becomes bytes that C refuses as invalid UTF-8,
    # with its offset, instead of a UnicodeEncodeError that names no field.
    return value.encode("utf-8", "surrogatepass")


def _int(value: object, what: str, lo: int, hi: int) -> int:
    if type(value) is not int:
        raise TypeError(f"{what} must be int, not {type(value).__name__}")
    if not lo <= value <= hi:
        raise ValueError(f"{what} must be in {lo}..{hi}, not {value}")
    return value


def _names(names: object, what: str = "names") -> list:
    if isinstance(names, (str, bytes)) or not isinstance(names, (list, tuple)):
        raise TypeError(f"{what} must be a list or tuple of str, not {type(names).__name__}")
    return [_text(n, f"{what}[{i}]") for i, n in enumerate(names)]


def _tags(tags: object, what: str = "tags", allow_none_value: bool = False) -> list:
    """A dict or a sequence of (key, value) pairs as [(bytes, bytes-or-None)]."""
    if tags is None:
        return []
    if isinstance(tags, dict) or isinstance(tags, Mapping):
        items = list(tags.items())
    elif isinstance(tags, (list, tuple)):
        items = list(tags)
    else:
        raise TypeError(f"{what} must be a dict or a list of (key, value) pairs, "
                        f"not {type(tags).__name__}")
    out = []
    for i, kv in enumerate(items):
        if not isinstance(kv, tuple) or len(kv) != 2:
            raise TypeError(f"{what}[{i}] must be a (key, value) pair")
        k, v = kv
        kb = _text(k, f"{what}[{i}] key")
        if v is None and allow_none_value:
            out.append((kb, None))
        else:
            out.append((kb, _text(v, f"{what}[{i}] value")))
    return out


def _tag_array(pairs: list):
    arr = (N.ptr_tag * max(len(pairs), 1))()
    for i, (k, v) in enumerate(pairs):
        arr[i].key, arr[i].key_len = k, len(k)
        if v is None:
            arr[i].value, arr[i].value_len = None, 0
        else:
            arr[i].value, arr[i].value_len = v, len(v)
    return arr


def _text_array(items: list):
    arr = (N.ptr_text * max(len(items), 1))()
    for i, b in enumerate(items):
        arr[i].s, arr[i].len = b, len(b)
    return arr


# ---- addresses -------------------------------------------------------------------------

_addr_format = lib.ptr_addr_format
_host_parse = lib.ptr_host_parse
_revname = lib.ptr_revname
_string_at = ctypes.string_at


def _format_addr(a) -> str:
    buf = ctypes.create_string_buffer(N.ADDR_STRLEN)
    n = ctypes.c_size_t()
    st = _addr_format(a, buf, N.ADDR_STRLEN, ctypes.byref(n))
    if st:
        _raise(st, None, 1)
    return buf.raw[: n.value].decode("ascii")


def _parse_host(address: object, what: str = "address") -> N.ptr_addr:
    b = _text(address, what)
    a = N.ptr_addr()
    st = _host_parse(b, len(b), a)
    if st:
        _raise(st, None, 1)
    return a


def _parse_addr_any(address: object, what: str = "address") -> N.ptr_addr:
    b = _text(address, what)
    a = N.ptr_addr()
    st = lib.ptr_addr_parse(b, len(b), a)
    if st:
        _raise(st, None, 1)
    return a


def version() -> str:
    """The release of the loaded C library, such as ``"0.2.3"`` (``ptr_version()``)."""
    return N.LIBRARY_VERSION


# revname is the call a control plane makes most (every answer, every zone line), so it
# skips what costs most in ctypes: per-call buffers (one pair per thread, reused: the
# GIL is released during the C call, so a shared pair could be overwritten) and the
# conversion of a Structure to a pointer (its own prototypes take the address as an int).
_tls = threading.local()
_fast_host_parse = lib["ptr_host_parse"]
_fast_host_parse.restype = ctypes.c_int
_fast_host_parse.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
_fast_revname = lib["ptr_revname"]
_fast_revname.restype = ctypes.c_int
_fast_revname.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p, ctypes.c_size_t,
                          ctypes.c_void_p]


def _rev_scratch():
    a, buf = N.ptr_addr(), ctypes.create_string_buffer(N.REVNAME_BUFSZ)
    _tls.rev = (a, buf, ctypes.addressof(a), ctypes.addressof(buf))
    return _tls.rev


def revname(address: str, fqdn: bool = True) -> str:
    """The reverse name of a host address.

    >>> revname("203.0.113.10")
    '10.113.0.203.in-addr.arpa.'

    ``"/32"`` or ``"/128"`` may follow the address; another prefix raises
    ``PtrError`` ``PTR_E_NOT_HOST``, text that is not an address ``PTR_E_ADDR``.
    ``fqdn=False`` leaves out the trailing dot.
    """
    if type(address) is not str:
        raise TypeError(f"address must be str, not {type(address).__name__}")
    try:
        _a, buf, pa, pb = _tls.rev
    except AttributeError:
        _a, buf, pa, pb = _rev_scratch()
    try:
        b = address.encode()
    except UnicodeEncodeError:
        b = address.encode("utf-8", "surrogatepass")
    st = _fast_host_parse(b, len(b), pa)
    if st:
        _raise(st, None, 1)
    st = _fast_revname(pa, 1 if fqdn else 0, pb, N.REVNAME_BUFSZ, None)
    if st:
        _raise(st)
    return buf.value.decode("ascii")


def parse_revname(name: str) -> Tuple[str, int]:
    """The inverse of :func:`revname`: ``(address, prefix_len)``.

    A full name gives the address and 32 or 128; a shorter one is a zone and gives
    its network address and prefix length (``"113.0.203.in-addr.arpa"`` →
    ``("203.0.113.0", 24)``). Case-insensitive; the trailing dot is optional.
    """
    b = _text(name, "name")
    a = N.ptr_addr()
    plen = ctypes.c_uint()
    st = lib.ptr_revname_parse(b, len(b), a, ctypes.byref(plen))
    if st:
        _raise(st, None, 13)
    return _format_addr(a), plen.value


def revzone(prefix: str, fqdn: bool = True, rfc2317: Optional[str] = None) -> str:
    """The reverse zone of a prefix: ``revzone("203.0.113.0/24")`` →
    ``"113.0.203.in-addr.arpa."``. ``rfc2317="range"`` or ``"slash"`` names the
    classless zones of IPv4 /25../31 (RFC 2317)."""
    b = _text(prefix, "prefix")
    flags = 1 if fqdn else 0
    if rfc2317 == "range":
        flags |= 2
    elif rfc2317 == "slash":
        flags |= 4
    elif rfc2317 is not None:
        raise ValueError(f"rfc2317 must be None, 'range' or 'slash', not {rfc2317!r}")
    a = N.ptr_addr()
    plen = ctypes.c_uint()
    st = lib.ptr_prefix_parse(b, len(b), a, ctypes.byref(plen))
    if st:
        _raise(st, None, 1)
    buf = ctypes.create_string_buffer(N.REVNAME_BUFSZ)
    n = ctypes.c_size_t()
    st = lib.ptr_revzone(a, plen.value, flags, buf, N.REVNAME_BUFSZ, ctypes.byref(n))
    if st:
        _raise(st, None, 1)
    return buf.raw[: n.value].decode("ascii")


def is_public(address: str) -> bool:
    """Is the address public unicast (not private, loopback, documentation, ...)?"""
    return bool(lib.ptr_addr_is_public(_parse_addr_any(address)))


def address_key(address: str) -> Tuple[int, bytes]:
    """The sort key of libptr's store order: IPv4 before IPv6, then the address bytes.

    A store written in Python sorts with it so that ``scan`` visits in address order.
    """
    a = _parse_addr_any(address)
    return a.family, bytes(a.bytes)


def normalize_name(name: str, allow_underscore: bool = False,
                   allow_single_label: bool = False) -> str:
    """Check a host name and return its normal form: lower case, one trailing dot.

    >>> normalize_name("Mail.Example.COM")
    'mail.example.com.'
    """
    b = _text(name, "name")
    flags = (1 if allow_underscore else 0) | (2 if allow_single_label else 0)
    buf = ctypes.create_string_buffer(N.NAME_BUFSZ)
    n = ctypes.c_size_t()
    err = N.ptr_error()
    st = lib.ptr_name_normalize(b, len(b), flags, buf, N.NAME_BUFSZ, ctypes.byref(n),
                                ctypes.byref(err))
    if st:
        _raise(st, err, 2)
    return buf.raw[: n.value].decode("ascii")


def parse_ttl(text: str) -> int:
    """Parse a TTL: ``"300"``, ``"5m"``, ``"1h30m"``, ``"1w"`` → seconds.

    Only parses (up to 4294967295); the policy's range is checked by
    :func:`check_request` and the service.
    """
    b = _text(text, "ttl")
    out = ctypes.c_uint32()
    st = lib.ptr_ttl_parse(b, len(b), ctypes.byref(out))
    if st:
        _raise(st, None, 4)
    return out.value


def default_name(address: str, template: Optional[str] = None) -> str:
    """The name an address answers with when it has no record (not normalized):
    ``default_name("203.0.113.10")`` → ``"ecs-203-0-113-10.compute.example.com"``."""
    a = _parse_host(address)
    t = None if template is None else _text(template, "template")
    buf = ctypes.create_string_buffer(512)
    n = ctypes.c_size_t()
    st = lib.ptr_default_name(t, 0 if t is None else len(t), a, buf, 512, ctypes.byref(n))
    if st:
        _raise(st)
    return buf.raw[: n.value].decode("utf-8", "replace")


# ---- policy ----------------------------------------------------------------------------

_POLICY_INTS = ("max_names", "max_records_per_owner", "ttl_min", "ttl_max", "ttl_default",
                "description_max", "max_tags", "tag_key_max", "tag_value_max")


@dataclass
class Policy:
    """The limits libptr enforces (``ptr_policy``); every number is an attribute.

    Start from :meth:`huawei` (the defaults) or :meth:`otc`, then change
    attributes; a Service copies the policy when it is made.
    """

    max_names: int
    max_records_per_owner: int
    ttl_min: int
    ttl_max: int
    ttl_default: int
    description_max: int
    max_tags: int
    tag_key_max: int
    tag_value_max: int
    ipv6: bool = False
    public_only: bool = False
    allow_underscore: bool = False
    allow_single_label: bool = False
    default_name_template: Optional[str] = None

    @classmethod
    def _from_c(cls, p: N.ptr_policy) -> "Policy":
        return cls(**{k: getattr(p, k) for k in _POLICY_INTS},
                   ipv6=bool(p.options & 1), public_only=bool(p.options & 2),
                   allow_underscore=bool(p.name_flags & 1),
                   allow_single_label=bool(p.name_flags & 2))

    @classmethod
    def huawei(cls) -> "Policy":
        """Huawei Cloud's rules (``ptr_policy_init()``): 10 names, 50 records per owner,
        TTL 1..2147483647 (default 300), 255-character description, 10 tags."""
        p = N.ptr_policy()
        lib.ptr_policy_init(ctypes.byref(p))
        return cls._from_c(p)

    @classmethod
    def otc(cls) -> "Policy":
        """Open Telekom Cloud's rules (``ptr_policy_init_otc()``): as huawei(), 20 tags."""
        p = N.ptr_policy()
        lib.ptr_policy_init_otc(ctypes.byref(p))
        return cls._from_c(p)

    def _to_c(self) -> N.ptr_policy:
        p = N.ptr_policy()
        lib.ptr_policy_init(ctypes.byref(p))
        for k in _POLICY_INTS:
            setattr(p, k, _int(getattr(self, k), f"Policy.{k}", 0, _UINT32_MAX))
        for k in ("ipv6", "public_only", "allow_underscore", "allow_single_label"):
            if type(getattr(self, k)) is not bool:
                raise TypeError(f"Policy.{k} must be bool")
        p.options = (1 if self.ipv6 else 0) | (2 if self.public_only else 0)
        p.name_flags = (1 if self.allow_underscore else 0) | (2 if self.allow_single_label else 0)
        if self.default_name_template is not None:
            t = _text(self.default_name_template, "Policy.default_name_template")
            if b"\0" in t:
                raise ValueError("Policy.default_name_template must not contain a NUL character")
            p.default_name_template = t
        return p


_DEFAULT_POLICY = N.ptr_policy()
lib.ptr_policy_init(ctypes.byref(_DEFAULT_POLICY))


def _policy_ptr(policy: Optional[Policy]):
    if policy is None:
        return _DEFAULT_POLICY
    if not isinstance(policy, Policy):
        raise TypeError(f"policy must be a libptr.Policy, not {type(policy).__name__}")
    return policy._to_c()


# ---- requests --------------------------------------------------------------------------


class _Request:
    """A ptr_request and the bytes its views point into (kept alive together)."""

    __slots__ = ("req", "keep")

    def __init__(self, address: Optional[object], names: Optional[object], ttl: object,
                 description: Optional[object], tags: Optional[object]) -> None:
        r = N.ptr_request()
        lib.ptr_request_init(ctypes.byref(r))
        keep = []
        flags = 0
        if address is not None:
            a = _text(address, "address")
            keep.append(a)
            r.address.s, r.address.len = a, len(a)
        if names is not None:
            nb = _names(names, "names")
            arr = _text_array(nb)
            keep += [nb, arr]
            r.names, r.name_count = arr, len(nb)
            flags |= 0x1
        if ttl is not None:
            r.ttl = _int(ttl, "ttl", _INT64_MIN, _INT64_MAX)
            flags |= 0x2
        if description is not None:
            d = _text(description, "description")
            keep.append(d)
            r.description.s, r.description.len = d, len(d)
            flags |= 0x4
        if tags is not None:
            tb = _tags(tags, "tags")
            arr = _tag_array(tb)
            keep += [tb, arr]
            r.tags, r.tag_count = arr, len(tb)
            flags |= 0x8
        r.flags = flags
        self.req = r
        self.keep = keep


def check_request(address: str, names: Sequence[str], ttl: Optional[int] = 300,
                  description: str = "", tags: Optional[Mapping[str, str]] = None,
                  policy: Optional[Policy] = None) -> None:
    """Validate a whole create request as the service would, without a store.

    Returns None when every rule holds; else raises :class:`PtrError` for the first
    failing field, in this order: the address (a single host; IPv6 and non-public
    addresses as the policy says), the number of names, each name and duplicates,
    the TTL (None: the policy's default), the description, the tags.
    ``TypeError``/``ValueError`` for arguments of the wrong Python type or range.
    """
    if address is None:
        raise TypeError("address must be str, not None")
    if names is None:
        raise TypeError("names must be a list or tuple of str, not None")
    if description is None:
        raise TypeError("description must be str, not None")
    # No tags and an empty list are the same request: the C default of the struct.
    rq = _Request(address, names, -1 if ttl is None else ttl, description, tags)
    pol = _policy_ptr(policy)
    err = N.ptr_error()
    st = lib.ptr_request_check(ctypes.byref(rq.req), ctypes.byref(pol), None, ctypes.byref(err))
    if st:
        _raise(st, err)


# ---- scope and records -----------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Who is calling: region, project and owner (the account charged for creates).

    Each is 1..64 ASCII letters, digits and ``- _ .``; the service refuses others
    with ``PTR_E_INVAL`` naming the field. ``owner`` is needed by create only.
    """

    region: str
    project: str
    owner: str = ""
    _c: N.ptr_scope = field(init=False, repr=False, compare=False, hash=False, default=None)

    def __post_init__(self) -> None:
        r = _text(self.region, "Scope.region")
        p = _text(self.project, "Scope.project")
        o = _text(self.owner, "Scope.owner")
        c = N.ptr_scope()
        c.region.s, c.region.len = r, len(r)
        c.project.s, c.project.len = p, len(p)
        c.owner.s, c.owner.len = o, len(o)
        # The bytes objects above stay alive through c._objects (ctypes keeps them).
        object.__setattr__(self, "_c", c)


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def _time(t: int) -> _dt.datetime:
    return _EPOCH + _dt.timedelta(seconds=t)


def _seconds(t: _dt.datetime) -> int:
    if not isinstance(t, _dt.datetime):
        raise TypeError(f"a record time must be a datetime, not {type(t).__name__}")
    if t.tzinfo is None:
        raise ValueError("a record time must carry a time zone (datetime.timezone.utc)")
    d = t - _EPOCH
    return d.days * 86400 + d.seconds


def _rfc3339(t: _dt.datetime) -> str:
    return t.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Record:
    """A PTR record, copied out of C: the fields of ``ptrctl --json show``.

    ``tags`` is a dict in the record's order; ``created_at`` and ``updated_at`` are
    aware UTC datetimes; :meth:`to_dict` gives ptrctl's JSON object exactly.
    ``status`` and ``action`` are where the record stands with the name servers,
    by the C names (:data:`DNS_STATUSES`, :data:`DNS_ACTIONS`): a write leaves it
    ``"PENDING_CREATE"`` or ``"PENDING_UPDATE"`` until a push confirms it
    (``"ACTIVE"``), and a deleted record that DNS may answer stays
    ``"PENDING_DELETE"`` with action ``"DELETE"``. ``dns_error`` is why a server
    refused the last change (``""`` when none), ``in_dns`` whether a change was
    ever sent. Records compare by value; they are not hashable, since ``tags``
    is a dict.
    """

    id: str
    region: str
    project: str
    owner: str
    address: str
    ptrdnames: Tuple[str, ...]
    ttl: int
    description: str
    tags: Dict[str, str]
    created_at: _dt.datetime
    updated_at: _dt.datetime
    revision: int
    status: str = "ACTIVE"
    action: str = "NONE"
    dns_error: str = ""
    in_dns: bool = False

    @property
    def deleted(self) -> bool:
        """A deleted record kept until DNS answers the default name (action DELETE)."""
        return self.action == "DELETE"

    def to_dict(self) -> dict:
        """ptrctl's ``--json show`` object (tags as a list of {key, value};
        ``dns_error`` only when there is one; ``in_dns`` is not in it)."""
        d = {
            "id": self.id, "region": self.region, "project": self.project,
            "owner": self.owner, "address": self.address, "ptrdnames": list(self.ptrdnames),
            "ttl": self.ttl, "description": self.description,
            "tags": [{"key": k, "value": v} for k, v in self.tags.items()],
            "status": self.status, "action": self.action,
        }
        if self.dns_error:
            d["dns_error"] = self.dns_error
        d.update({"created_at": _rfc3339(self.created_at),
                  "updated_at": _rfc3339(self.updated_at), "revision": self.revision})
        return d

    @classmethod
    def new(cls, region: str, project: str, owner: str, address: str,
            ptrdnames: Iterable[str], ttl: int = 300, description: str = "",
            tags: Optional[Mapping[str, str]] = None, created_at: Optional[_dt.datetime] = None,
            updated_at: Optional[_dt.datetime] = None, revision: int = 1,
            status: str = "ACTIVE", action: str = "NONE", dns_error: str = "",
            in_dns: bool = False) -> "Record":
        """A record made in Python (for tests and stores); the address is formatted
        canonically and the id derived from it. Nothing else is validated."""
        a = _parse_addr_any(address)
        addr = _format_addr(a)
        c = created_at if created_at is not None else _EPOCH
        return cls(id=f"{region}:{addr}", region=region, project=project, owner=owner,
                   address=addr, ptrdnames=tuple(ptrdnames), ttl=ttl, description=description,
                   tags=dict(tags or {}), created_at=c,
                   updated_at=updated_at if updated_at is not None else c, revision=revision,
                   status=status, action=action, dns_error=dns_error, in_dns=in_dns)


#: The DNS statuses by their C value (ptr_dns_status), as ptr_dns_status_name() names them.
DNS_STATUSES = ("ACTIVE", "PENDING_CREATE", "PENDING_UPDATE", "PENDING_DELETE", "ERROR")
#: The DNS actions by their C value (ptr_dns_action), as ptr_dns_action_name() names them.
DNS_ACTIONS = ("NONE", "CREATE", "UPDATE", "DELETE")


def _dns_value(name, names: Tuple[str, ...], what: str) -> int:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str, not {type(name).__name__}")
    try:
        return names.index(name)
    except ValueError:
        raise ValueError(f"{what} must be one of {', '.join(names)}, not {name!r}") from None


_rec_region = lib.ptr_record_region
_rec_project = lib.ptr_record_project
_rec_owner = lib.ptr_record_owner
_rec_name = lib.ptr_record_name
_rec_desc = lib.ptr_record_description


def _rtext(fn, rec, n: ctypes.c_size_t) -> str:
    p = fn(rec, ctypes.byref(n))
    return _string_at(p, n.value).decode("utf-8", "surrogateescape") if n.value else ""


def record_from_c(rec) -> Record:
    """Copy every field of a C ptr_record into a Record (the C one may go away after)."""
    n = ctypes.c_size_t()
    region = _rtext(_rec_region, rec, n)
    addr_p = lib.ptr_record_address(rec)
    address = _format_addr(addr_p) if addr_p and addr_p.contents.family else ""
    names = []
    for i in range(lib.ptr_record_name_count(rec)):
        p = _rec_name(rec, i, ctypes.byref(n))
        names.append(_string_at(p, n.value).decode("utf-8", "surrogateescape"))
    tags = {}
    t = N.ptr_tag()
    for i in range(lib.ptr_record_tag_count(rec)):
        if lib.ptr_record_tag(rec, i, ctypes.byref(t)) == 0:
            k = _string_at(t.key, t.key_len) if t.key_len else b""
            v = _string_at(t.value, t.value_len) if t.value_len else b""
            tags[k.decode("utf-8", "surrogateescape")] = v.decode("utf-8", "surrogateescape")
    return Record(
        id=f"{region}:{address}" if address else "",
        region=region,
        project=_rtext(_rec_project, rec, n),
        owner=_rtext(_rec_owner, rec, n),
        address=address,
        ptrdnames=tuple(names),
        ttl=lib.ptr_record_ttl(rec),
        description=_rtext(_rec_desc, rec, n),
        tags=tags,
        created_at=_time(lib.ptr_record_created(rec)),
        updated_at=_time(lib.ptr_record_updated(rec)),
        revision=lib.ptr_record_revision(rec),
        status=lib.ptr_dns_status_name(lib.ptr_record_dns_status(rec)).decode("ascii"),
        action=lib.ptr_dns_action_name(lib.ptr_record_dns_action(rec)).decode("ascii"),
        dns_error=_rtext(lib.ptr_record_dns_error, rec, n),
        in_dns=bool(lib.ptr_record_in_dns(rec)),
    )


def record_to_c(r: Record, rec) -> int:
    """Fill the C record rec (reset first) from r; a ptr_status (0 on success)."""
    if not isinstance(r, Record):
        raise TypeError(f"a store must return libptr.Record, not {type(r).__name__}")
    lib.ptr_record_reset(rec)
    a = _parse_addr_any(r.address, "Record.address")
    parts = [_text(r.region, "Record.region"), _text(r.project, "Record.project"),
             _text(r.owner, "Record.owner")]
    for fn, b in zip((lib.ptr_record_set_region, lib.ptr_record_set_project,
                      lib.ptr_record_set_owner), parts):
        st = fn(rec, b, len(b))
        if st:
            return st
    st = lib.ptr_record_set_address(rec, a)
    if st:
        return st
    for i, nm in enumerate(r.ptrdnames):
        b = _text(nm, f"Record.ptrdnames[{i}]")
        st = lib.ptr_record_add_name(rec, b, len(b))
        if st:
            return st
    st = lib.ptr_record_set_ttl(rec, _int(r.ttl, "Record.ttl", 0, _UINT32_MAX))
    if st:
        return st
    d = _text(r.description, "Record.description")
    st = lib.ptr_record_set_description(rec, d, len(d))
    if st:
        return st
    for k, v in r.tags.items():
        kb, vb = _text(k, "Record.tags key"), _text(v, "Record.tags value")
        st = lib.ptr_record_add_tag(rec, kb, len(kb), vb, len(vb))
        if st:
            return st
    for fn, v in ((lib.ptr_record_set_created, _seconds(r.created_at)),
                  (lib.ptr_record_set_updated, _seconds(r.updated_at))):
        st = fn(rec, v)
        if st:
            return st
    st = lib.ptr_record_set_revision(rec, _int(r.revision, "Record.revision", 0, _UINT64_MAX))
    if st:
        return st
    st = lib.ptr_record_set_dns_status(rec, _dns_value(r.status, DNS_STATUSES, "Record.status"))
    if st:
        return st
    st = lib.ptr_record_set_dns_action(rec, _dns_value(r.action, DNS_ACTIONS, "Record.action"))
    if st:
        return st
    e = _text(r.dns_error, "Record.dns_error")
    st = lib.ptr_record_set_dns_error(rec, e, len(e))
    if st:
        return st
    if not isinstance(r.in_dns, bool):
        raise TypeError(f"Record.in_dns must be a bool, not {type(r.in_dns).__name__}")
    return lib.ptr_record_set_in_dns(rec, int(r.in_dns))
