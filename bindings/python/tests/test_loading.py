"""How the package finds libptr: LIBPTR_LIBRARY, next to the package, the loader; and the
ImportError for a missing or too-old library (each case in a fresh interpreter)."""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import libptr

PKG = os.path.dirname(os.path.dirname(os.path.abspath(libptr.__file__)))


def run(code, env_extra, cwd=None, path=PKG):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LIBPTR_") and k != "PYTHONPATH"}
    env.update(env_extra)
    env["PYTHONPATH"] = path
    # cwd elsewhere: python -c puts the working directory first on sys.path.
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          cwd=cwd or os.path.dirname(PKG), capture_output=True, text=True,
                          timeout=60)


IMPORT = """
try:
    import libptr
    print("imported", libptr.LIBRARY_PATH)
except ImportError as e:
    print(type(e).__name__, "is an ImportError:", e)
"""


def fake_library(tmp_path, name, body):
    src = tmp_path / "fake.c"
    src.write_text(body)
    out = tmp_path / name
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(out), str(src)], check=True)
    return str(out)


def test_env_path_is_used():
    r = run("import libptr; print(libptr.LIBRARY_PATH, libptr.version())",
            {"LIBPTR_LIBRARY": libptr.LIBRARY_PATH})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [libptr.LIBRARY_PATH, libptr.version()]


def test_env_path_missing():
    r = run(IMPORT, {"LIBPTR_LIBRARY": "/nonexistent/libptr.so.2"})
    assert "is an ImportError" in r.stdout, r.stderr
    assert "LIBPTR_LIBRARY='/nonexistent/libptr.so.2'" in r.stdout


def test_too_old_library(tmp_path):
    old = fake_library(tmp_path, "libptr.so.1",
                       'const char *ptr_version(void) { return "0.1.4"; }\n')
    r = run(IMPORT, {"LIBPTR_LIBRARY": old})
    assert "is an ImportError" in r.stdout, r.stderr
    assert "is release 0.1.4" in r.stdout and "0.2.1 or later" in r.stdout


def test_release_without_dns_status_is_refused(tmp_path):
    # 0.2.0 has the ABI's SONAME but not the records' DNS status the binding reads.
    old = fake_library(tmp_path, "libptr.so.2",
                       'const char *ptr_version(void) { return "0.2.0"; }\n')
    r = run(IMPORT, {"LIBPTR_LIBRARY": old})
    assert "is an ImportError" in r.stdout, r.stderr
    assert "is release 0.2.0" in r.stdout and "0.2.x at 0.2.1 or later" in r.stdout


def test_library_without_version(tmp_path):
    old = fake_library(tmp_path, "libptr.so.0", "int ptr_strerror(int s) { return s; }\n")
    r = run(IMPORT, {"LIBPTR_LIBRARY": old})
    assert "is an ImportError" in r.stdout and "no ptr_version()" in r.stdout, r.stderr
    assert "0.2.0" in r.stdout


def test_newer_minor_is_refused(tmp_path):
    # 0.x releases change the ABI on each minor step (the SONAME follows).
    new = fake_library(tmp_path, "libptr.so.3",
                       'const char *ptr_version(void) { return "0.3.0"; }\n')
    r = run(IMPORT, {"LIBPTR_LIBRARY": new})
    assert "is an ImportError" in r.stdout and "is release 0.3.0" in r.stdout, r.stderr


