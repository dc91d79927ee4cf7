"""The installed ``spinscope`` console script, run as a separate process."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from spinscope import __version__


@pytest.fixture(scope="module")
def script() -> Path:
    name = "spinscope.exe" if sys.platform == "win32" else "spinscope"
    path = Path(sysconfig.get_path("scripts")) / name
    assert path.is_file(), f"{path} is missing: install the package (pip install -e .)"
    return path


def run(script: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(script), *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def test_version(script):
    done = run(script, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"spinscope {__version__}"


def test_predict_and_evaluate(script, articles, tmp_path):
    out = tmp_path / "flc.tsv"
    done = run(
        script, *"predict --task flc --detector baseline".split(), "--articles", articles, "-o", out
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").strip()
    done = run(script, "evaluate", "--task", "flc", "--gold", out, "--pred", out, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["f1"] == 1.0


def test_error_exit_code_and_message(script, tmp_path):
    missing = tmp_path / "missing"
    done = run(script, "predict", "--task", "si", "--articles", missing, "-o", tmp_path / "x")
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and str(missing) in done.stderr
    assert "Traceback" not in done.stderr
