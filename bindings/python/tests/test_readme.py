"""README.md's Python example runs as written and prints what README shows
(as tests/abi/check_readme.sh does for the C examples)."""

import os
import subprocess
import sys

import libptr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))))
PKG = os.path.dirname(os.path.dirname(os.path.abspath(libptr.__file__)))


def block(text, marker):
    """The fenced block right after the marker line."""
    lines = text.splitlines()
    i = lines.index(marker)
    assert lines[i + 1].startswith("```"), f"no fenced block after {marker}"
    end = lines.index("```", i + 2)
    return "\n".join(lines[i + 2:end]) + "\n"


def test_readme_python_example(tmp_path):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    code = block(readme, "<!-- python-example -->")
    want = block(readme, "<!-- python-output -->")
    script = tmp_path / "example.py"
    script.write_text(code)
    env = dict(os.environ, PYTHONPATH=PKG, LIBPTR_LIBRARY=libptr.LIBRARY_PATH)
    r = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == want
