#!/usr/bin/env python3
"""Copies each examples/X.c into README.md's block marked <!-- example: examples/X.c -->
(tests/abi/check_readme.sh checks that they are equal)."""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
readme = root / "README.md"
text = readme.read_text()
def repl(m):
    body = (root / m.group(1)).read_text()
    return f"<!-- example: {m.group(1)} -->\n{m.group(2)}\n{body}```"
new = re.sub(r"<!-- example: (\S+) -->\n(```\w*)\n.*?```", repl, text, flags=re.S)
if new != text:
    readme.write_text(new)
    print("README.md: example blocks updated")
sys.exit(0)
