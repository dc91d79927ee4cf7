"""Run the ``spinscope`` CLI as if some optional packages were not installed."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

_WITHOUT = """
import sys
from importlib.abc import MetaPathFinder

BLOCKED = set(sys.argv[1].split(","))

class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Block())
import importlib.util
real = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name in BLOCKED else real(name, *a)
from spinscope.cli.app import app
app(sys.argv[2:])
"""


def run_cli_without(modules: Sequence[str], *args: str) -> subprocess.CompletedProcess[str]:
    """``spinscope ARGS`` in a new Python in which ``modules`` (top-level names) are missing."""
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT, ",".join(modules), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
