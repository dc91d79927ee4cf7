"""``kill -9`` in the middle of ``spinscope batch``, then the same command again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from batch_support import read_table

from spinscope.batch import BatchOptions, run_batch

pytest.importorskip("pyarrow", reason="the batch extra is not installed")


def _command(source, out, fmt, workers):
    return [
        sys.executable,
        "-m",
        "spinscope",
        "batch",
        str(source),
        "-o",
        str(out),
        "--detector",
        "baseline",
        "--chunk-size",
        "5",
        "--workers",
        str(workers),
        "--format",
        fmt,
    ]


def _done_chunks(out):
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return 0, False
    return sum(b - a + 1 for a, b in manifest["done"]), manifest["complete"]


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL are POSIX")
@pytest.mark.parametrize(("fmt", "workers"), [("parquet", 2), ("jsonl", 1)])
def test_killed_run_resumes_with_every_document_once(make_jsonl, tmp_path, fmt, workers):
    n = 800
    source = make_jsonl(n)
    out = tmp_path / "out"
    # its own process group, so that the kill reaches the worker processes too
    proc = subprocess.Popen(
        _command(source, out, fmt, workers),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while _done_chunks(out)[0] < 1:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "no chunk was written within 2 minutes"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
    done, complete = _done_chunks(out)
    assert proc.returncode == -signal.SIGKILL
    assert not complete and 1 <= done < n // 5, "the kill did not land mid-run"

    resumed = subprocess.run(
        _command(source, out, fmt, workers), capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed: {done} chunks were done" in resumed.stderr
    assert _done_chunks(out) == (n // 5, True)

    whole = tmp_path / "whole"
    run_batch([source], whole, BatchOptions(detector="baseline", chunk_size=5, fmt=fmt))
    docs = read_table(out, "documents")
    ids = [d["id"] for d in docs]
    assert len(ids) == n and set(ids) == {f"doc-{i:04d}" for i in range(n)}
    for table in ("documents", "spans"):
        assert read_table(out, table) == read_table(whole, table)
    assert (out / "errors.jsonl").read_text() == ""