def test_next_to_the_package(tmp_path):
    pkg = tmp_path / "site" / "libptr"
    shutil.copytree(os.path.join(PKG, "libptr"), pkg,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(libptr.LIBRARY_PATH, pkg / "libptr.so.2")
    r = run("import libptr; print(libptr.LIBRARY_PATH); print(libptr.revname('192.0.2.1'))",
            {}, path=str(tmp_path / "site"), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(pkg / "libptr.so.2"), "1.2.0.192.in-addr.arpa."]


def test_not_found_anywhere(tmp_path):
    pkg = tmp_path / "site" / "libptr"
    shutil.copytree(os.path.join(PKG, "libptr"), pkg,
                    ignore=shutil.ignore_patterns("__pycache__"))
    r = run(IMPORT, {}, path=str(tmp_path / "site"), cwd=str(tmp_path))
    if r.stdout.startswith("imported"):
        # A libptr installed on this machine: then the loader must have given it.
        assert str(tmp_path) not in r.stdout, r.stdout
    else:
        assert "LibraryNotFoundError is an ImportError" in r.stdout, r.stderr
        assert "libptr.so.2" in r.stdout and "0.2.1" in r.stdout
        assert "LIBPTR_LIBRARY" in r.stdout


def test_sqlite_library_missing():
    r = run("""
        import libptr
        try:
            libptr.SQLiteStore(":memory:")
        except libptr.LibraryNotFoundError as e:
            print("refused:", e)
        """, {"LIBPTR_LIBRARY": libptr.LIBRARY_PATH,
              "LIBPTR_SQLITE_LIBRARY": "/nonexistent/libptr-sqlite.so.2"})
    assert r.returncode == 0, r.stderr
    assert "refused:" in r.stdout and "LIBPTR_SQLITE_LIBRARY" in r.stdout


def test_sqlite_found_next_to_libptr(tmp_path):
    with libptr.SQLiteStore(str(tmp_path / "x.db")) as st:
        assert st.path.endswith("x.db")
    with pytest.raises(libptr.PtrError) as ei:
        libptr.SQLiteStore(str(tmp_path / "missing.db"), create=False)
    assert ei.value.status == "PTR_E_STORE" and ei.value.message
    with pytest.raises(ValueError):
        libptr.SQLiteStore("a\0b")
    with pytest.raises(TypeError):
        libptr.SQLiteStore(None)
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    with pytest.raises(libptr.PtrError) as ei:
        libptr.SQLiteStore(str(tmp_path / "junk.db"))
    assert ei.value.status == "PTR_E_STORE"


def test_sqlite_store_across_reopen(tmp_path):
    db = str(tmp_path / "ptr.db")
    sc = libptr.Scope("eu-de", "p1", "o1")
    with libptr.SQLiteStore(db) as st, libptr.Service(st) as svc:
        svc.create(sc, "203.0.113.10", ["mail.example.com"], tags={"env": "prod"})
    with libptr.SQLiteStore(db, readonly=True) as st, libptr.Service(st) as svc:
        assert svc.get(sc, "203.0.113.10").tags == {"env": "prod"}
        with pytest.raises(libptr.PtrError) as ei:
            svc.delete(sc, "203.0.113.10")
        assert ei.value.status == "PTR_E_STORE"


def test_postgres_library_absent_is_a_clear_error():
    r = run("""
        import libptr
        try:
            libptr.PostgresStore("postgresql:///ptr")
        except libptr.LibraryNotFoundError as e:
            print("refused:", e)
        except ImportError as e:
            print("other:", e)
        """, {"LIBPTR_LIBRARY": libptr.LIBRARY_PATH,
              "LIBPTR_PG_LIBRARY": "/nonexistent/libptr-pg.so.2"})
    assert r.returncode == 0, r.stderr
    assert "refused:" in r.stdout and "LIBPTR_PG_LIBRARY" in r.stdout


def test_relative_env_path_becomes_absolute():
    # scripts/test.sh passes build/werror/src/libptr.so.2: later users of LIBRARY_PATH
    # (companion libraries, child processes in other directories) need it absolute.
    lib_dir = os.path.dirname(libptr.LIBRARY_PATH)
    parent = os.path.dirname(lib_dir)
    rel = os.path.join(os.path.basename(lib_dir), os.path.basename(libptr.LIBRARY_PATH))
    r = run("import libptr, os; print(libptr.LIBRARY_PATH, os.path.isabs(libptr.LIBRARY_PATH))",
            {"LIBPTR_LIBRARY": rel}, cwd=parent)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [os.path.join(parent, rel), "True"]
