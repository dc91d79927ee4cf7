"""The Ray engine on a local Ray instance: the same tables as the local engine."""

from __future__ import annotations

import os

import pytest

from spinscope.batch import BatchOptions, run_batch

pq = pytest.importorskip("pyarrow.parquet", reason="the batch extra is not installed")
pytest.importorskip(
    "ray", reason="the Ray engine needs the ray extra: pip install 'spinscope[ray]'"
)

# Ray's DataContext sets its own deprecated fields when it is created, and warns about them.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings(r"ignore:`\w+` is deprecated:DeprecationWarning"),
]


@pytest.fixture
def quiet_ray(monkeypatch):
    monkeypatch.setenv("RAY_DATA_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.setenv("RAY_DATA_EXECUTION_NO_PROGRESS_TIMEOUT_S", "120")
    # a bare ray.init() would attach to any running cluster: the engine starts a local one
    monkeypatch.delenv("RAY_ADDRESS", raising=False)


def test_ray_tables_equal_local_tables_and_resume_across_engines(make_jsonl, tmp_path, quiet_ray):
    source = make_jsonl(26, extra=["{bad"])
    local = BatchOptions(detector="baseline", chunk_size=4)
    ray = BatchOptions(detector="baseline", chunk_size=4, engine="ray", workers=2)
    run_batch([source], tmp_path / "local", local, progress=False)
    summary = run_batch([source], tmp_path / "ray", ray, progress=False)
    assert summary.complete and summary.counts["documents"] == 26
    assert all(not key.endswith(f":{os.getpid()}") for key in summary.worker_peak_rss)
    for table in ("documents", "spans"):
        assert pq.read_table(tmp_path / "ray" / table).equals(
            pq.read_table(tmp_path / "local" / table)
        )
        # the same bytes, even: part for part
        ray_parts = sorted((tmp_path / "ray" / table).iterdir())
        local_parts = sorted((tmp_path / "local" / table).iterdir())
        assert [p.read_bytes() for p in ray_parts] == [p.read_bytes() for p in local_parts]
    assert (tmp_path / "ray" / "errors.jsonl").read_text() == (
        tmp_path / "local" / "errors.jsonl"
    ).read_text()

    # a run stopped under the local engine is finished by Ray, chunk for chunk the same
    class Stop(Exception):
        pass

    def stop(result):
        raise Stop

    mixed = tmp_path / "mixed"
    with pytest.raises(Stop):
        run_batch([source], mixed, local, progress=False, on_chunk=stop)
    resumed = run_batch([source], mixed, ray, progress=False)
    assert resumed.chunks_done_before == 1
    for table in ("documents", "spans"):
        assert pq.read_table(mixed / table).equals(pq.read_table(tmp_path / "local" / table))


def test_unreachable_cluster_says_what_to_check(make_jsonl, tmp_path, quiet_ray):
    from spinscope.errors import SpinscopeError

    options = BatchOptions(
        detector="baseline", engine="ray", ray_address="127.0.0.1:1", chunk_size=4
    )
    with pytest.raises(SpinscopeError, match="--ray-address"):
        run_batch([make_jsonl(2)], tmp_path / "out", options, progress=False)


@pytest.fixture
def ray_head(monkeypatch):
    """A Ray head started with ``ray start --head`` on loopback; stopped afterwards.

    ``ray stop`` ends every Ray process of this user: nothing else here runs one meanwhile
    (the engine's local instances shut down with their run).
    """
    import shutil
    import socket
    import subprocess
    import sys
    from pathlib import Path

    ray_cli = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
    if not Path(ray_cli).exists():
        pytest.skip("the ray command is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # joining by explicit address needs token authentication off on both sides
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    start = [ray_cli, "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(port)]
    start += ["--num-cpus", "2", "--include-dashboard", "false", "--disable-usage-stats"]
    subprocess.run(start, env=env, check=True, capture_output=True, timeout=120)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([ray_cli, "stop", "--force"], env=env, capture_output=True, timeout=120)


def test_joins_a_running_cluster_by_address(make_jsonl, tmp_path, quiet_ray, ray_head):
    """``spinscope batch --engine ray --ray-address`` in its own process, as a user runs it."""
    import subprocess
    import sys

    source = make_jsonl(10)
    local = BatchOptions(detector="baseline", chunk_size=4)
    run_batch([source], tmp_path / "local", local, progress=False)
    command = [sys.executable, "-m", "spinscope", "batch", str(source), "-o"]
    command += [str(tmp_path / "joined"), "--detector", "baseline", "--chunk-size", "4"]
    command += ["--engine", "ray", "--workers", "2", "--ray-address", ray_head]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "wrote 10 documents" in done.stdout + done.stderr
    for table in ("documents", "spans"):
        assert pq.read_table(tmp_path / "joined" / table).equals(
            pq.read_table(tmp_path / "local" / table)
        )
