"""The pure functions, PtrError, Policy, Scope and Record: results and every error path."""

import datetime
import pickle

import pytest

import libptr


def refused(status, fn, *args, **kw):
    with pytest.raises(libptr.PtrError) as ei:
        fn(*args, **kw)
    assert ei.value.status == status, str(ei.value)
    return ei.value


def test_version():
    v = libptr.version()
    assert isinstance(v, str)
    assert tuple(int(x) for x in v.split(".")[:2]) == (0, 2)


@pytest.mark.parametrize("addr,name", [
    ("203.0.113.10", "10.113.0.203.in-addr.arpa."),
    ("203.0.113.10/32", "10.113.0.203.in-addr.arpa."),
    ("2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."),
])
def test_revname(addr, name):
    assert libptr.revname(addr) == name
    assert libptr.revname(addr, fqdn=False) == name[:-1]


def test_revname_errors():
    e = refused("PTR_E_NOT_HOST", libptr.revname, "203.0.113.0/24")
    assert e.cloud_code == "DNS.0602" and e.field == "address"
    refused("PTR_E_ADDR", libptr.revname, "203.0.113")
    # An embedded NUL is just an invalid byte, not the end of the text.
    refused("PTR_E_ADDR", libptr.revname, "203.0.113.10\0junk")
    refused("PTR_E_ADDR", libptr.revname, "")
    with pytest.raises(TypeError):
        libptr.revname(None)
    with pytest.raises(TypeError):
        libptr.revname(b"203.0.113.10")


def test_parse_revname():
    assert libptr.parse_revname("10.113.0.203.in-addr.arpa.") == ("203.0.113.10", 32)
    assert libptr.parse_revname("113.0.203.IN-ADDR.ARPA") == ("203.0.113.0", 24)
    assert libptr.parse_revname(libptr.revname("2001:db8::1")) == ("2001:db8::1", 128)
    e = refused("PTR_E_REVNAME", libptr.parse_revname, "example.com")
    assert e.field == "revname"
    with pytest.raises(TypeError):
        libptr.parse_revname(1)


def test_revzone():
    assert libptr.revzone("203.0.113.0/24") == "113.0.203.in-addr.arpa."
    assert libptr.revzone("203.0.113.0/25", rfc2317="range") == "0-127.113.0.203.in-addr.arpa."
    assert libptr.revzone("203.0.113.0/25", rfc2317="slash", fqdn=False) == \
        "0/25.113.0.203.in-addr.arpa"
    refused("PTR_E_INVAL", libptr.revzone, "203.0.113.0/25")
    refused("PTR_E_ADDR", libptr.revzone, "203.0.113.5/24")
    with pytest.raises(ValueError):
        libptr.revzone("203.0.113.0/25", rfc2317="dash")


def test_is_public_and_address_key():
    assert libptr.is_public("8.8.8.8")
    assert not libptr.is_public("10.0.0.1")
    assert not libptr.is_public("203.0.113.10")  # TEST-NET-3, documentation
    refused("PTR_E_ADDR", libptr.is_public, "nope")
    keys = sorted(["10.0.0.1", "9.0.0.1", "::1", "255.0.0.0"], key=libptr.address_key)
    assert keys == ["9.0.0.1", "10.0.0.1", "255.0.0.0", "::1"]


def test_normalize_name():
    assert libptr.normalize_name("Mail.Example.COM") == "mail.example.com."
    assert libptr.normalize_name("mail.example.com.") == "mail.example.com."
    e = refused("PTR_E_NAME", libptr.normalize_name, "mail..example.com")
    assert (e.field, e.index, e.offset, e.cloud_code) == ("ptrdname", 0, 5, "DNS.0505")
    refused("PTR_E_NAME", libptr.normalize_name, "_dmarc.example.com")
    assert libptr.normalize_name("_dmarc.example.com", allow_underscore=True) == \
        "_dmarc.example.com."
    refused("PTR_E_NAME", libptr.normalize_name, "localhost")
    assert libptr.normalize_name("localhost", allow_single_label=True) == "localhost."
    e = refused("PTR_E_NAME", libptr.normalize_name, "ma\0il.example.com")
    assert e.offset == 2
    e = refused("PTR_E_NAME", libptr.normalize_name, "mäil.example.com")
    assert e.offset == 1
    with pytest.raises(TypeError):
        libptr.normalize_name(None)


def test_parse_ttl():
    assert libptr.parse_ttl("1h") == 3600
    assert libptr.parse_ttl("300") == 300
    assert libptr.parse_ttl("1h30m") == 5400
    assert libptr.parse_ttl("4294967295") == 4294967295
    e = refused("PTR_E_TTL", libptr.parse_ttl, "1h30")
    assert e.field == "ttl" and e.cloud_code == "DNS.0506"
    refused("PTR_E_TTL", libptr.parse_ttl, "4294967296")
    refused("PTR_E_TTL", libptr.parse_ttl, "")
    with pytest.raises(TypeError):
        libptr.parse_ttl(3600)


