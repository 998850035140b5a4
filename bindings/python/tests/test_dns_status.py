"""The DNS status of records through the binding (issue 14): writes leave records pending,
a deleted record that DNS may answer stays PENDING_DELETE, and a store written in Python
keeps status, action, dns_error and in_dns through C."""

import datetime
import pytest

import libptr
from dict_store import DictStore

SC = libptr.Scope("eu-de", "p1", "o1")
T = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("make", [libptr.MemoryStore, DictStore], ids=["memory", "python"])
def test_writes_are_pending(make):
    with make() as st, libptr.Service(st) as svc:
        r = svc.create(SC, "203.0.113.10", ["mail.example.com"])
        assert (r.status, r.action, r.dns_error, r.in_dns, r.deleted) == \
            ("PENDING_CREATE", "CREATE", "", False, False)
        assert svc.get(SC, "203.0.113.10") == r
        # Never sent to a server: an update is still the create to push.
        u = svc.update(SC, "203.0.113.10", ttl=60)
        assert (u.status, u.action) == ("PENDING_CREATE", "CREATE")
        # A record DNS never had goes at once.
        svc.delete(SC, "203.0.113.10")
        with pytest.raises(libptr.PtrError) as ei:
            svc.get(SC, "203.0.113.10")
        assert ei.value.status == "PTR_E_NOT_FOUND"


def test_python_store_keeps_the_status():
    st = DictStore()
    # A record a push confirmed, as a pusher leaves it; the store holds Records as they are.
    st.rows[("eu-de", "203.0.113.20")] = libptr.Record.new(
        "eu-de", "p1", "o1", "203.0.113.20", ["old.example.com."], created_at=T,
        status="ERROR", action="UPDATE", dns_error="NOTAUTH (BADSIG) from 127.0.0.1:5300",
        in_dns=True)
    with libptr.Service(st) as svc:
        r = svc.get(SC, "203.0.113.20")
        assert (r.status, r.action, r.dns_error, r.in_dns) == \
            ("ERROR", "UPDATE", "NOTAUTH (BADSIG) from 127.0.0.1:5300", True)
        u = svc.update(SC, "203.0.113.20", ttl=60)
        assert (u.status, u.action, u.dns_error, u.in_dns) == ("PENDING_UPDATE", "UPDATE", "", True)
        assert st.rows[("eu-de", "203.0.113.20")] == u
        # The delete waits for DNS: get and list show it, update and delete do not find it.
        svc.delete(SC, "203.0.113.20")
        d = svc.get(SC, "203.0.113.20")
        assert (d.status, d.action, d.deleted, d.ptrdnames) == \
            ("PENDING_DELETE", "DELETE", True, ("old.example.com.",))
        assert [x.status for x in svc.list(SC)] == ["PENDING_DELETE"]
        for call in (lambda: svc.update(SC, "203.0.113.20", ttl=5),
                     lambda: svc.delete(SC, "203.0.113.20")):
            with pytest.raises(libptr.PtrError) as ei:
                call()
            assert ei.value.status == "PTR_E_NOT_FOUND"
        res = svc.resolve(SC, "203.0.113.20")
        assert res.is_default and res.ptrdnames != ("old.example.com.",)
        # A create takes the deleted record's place.
        c = svc.create(SC, "203.0.113.20", ["new.example.com"])
        assert (c.status, c.action, c.in_dns, c.deleted) == ("PENDING_CREATE", "CREATE", True, False)


def test_bad_status_from_a_python_store():
    st = DictStore()
    st.rows[("eu-de", "203.0.113.30")] = libptr.Record.new(
        "eu-de", "p1", "o1", "203.0.113.30", ["x.example.com."], status="FROZEN")
    with libptr.Service(st) as svc:
        with pytest.raises(libptr.PtrError) as ei:
            svc.get(SC, "203.0.113.30")
        assert ei.value.status == "PTR_E_STORE"


def test_sqlite_keeps_the_status(tmp_path):
    db = str(tmp_path / "ptr.db")
    with libptr.SQLiteStore(db) as st, libptr.Service(st) as svc:
        svc.create(SC, "203.0.113.40", ["m.example.com"])
    with libptr.SQLiteStore(db) as st, libptr.Service(st) as svc:
        r = svc.get(SC, "203.0.113.40")
        assert (r.status, r.action, r.in_dns) == ("PENDING_CREATE", "CREATE", False)


@pytest.mark.parametrize("make", [libptr.MemoryStore, DictStore], ids=["memory", "python"])
def test_pending_and_dns_results(make):
    p = libptr.Policy.huawei()
    with make() as st, libptr.Service(st, p, default_name="ecs-{dashed}.example.net") as svc:
        svc.create(SC, "203.0.113.2", ["b.example.com"], ttl=600)
        svc.create(SC, "203.0.113.1", ["a.example.com", "a2.example.com"])
        ch = svc.pending("eu-de")
        assert [(c.record.address, c.ptrdnames, c.ttl) for c in ch] == [
            ("203.0.113.1", ("a.example.com.", "a2.example.com."), 300),
            ("203.0.113.2", ("b.example.com.",), 600)]
        assert [c.record.address for c in svc.pending("eu-de", after="203.0.113.1")] == \
            ["203.0.113.2"]
        assert len(svc.pending("eu-de", limit=1)) == 1
        # The servers confirm the first, refuse the second.
        got = svc.dns_results("eu-de", [
            (ch[0].record.address, ch[0].record.revision, "ACTIVE", ""),
            (ch[1].record.address, ch[1].record.revision, "ERROR", "REFUSED from 127.0.0.1:53")])
        assert got == [True, True]
        a, b = svc.get(SC, "203.0.113.1"), svc.get(SC, "203.0.113.2")
        assert (a.status, a.action, a.in_dns) == ("ACTIVE", "NONE", True)
        assert (b.status, b.action, b.dns_error) == ("ERROR", "CREATE", "REFUSED from 127.0.0.1:53")
        assert [c.record.address for c in svc.pending("eu-de")] == ["203.0.113.2"]
        # A delete of a record in DNS is a change to the default name; an old answer is stale.
        svc.delete(SC, "203.0.113.1")
        (d,) = [c for c in svc.pending("eu-de") if c.record.address == "203.0.113.1"]
        assert d.record.deleted and d.ptrdnames == ("ecs-203-0-113-1.example.net.",)
        assert svc.dns_results("eu-de", [("203.0.113.1", a.revision, "ACTIVE", "")]) == [False]
        assert svc.dns_results("eu-de", [("203.0.113.1", d.record.revision, "ACTIVE", "")]) == [True]
        with pytest.raises(libptr.PtrError) as ei:
            svc.get(SC, "203.0.113.1")
        assert ei.value.status == "PTR_E_NOT_FOUND"
        for bad, exc in (([("203.0.113.2", 1, "FROZEN", "")], ValueError),
                         ([("203.0.113.2", -1, "ACTIVE", "")], ValueError),
                         ([("203.0.113.2", 1, "ACTIVE")], TypeError),
                         ([("not an address", 1, "ACTIVE", "")], libptr.PtrError)):
            with pytest.raises(exc):
                svc.dns_results("eu-de", bad)
