"""The package builds offline with Debian's python3-setuptools alone (what
`pip install --no-build-isolation ./bindings/python` runs), and the wheel works."""

import os
import shutil
import subprocess
import sys
import zipfile

import libptr

PKG = os.path.dirname(os.path.dirname(os.path.abspath(libptr.__file__)))


def test_wheel_builds_offline_and_imports(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(PKG, src, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info",
                                                            "build", ".pytest_cache"))
    out = tmp_path / "dist"
    out.mkdir()
    code = ("import sys; from setuptools import build_meta as b; "
            "print(b.build_wheel(sys.argv[1]))")
    r = subprocess.run([sys.executable, "-c", code, str(out)], cwd=src, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    wheel = out / r.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as z:
        files = set(z.namelist())
        assert {"libptr/__init__.py", "libptr/_native.py", "libptr/_core.py",
                "libptr/_store.py", "libptr/_service.py", "libptr/_alloc.py",
                "libptr/py.typed"} <= files, files
        assert not any(f.startswith("tests/") for f in files)
        site = tmp_path / "site"
        z.extractall(site)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(site), LIBPTR_LIBRARY=libptr.LIBRARY_PATH)
    r = subprocess.run([sys.executable, "-c",
                        "import libptr; print(libptr.__file__); print(libptr.revname('192.0.2.1'))"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    path, name = r.stdout.split()
    assert path.startswith(str(site)) and name == "1.2.0.192.in-addr.arpa."
