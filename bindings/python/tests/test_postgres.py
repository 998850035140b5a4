"""libptr.PostgresStore against a real PostgreSQL, when libptr-pg.so.2 is built.

The PostgreSQL store is being written in parallel (include/libptr/pg.h); its planned
entry point is ptr_pg_store_open(conninfo, len, flags, &store, &err). This module is the
one place the suite may skip: when that library is not found, or no server is named in
LIBPTR_PG_CONNINFO, and the reason says which.
"""

import os
import uuid

import pytest

import libptr
from libptr import _native as N


def _pg_available():
    try:
        N.pg_lib()
    except ImportError as e:
        return f"the PostgreSQL store library is not built here: {e}"
    if not os.environ.get("LIBPTR_PG_CONNINFO"):
        return "libptr-pg.so.2 is found but LIBPTR_PG_CONNINFO names no server to test against"
    return None


REASON = _pg_available()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


@pytest.fixture
def pg():
    st = libptr.PostgresStore(os.environ["LIBPTR_PG_CONNINFO"])
    yield st
    st.close()


def test_service_over_postgres(pg):
    region = "r" + uuid.uuid4().hex[:12]  # a region of our own: the database may be shared
    sc = libptr.Scope(region, "p1", "o-" + uuid.uuid4().hex[:8])
    with libptr.Service(pg) as svc:
        r = svc.create(sc, "203.0.113.10", ["mail.example.com"], tags={"env": "prod"})
        assert svc.get(sc, "203.0.113.10") == r
        with pytest.raises(libptr.PtrError) as ei:
            svc.create(sc, "203.0.113.10", ["mail.example.com"])
        assert ei.value.status == "PTR_E_EXISTS"
        assert [x.address for x in svc.list(sc)] == ["203.0.113.10"]
        svc.delete(sc, "203.0.113.10")
        assert svc.resolve(sc, "203.0.113.10").is_default


def test_bad_conninfo():
    with pytest.raises(libptr.PtrError) as ei:
        libptr.PostgresStore("host=/nonexistent-socket-dir dbname=none connect_timeout=1")
    assert ei.value.status in ("PTR_E_STORE", "PTR_E_BUSY")