def test_default_name():
    assert libptr.default_name("203.0.113.10") == "ecs-203-0-113-10.compute.example.com"
    assert libptr.default_name("203.0.113.10", "host-{d}.example.net") == "host-10.example.net"
    refused("PTR_E_INVAL", libptr.default_name, "2001:db8::1", "{a}.example.net")


def test_check_request_ok():
    assert libptr.check_request("203.0.113.10", ["mail.example.com"]) is None
    assert libptr.check_request("203.0.113.10", ("a.example.com", "b.example.com"), ttl=None,
                                description="mail", tags={"env": "prod"}) is None


@pytest.mark.parametrize("kwargs,status,field,index", [
    (dict(address="203.0.113.0/24"), "PTR_E_NOT_HOST", "address", 0),
    (dict(address="2001:db8::1"), "PTR_E_ADDR_FORBIDDEN", "address", 0),
    (dict(names=[]), "PTR_E_NAME_COUNT", "ptrdnames", 0),
    (dict(names=[f"n{i}.example.com" for i in range(11)]), "PTR_E_NAME_COUNT", "ptrdnames", 0),
    (dict(names=["a.example.com", "bad_.example.com"]), "PTR_E_NAME", "ptrdname", 1),
    (dict(names=["a.example.com", "A.Example.com."]), "PTR_E_NAME_DUP", "ptrdname", 1),
    (dict(ttl=0), "PTR_E_TTL", "ttl", 0),
    (dict(ttl=2**31), "PTR_E_TTL", "ttl", 0),
    (dict(description="x" * 256), "PTR_E_DESCRIPTION", "description", 0),
    (dict(description="bell\a"), "PTR_E_DESCRIPTION", "description", 0),
    (dict(description="\ud800"), "PTR_E_DESCRIPTION", "description", 0),
    (dict(tags={"ok": "1", "bad!": "x"}), "PTR_E_TAG", "tags.key", 1),
    (dict(tags={"k": "v!"}), "PTR_E_TAG", "tags.value", 0),
    (dict(tags={f"k{i}": "v" for i in range(11)}), "PTR_E_TAG_COUNT", "tags", 10),
    (dict(tags=[("k", "1"), ("k", "2")]), "PTR_E_TAG_DUP", "tags.key", 1),
])
def test_check_request_refusals(kwargs, status, field, index):
    args = dict(address="203.0.113.10", names=["mail.example.com"])
    args.update(kwargs)
    e = refused(status, libptr.check_request, **args)
    assert (e.field, e.index) == (field, index)
    assert e.message and e.cloud_code.startswith("DNS.")


def test_check_request_policy():
    p = libptr.Policy.huawei()
    p.ipv6 = True
    assert libptr.check_request("2001:db8::1", ["mail.example.com"], policy=p) is None
    otc = libptr.Policy.otc()
    tags = {f"k{i}": "v" for i in range(20)}
    assert libptr.check_request("203.0.113.10", ["m.example.com"], tags=tags, policy=otc) is None
    refused("PTR_E_TAG_COUNT", libptr.check_request, "203.0.113.10", ["m.example.com"],
            tags=tags)
    p = libptr.Policy.huawei()
    p.public_only = True
    refused("PTR_E_ADDR_FORBIDDEN", libptr.check_request, "10.0.0.1", ["m.example.com"],
            policy=p)


@pytest.mark.parametrize("kwargs,exc", [
    (dict(address=None), TypeError),
    (dict(names=None), TypeError),
    (dict(names="mail.example.com"), TypeError),  # a str is not a list of names
    (dict(names=[b"mail.example.com"]), TypeError),
    (dict(ttl="300"), TypeError),
    (dict(ttl=2**63), ValueError),
    (dict(ttl=-(2**63) - 1), ValueError),
    (dict(description=None), TypeError),
    (dict(tags=["k=v"]), TypeError),
    (dict(tags={"k": 1}), TypeError),
    (dict(tags={"k": None}), TypeError),
    (dict(policy="huawei"), TypeError),
])
def test_check_request_python_errors(kwargs, exc):
    args = dict(address="203.0.113.10", names=["mail.example.com"])
    args.update(kwargs)
    with pytest.raises(exc):
        libptr.check_request(**args)


