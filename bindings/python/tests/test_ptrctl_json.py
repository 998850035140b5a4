"""A Record is what `ptrctl --json show` prints: the same SQLite database read by
the binding and by ptrctl gives the same object."""

import json
import os
import shutil
import subprocess

import libptr


def find_ptrctl():
    """LIBPTR_PTRCTL, else the ptrctl of the build tree libptr was loaded from
    (build/X/src/libptr.so.2 -> build/X/ptrctl/ptrctl), else PATH."""
    if os.environ.get("LIBPTR_PTRCTL"):
        return os.environ["LIBPTR_PTRCTL"]
    build = os.path.dirname(os.path.dirname(os.path.abspath(libptr.LIBRARY_PATH)))
    cand = os.path.join(build, "ptrctl", "ptrctl")
    if os.access(cand, os.X_OK):
        return cand
    found = shutil.which("ptrctl")
    assert found, ("ptrctl not found: set LIBPTR_PTRCTL, or load libptr from a build tree "
                   "that built ptrctl")
    return found


def test_record_is_ptrctl_show_json(tmp_path):
    db = str(tmp_path / "ptr.db")
    sc = libptr.Scope("eu-de", "project-1", "account-7")
    p = libptr.Policy.huawei()
    p.ipv6 = True
    with libptr.SQLiteStore(db) as st, libptr.Service(st, p, clock=lambda: 1_700_000_000) as svc:
        rec = svc.create(sc, "2001:db8::10", ["mail.example.com", "smtp.example.com"],
                         ttl=3600, description='mäil "relay"', tags={"env": "prod", "team": ""})
        rec = svc.update(sc, "2001:db8::10", ttl=60)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTRCTL_")}
    r = subprocess.run([find_ptrctl(), "--db", db, "--region", "eu-de", "--project",
                        "project-1", "--json", "show", "2001:db8::10"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == rec.to_dict()
    # The DNS status is in both, as the SQLite store keeps it: never pushed, still a create.
    assert (rec.status, rec.action) == ("PENDING_CREATE", "CREATE")