def test_policy():
    h = libptr.Policy.huawei()
    assert (h.max_names, h.max_records_per_owner, h.ttl_min, h.ttl_max, h.ttl_default,
            h.description_max, h.max_tags, h.tag_key_max, h.tag_value_max) == \
        (10, 50, 1, 2147483647, 300, 255, 10, 128, 255)
    assert not h.ipv6 and not h.public_only
    assert libptr.Policy.otc().max_tags == 20
    h.max_names = 2**32
    with pytest.raises(ValueError):
        libptr.check_request("203.0.113.10", ["m.example.com"], policy=h)
    h.max_names = "10"
    with pytest.raises(TypeError):
        libptr.check_request("203.0.113.10", ["m.example.com"], policy=h)
    h = libptr.Policy.huawei()
    h.ipv6 = 1
    with pytest.raises(TypeError):
        libptr.check_request("203.0.113.10", ["m.example.com"], policy=h)


def test_ptr_error():
    e = libptr.PtrError("PTR_E_QUOTA")
    assert (e.status, e.code, e.cloud_code, e.field, e.index, e.offset) == \
        ("PTR_E_QUOTA", 41, "DNS.0405", "", 0, 0)
    assert e.message and str(e) == f"PTR_E_QUOTA (DNS.0405): {e.message}"
    e = libptr.PtrError(20, "bad label", field="ptrdname", index=2, offset=4)
    assert e.field_path == "ptrdnames[2]"
    assert str(e) == "PTR_E_NAME (DNS.0505), field ptrdnames[2]: bad label"
    assert libptr.PtrError("PTR_E_TAG", field="tags.value", index=1).field_path == \
        "tags[1].value"
    e2 = pickle.loads(pickle.dumps(e))
    assert (e2.status, e2.field, e2.index, e2.offset, e2.message) == \
        (e.status, e.field, e.index, e.offset, e.message)
    for bad in ("PTR_OK", "PTR_E_NOPE", 0, 999, None):
        with pytest.raises(ValueError):
            libptr.PtrError(bad)
    assert isinstance(e, Exception)


def test_refusal_line_reads_like_ptrctl():
    e = refused("PTR_E_NAME", libptr.check_request, "203.0.113.10",
                ["a.example.com", "b..example.com"])
    assert str(e) == f"PTR_E_NAME (DNS.0505), field ptrdnames[1]: {e.message}"


def test_scope():
    s = libptr.Scope("eu-de", "p", "o")
    assert s == libptr.Scope("eu-de", "p", "o") and hash(s) == hash(libptr.Scope("eu-de", "p", "o"))
    assert "eu-de" in repr(s) and "_c" not in repr(s)
    with pytest.raises(TypeError):
        libptr.Scope(None, "p")
    with pytest.raises(TypeError):
        libptr.Scope("r", "p", 7)
    with pytest.raises(AttributeError):
        s.region = "x"


def test_record_new_and_to_dict():
    t = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    r = libptr.Record.new("eu-de", "p", "o", "2001:DB8:0::1", ["m.example.com."], ttl=60,
                          tags={"env": "prod"}, created_at=t)
    assert r.address == "2001:db8::1" and r.id == "eu-de:2001:db8::1"
    assert r.to_dict() == {
        "id": "eu-de:2001:db8::1", "region": "eu-de", "project": "p", "owner": "o",
        "address": "2001:db8::1", "ptrdnames": ["m.example.com."], "ttl": 60,
        "description": "", "tags": [{"key": "env", "value": "prod"}],
        "status": "ACTIVE", "action": "NONE",
        "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:04:05Z",
        "revision": 1}
    assert (r.status, r.action, r.dns_error, r.in_dns, r.deleted) == ("ACTIVE", "NONE", "", False,
                                                                      False)
    e = libptr.Record.new("eu-de", "p", "o", "192.0.2.1", ["m.example.com."], status="ERROR",
                          action="UPDATE", dns_error="REFUSED from 127.0.0.1:53", in_dns=True)
    d = e.to_dict()
    assert (d["status"], d["action"], d["dns_error"]) == ("ERROR", "UPDATE", "REFUSED from 127.0.0.1:53")
    assert "in_dns" not in d
    assert libptr.DNS_STATUSES[3] == "PENDING_DELETE" and libptr.DNS_ACTIONS[3] == "DELETE"
    with pytest.raises(Exception):
        r.ttl = 5


def test_help_reads_well():
    import pydoc
    text = pydoc.render_doc(libptr, renderer=pydoc.plaintext)
    for name in libptr.__all__:
        assert name in text
    for name in libptr.__all__:
        obj = getattr(libptr, name)
        if callable(obj):
            assert obj.__doc__, name


def test_docstring_examples():
    import doctest
    # The public names carry __module__ "libptr", so the package holds every example.
    res = doctest.testmod(libptr, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0 and res.attempted >= 6, res
