"""The database failing under ``spinscope serve``: killed mid-save, full, read-only, restarted.

What must hold (issue 16): a server killed with SIGKILL while it saves leaves no half-written
row and a database that opens; a full disk or a read-only database answers a clear 503
problem (``/problems/database-unavailable``, code E009, ``Retry-After``) while reads and the
health check go on, with no crash and no restart needed once the fault is gone; a PostgreSQL
server restarted under load makes requests fail with 503 while it is down, none hanging, and
succeed again after, without restarting spinscope.

The PostgreSQL tests that stop a server run one of their own (``tests/pg_support.py``), not the
session's shared one, and skip where PostgreSQL is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from serve_support import ARTICLE, Server, free_port, old_database, start_server
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

import pg_support
from spinscope.analysis import Analysis
from spinscope.analyzer import Analyzer
from spinscope.errors import InputError, StorageError
from spinscope.serve import Settings, create_app
from spinscope.serve import storage as storage_module
from spinscope.serve.problems import STORAGE_RETRY_AFTER_S
from spinscope.serve.storage import CONNECT_TIMEOUT_S, HEAD, Storage, analyses

PROBLEM = "application/problem+json"
UNAVAILABLE = "/problems/database-unavailable"
#: The longest a request may take while the database is down: the connect timeout and slack.
HANG_BOUND_S = CONNECT_TIMEOUT_S + 5
#: How soon requests must succeed again once the database is back.
RECOVERY_BOUND_S = 15
#: SQLite's largest max_page_count: no limit short of the disk.
SQLITE_MAX_PAGES = 4294967294


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The tests that take ``new_database`` run on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture(scope="module")
def cluster() -> Iterator[pg_support.Cluster]:
    """A PostgreSQL server of this module's own, which its tests stop and start."""
    try:
        started = pg_support.start_cluster()
    except pg_support.PostgresNotFound as err:
        pytest.skip(f"PostgreSQL is not available: {err}")
    try:
        yield started
    finally:
        started.remove()


@pytest.fixture
def pg(cluster: pg_support.Cluster) -> pg_support.Cluster:
    """:func:`cluster`, running at the start of the test (a failed test may have left it down)."""
    if not cluster.running():
        cluster.start()
    return cluster


# ----------------------------------------------------------------------------- helpers


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


def wait_ready(client: TestClient) -> None:
    wait_until(lambda: client.get("/readyz").status_code == 200, 30, "the app is ready")


def assert_unavailable(r: httpx.Response, *, html: bool = False) -> str:
    """``r`` is the database-unavailable 503 (a problem, or the form page); return its detail."""
    assert r.status_code == 503, (r.status_code, r.text[:2000])
    if html:  # the web form draws itself again with the error
        assert r.headers["content-type"].startswith("text/html")
        return r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers
    assert r.headers.get("retry-after") == str(STORAGE_RETRY_AFTER_S)
    body = r.json()
    assert body["type"] == UNAVAILABLE and body["code"] == "E009" and body["status"] == 503
    detail = str(body["detail"])
    # what failed, and what to check (or, for a database opened read-only, what to change)
    fix = ("Try again" in detail and "check" in detail) or "Make the folder writable" in detail
    assert "the database" in detail and fix, detail
    return detail


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database
    return Path(database.removeprefix("file:").split("?")[0])


def assert_sqlite_intact(path: Path) -> None:
    """SQLite's own check of every page and index of the file (after replaying its WAL)."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()


def assert_rows_whole(url: str, answered: Mapping[str, str]) -> int:
    """Every row of the database at ``url`` is whole and ``answered`` (id: the JSON a save
    answered) are all there as answered; return the number of rows.
    """
    storage = Storage(url)
    try:
        assert storage.migrate() == HEAD  # the database opens (and needs nothing)
        with storage.engine.connect() as conn:
            rows = conn.execute(select(analyses)).all()
        for row in rows:
            data = json.loads(row.analysis)
            analysis = Analysis.from_dict(data)
            assert data["id"] == row.id == analysis.id
            assert row.text == data["text"] and row.text
            assert row.title == data["title"] and row.url == data["url"]
            assert row.detector == data["detector"]["name"]
            assert row.spans == len(data["spans"]) == len(analysis.spans)
            assert row.genre == (data["genre"]["label"] if data["genre"] else None)
            assert row.created_at is not None
        assert storage.count() == len(rows) == storage.list(limit=len(rows) + 1).total
        for analysis_id, body in answered.items():
            assert storage.get_json(analysis_id) == body, f"{analysis_id} was answered, not kept"
        return len(rows)
    finally:
        storage.close()


def saving(text: str, title: str) -> dict[str, Any]:
    return {"text": text, "title": title, "save": True}


# ------------------------------------------------------------------- kill -9 mid-save


@pytest.mark.slow
def test_kill_9_mid_save_leaves_only_whole_rows(
    new_database: Callable[[], str], tmp_path: Path, backend: str
) -> None:
    url = new_database()
    server = start_server(tmp_path, "--detector", "baseline", database=url)
    workers = 8
    answered: dict[str, str] = {}
    lock = threading.Lock()
    in_flight = 0
    killed = threading.Event()

    def save_until_killed(worker: int) -> bool:
        """Save analyses until the server dies; return whether the kill cut a request sent."""
        nonlocal in_flight
        with server.client() as http:
            for i in range(10_000):
                title = f"worker {worker} save {i}"
                with lock:
                    in_flight += 1
                try:
                    r = http.post("/v1/analyze", json=saving(f"{ARTICLE}\n\n{title}.", title))
                except httpx.TransportError as err:
                    assert killed.is_set(), f"the server failed before it was killed: {err!r}"
                    # not a refused connection: the request was sent and never answered
                    return not isinstance(err, httpx.ConnectError)
                finally:
                    with lock:
                        in_flight -= 1
                assert r.status_code == 201, r.text
                with lock:
                    answered[r.json()["id"]] = r.text
        raise AssertionError("the server was not killed")

    try:
        with ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(save_until_killed, w) for w in range(workers)]

            def enough_saved() -> bool:
                for future in futures:
                    if future.done():
                        future.result()  # a worker's failure, raised here
                with lock:
                    return len(answered) >= 20 and in_flight >= workers // 2

            wait_until(enough_saved, 60, "20 saves answered")
            killed.set()
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=30)
            cut = sum(f.result() for f in futures)
    finally:
        killed.set()
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()
    assert server.process.returncode == -signal.SIGKILL
    assert cut >= 1, "no save was in flight when the server was killed"
    answered = dict(answered)  # no worker writes any more

    if backend == "sqlite":
        assert_sqlite_intact(sqlite_path(url))
    rows = assert_rows_whole(url, answered)
    # at most the saves in flight at the kill committed unanswered; none came from nowhere
    assert len(answered) <= rows <= len(answered) + workers

    restarted = start_server(tmp_path, "--detector", "baseline", database=url)
    try:
        with restarted.client() as http:
            assert http.get("/v1/analyses").json()["total"] == rows
            some_id, body = next(iter(answered.items()))
            assert http.get(f"/v1/analyses/{some_id}").text == body
            r = http.post("/v1/analyze", json=saving(ARTICLE, "after the kill"))
            assert r.status_code == 201
            new_id = r.json()["id"]
            assert http.get(f"/v1/analyses/{new_id}").json() == r.json()
            assert http.get("/v1/analyses").json()["total"] == rows + 1
    finally:
        restarted.stop_cleanly()


# ------------------------------------------------------------------ read-only database

#: Linux's prctl(PR_CAPBSET_DROP) and CAP_DAC_OVERRIDE (linux/prctl.h, linux/capability.h).
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1


def obey_file_permissions() -> None:
    """In a child about to exec: drop root's power to write files whatever their permissions.

    Dropped from the bounding set, CAP_DAC_OVERRIDE is gone from the program it execs, so
    that process, root or not, may not write a file whose mode denies it: a container run
    with its capabilities dropped, or any service user, meets exactly this.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE)")


def start_server_obeying_permissions(folder: Path, database: str) -> Server:
    """:func:`start_server` (baseline), in a process that file permissions bind even as root."""
    port = free_port()
    log = folder / f"server-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPINSCOPE_")}
    command = [sys.executable, "-m", "spinscope", "serve", "--port", str(port)]
    command += ["--database", database, "--detector", "baseline", "--log-level", "warning"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=obey_file_permissions if os.geteuid() == 0 else None,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the server exited ({process.returncode}):\n{server.output()}")
        try:
            return httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(ready, 120, "the server is ready")
    except BaseException:
        server.stop()
        raise
    return server


def check_read_only_server(server: Server, kept: Analysis, path: Path) -> None:
    """Saves and deletes answer 503 naming the database; reads and health checks go on."""
    with server.client() as http:
        for _ in range(3):  # again and again: no crash, no state that breaks the next one
            detail = assert_unavailable(http.post("/v1/analyze", json=saving(ARTICLE, "refused")))
            assert str(path) in detail and "read-only" in detail
            assert http.get("/healthz").status_code == 200
        assert_unavailable(http.delete(f"/v1/analyses/{kept.id}"))
        form = http.post("/analyze", data={"text": ARTICLE, "save": "true"})
        assert "read-only" in assert_unavailable(form, html=True)
        page = http.get("/v1/analyses").json()
        assert page["total"] == 1 and page["items"][0]["id"] == kept.id
        assert http.get(f"/v1/analyses/{kept.id}").json() == kept.to_dict()
        assert http.get(f"/a/{kept.id}").status_code == 200
        assert http.get("/history").status_code == 200
        assert http.get("/readyz").status_code == 200
    assert server.process.poll() is None, server.output()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["file mode 0444", "sqlite mode=ro", "folder mode 0555"])
def test_a_read_only_database_answers_503_and_serves_reads(
    how: str, tmp_path: Path, baseline_analyzer: Analyzer
) -> None:
    # A folder nobody may write stands for a read-only mount: SQLite cannot create its
    # journal or WAL index there, so the storage opens the file immutable.
    path = tmp_path / "db" / "spinscope.db"
    storage = Storage(f"sqlite:///{path}")
    try:
        storage.migrate()
        kept = storage.save(baseline_analyzer.analyze(ARTICLE, title="kept"))
    finally:
        storage.close()
    if how == "file mode 0444":  # SQLite falls back to a read-only handle
        path.chmod(0o444)
        try:
            server = start_server_obeying_permissions(tmp_path, f"sqlite:///{path}")
            try:
                check_read_only_server(server, kept, path)
            finally:
                server.stop_cleanly()
        finally:
            path.chmod(0o644)
    elif how == "folder mode 0555":
        path.parent.chmod(0o555)
        try:
            server = start_server_obeying_permissions(tmp_path, f"sqlite:///{path}")
            try:
                check_read_only_server(server, kept, path)
                assert "read-only: its folder is not writable" in server.output()
            finally:
                server.stop_cleanly()
            assert sorted(p.name for p in path.parent.iterdir()) == ["spinscope.db"]
        finally:
            path.parent.chmod(0o755)
    else:  # an operator's read-only URL
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
        server = start_server(tmp_path, "--detector", "baseline", database=url)
        try:
            check_read_only_server(server, kept, path)
        finally:
            server.stop_cleanly()
    assert_rows_whole(f"sqlite:///{path}", {kept.id: kept.to_json()})


def test_a_read_only_database_behind_the_schema_is_refused_naming_both_revisions(
    tmp_path: Path, harbour_analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db" / "spinscope.db"
    old_database(f"sqlite:///{path}", harbour_analysis).close()  # schema 0001
    before = path.read_bytes()
    folder = str(path.parent)
    real_access = os.access

    def access(target: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        # the folder as a read-only mount shows it (root's own checks ignore mode bits)
        if str(target) == folder and mode & os.W_OK:
            return False
        return real_access(target, mode, *args, **kwargs)

    monkeypatch.setattr(storage_module.os, "access", access)
    storage = Storage(f"sqlite:///{path}")
    try:
        assert storage.read_only
        with pytest.raises(InputError) as caught:
            storage.migrate()
    finally:
        storage.close()
    message = caught.value.message
    assert str(path) in message and "0001" in message and HEAD in message, message
    assert "read-only" in message and "writable" in message, message
    assert path.read_bytes() == before  # nothing was written
    assert sorted(p.name for p in path.parent.iterdir()) == ["spinscope.db"]


# ------------------------------------------------------------------------- full disk


def test_a_full_disk_answers_503_and_saves_resume_once_there_is_room(
    tmp_path: Path, baseline_analyzer: Analyzer
) -> None:
    path = tmp_path / "full.db"
    storage = Storage(f"sqlite:///{path}")
    # SQLite's max_page_count, set on every connection the app takes from the pool, fails
    # any write that needs a page more with SQLITE_FULL, "database or disk is full": the
    # error a full disk gives (the test below fills a real one where it can mount it)
    room = {"pages": SQLITE_MAX_PAGES}

    @event.listens_for(storage.engine, "checkout")
    def _cap(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA max_page_count={room['pages']}")
        finally:
            cursor.close()

    app = create_app(
        Settings(database=f"sqlite:///{path}", detector="baseline"),
        analyzer=baseline_analyzer,
        storage=storage,
    )
    big = "\n\n".join([ARTICLE] * 60)  # ~110,000 characters: many new pages
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        wait_ready(client)
        first = client.post("/v1/analyze", json=saving(ARTICLE, "first"))
        assert first.status_code == 201
        room["pages"] = 1  # below the file's size: SQLite keeps the size, no page more
        for _ in range(2):
            detail = assert_unavailable(client.post("/v1/analyze", json=saving(big, "big")))
            assert str(path) in detail and "full" in detail
        # nothing half-saved; reads and the health check go on
        assert client.get("/v1/analyses").json()["total"] == 1
        assert client.get(f"/v1/analyses/{first.json()['id']}").json() == first.json()
        assert client.get("/healthz").status_code == 200
        assert_sqlite_intact(path)
        room["pages"] = SQLITE_MAX_PAGES  # room again: the same app saves
        again = client.post("/v1/analyze", json=saving(big, "big"))
        assert again.status_code == 201, again.text
        assert client.get(f"/v1/analyses/{again.json()['id']}").json() == again.json()
        assert client.get("/v1/analyses").json()["total"] == 2
    assert_sqlite_intact(path)
    assert_rows_whole(f"sqlite:///{path}", {r.json()["id"]: r.text for r in (first, again)})


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (skips where this process may not mount one, as in most containers)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root's privilege")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "spinscope-test", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"no privilege to mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


@pytest.mark.slow
@pytest.mark.privileged
def test_a_really_full_disk_answers_503_until_there_is_room(small_disk: Path) -> None:
    path = small_disk / "spinscope.db"
    server = start_server(small_disk.parent, "--detector", "baseline", database=f"sqlite:///{path}")
    try:
        with server.client() as http:
            first = http.post("/v1/analyze", json=saving(ARTICLE, "first"))
            assert first.status_code == 201
            filler = small_disk / "filler"
            with filler.open("wb") as out:  # every byte left
                try:
                    while True:
                        out.write(b"\0" * 65536)
                        out.flush()
                except OSError:
                    pass
            big = "\n\n".join([ARTICLE] * 60)
            detail = assert_unavailable(http.post("/v1/analyze", json=saving(big, "big")))
            assert str(path) in detail and "full" in detail
            assert http.get("/v1/analyses").json()["total"] == 1
            assert http.get("/healthz").status_code == 200
            filler.unlink()
            again = http.post("/v1/analyze", json=saving(big, "big"))
            assert again.status_code == 201, again.text
            assert http.get("/v1/analyses").json()["total"] == 2
        assert server.process.poll() is None
    finally:
        server.stop_cleanly()
    assert_sqlite_intact(path)
    assert_rows_whole(f"sqlite:///{path}", {r.json()["id"]: r.text for r in (first, again)})


# ------------------------------------------------------- PostgreSQL restarted under load


@dataclass(frozen=True)
class Outcome:
    kind: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer
    body: str
    retry_after: str | None
    content_type: str


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fast", "immediate"])  # immediate: as a crash, then recovery
def test_postgres_restarted_under_load(mode: str, pg: pg_support.Cluster, tmp_path: Path) -> None:
    # with a password (trust authentication ignores it), which no answer may show
    url = make_url(pg_support.create_database(pg.url())).set(password="s3cret-pw")
    server = start_server(
        tmp_path,
        "--detector",
        "baseline",
        database=url.render_as_string(hide_password=False),
    )
    text = "The mayor said it was a disaster. Everyone knows the plan failed."
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    stop = threading.Event()
    answered: dict[str, str] = {}
    try:
        with server.client() as http:  # connections in the pool, soon stale
            known = http.post("/v1/analyze", json=saving(text, "known"))
            assert known.status_code == 201
            answered[known.json()["id"]] = known.text
            for _ in range(3):
                assert http.get("/v1/analyses").status_code == 200

        requests: dict[str, Callable[[httpx.Client], httpx.Response]] = {
            "save": lambda http: http.post("/v1/analyze", json=saving(text, "load")),
            "list": lambda http: http.get("/v1/analyses"),
            "get": lambda http: http.get(f"/v1/analyses/{known.json()['id']}"),
            "history": lambda http: http.get("/history"),
        }

        def load(kind: str) -> None:
            with server.client() as http:
                while not stop.is_set():
                    started = time.monotonic()
                    try:
                        r = requests[kind](http)
                        status, body = r.status_code, r.text
                        retry, ctype = r.headers.get("retry-after"), r.headers["content-type"]
                    except httpx.TransportError as err:
                        status, body, retry, ctype = None, repr(err), None, ""
                    with lock:
                        outcomes.append(
                            Outcome(kind, started, time.monotonic(), status, body, retry, ctype)
                        )
                        if kind == "save" and status == 201:
                            answered[json.loads(body)["id"]] = body
                    stop.wait(0.02)

        def seen(predicate: Callable[[Outcome], bool]) -> Callable[[], bool]:
            def check() -> bool:
                for future in futures:
                    if future.done():
                        future.result()
                with lock:
                    return all(any(predicate(o) for o in outcomes if o.kind == k) for k in requests)

            return check

        with ThreadPoolExecutor(len(requests)) as pool:
            futures: list[Future[None]] = [pool.submit(load, kind) for kind in requests]
            try:
                wait_until(seen(lambda o: o.status == 200 or o.status == 201), 30, "load runs")
                pg.stop(mode)
                down = time.monotonic()
                wait_until(
                    seen(lambda o: o.started > down and o.status is not None),
                    3 * HANG_BOUND_S,
                    "every kind of request answered while PostgreSQL is down",
                )
                time.sleep(0.3)  # a few more requests while it is down
                starting = time.monotonic()
                pg.start()
                up = time.monotonic()
                wait_until(
                    seen(lambda o: o.started > up and o.status in (200, 201)),
                    RECOVERY_BOUND_S,
                    "every kind of request succeeded again after PostgreSQL came back",
                )
            finally:
                stop.set()
            for future in futures:
                future.result()
        assert server.process.poll() is None, "spinscope exited:\n" + server.output()

        statuses = {(o.kind, o.status) for o in outcomes}
        assert all(o.status in (200, 201, 503) for o in outcomes), statuses
        for o in outcomes:
            assert o.ended - o.started < HANG_BOUND_S, f"{o.kind} took {o.ended - o.started} s"
            if o.status == 503:
                if o.kind == "history":  # the page's route answers errors as problems too
                    assert o.content_type.startswith(PROBLEM)
                assert o.retry_after == str(STORAGE_RETRY_AFTER_S), o
                body = json.loads(o.body)
                assert body["type"] == UNAVAILABLE and body["code"] == "E009", body
                assert "s3cret-pw" not in o.body
        during = [o for o in outcomes if o.started > down and o.ended < starting]
        assert during and {o.status for o in during} == {503}
        assert {o.kind for o in during} == set(requests)
        for kind in requests:  # the last answers are successes again
            last = max((o for o in outcomes if o.kind == kind), key=lambda o: o.started)
            assert last.status in (200, 201), last

        # every save answered 201 was kept, and spinscope is the same process
        with server.client() as http:
            for analysis_id, body in answered.items():
                assert http.get(f"/v1/analyses/{analysis_id}").text == body
            total = http.get("/v1/analyses").json()["total"]
            assert total >= len(answered)
            # restarted while no request runs: the pool's connections are all stale, and
            # the first request of each kind succeeds (no 503 to retry)
            pg.restart()
            for kind, request in requests.items():
                r = request(http)
                assert r.status_code in (200, 201), (kind, r.status_code, r.text)
        log = server.output()
        assert "Traceback" not in log, log[-5000:]
        server.stop_cleanly()
    finally:
        server.stop()
        if pg.running():
            pg_support.drop_database(url.render_as_string(hide_password=False))


# --------------------------------------------------------------------- Storage, unit


def test_storage_raises_storage_error_while_postgres_is_down(
    pg: pg_support.Cluster, harbour_analysis: Analysis
) -> None:
    url = pg_support.create_database(pg.url())
    storage = Storage(url)
    try:
        storage.migrate()
        kept = storage.save(harbour_analysis)
        assert storage.count() == 1  # pooled connections, which the stop breaks
        calls: dict[str, Callable[[], object]] = {
            "save": lambda: storage.save(harbour_analysis),
            "get_json": lambda: storage.get_json(kept.id),
            "get": lambda: storage.get(kept.id),
            "list": lambda: storage.list(q="harbour"),
            "delete": lambda: storage.delete(kept.id),
            "count": storage.count,
            "ping": storage.ping,
        }
        pg.stop("fast")
        for name, call in calls.items():
            started = time.monotonic()
            with pytest.raises(StorageError) as caught:
                call()
            assert time.monotonic() - started < HANG_BOUND_S, name
            message = caught.value.message
            assert "the database" in message and "server is up" in message, (name, message)
        pg.start()
        # the same Storage works again
        storage.ping()
        assert storage.count() == 1 and storage.get(kept.id) == kept.to_dict()
        assert storage.list().total == 1
        again = storage.save(harbour_analysis)
        assert storage.delete(again.id) and storage.count() == 1
        # restarted between two calls: the pool's connection is stale, yet the first call
        # after succeeds (checked before use, and replaced)
        pg.restart()
        assert storage.count() == 1
    finally:
        storage.close()
        if not pg.running():
            pg.start()
        pg_support.drop_database(url)


def test_postgres_connections_give_up_on_a_host_that_stops_answering(
    pg: pg_support.Cluster,
) -> None:
    """TCP keepalives and a user timeout are set on the live socket (not only asked for)."""
    url = pg_support.create_database(pg.url())
    storage = Storage(url)
    try:
        raw = storage.engine.raw_connection()
        try:
            fd = os.dup(raw.driver_connection.fileno())  # type: ignore[union-attr]
            with socket.socket(fileno=fd) as sock:
                assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
                tcp = socket.IPPROTO_TCP
                assert sock.getsockopt(tcp, socket.TCP_KEEPIDLE) == 30
                assert sock.getsockopt(tcp, socket.TCP_KEEPINTVL) == 10
                assert sock.getsockopt(tcp, socket.TCP_KEEPCNT) == 3
                assert sock.getsockopt(tcp, socket.TCP_USER_TIMEOUT) == 30_000
        finally:
            raw.close()
    finally:
        storage.close()
        pg_support.drop_database(url)


def test_storage_raises_storage_error_for_a_server_that_is_not_there() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens there (the socket is closed below)
    storage = Storage(f"postgresql://spinscope@127.0.0.1:{port}/nothing")
    try:
        for call in (storage.ping, storage.count, storage.list):
            started = time.monotonic()
            with pytest.raises(StorageError, match="server is up"):
                call()
            assert time.monotonic() - started < HANG_BOUND_S
        # on start too: a server that is not there is a StorageError (E009, exit 3: worth
        # retrying), not a bad --database (E005, exit 2)
        with pytest.raises(StorageError, match="server is up"):
            storage.migrate()
    finally:
        storage.close()


def test_serve_exits_3_with_e009_when_the_database_server_is_down_at_start() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens there (the socket is closed below)
    url = f"postgresql://spinscope:secret@127.0.0.1:{port}/nothing"
    result = subprocess.run(
        [sys.executable, "-m", "spinscope", "serve", "--database", url, "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == StorageError.exit_code == 3, result.stderr
    assert "E009" in result.stderr and "server is up" in result.stderr, result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr


def test_a_server_that_never_answers_times_out_on_connect() -> None:
    # a socket that accepts connections (the kernel does) and never says a word, as a
    # PostgreSQL server that hangs or a firewall that swallows packets would
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        storage = Storage(f"postgresql://spinscope@127.0.0.1:{port}/nothing")
        outcome: list[BaseException | None] = []

        def ping() -> None:
            try:
                storage.ping()
                outcome.append(None)
            except BaseException as err:
                outcome.append(err)

        started = time.monotonic()
        thread = threading.Thread(target=ping, daemon=True)
        thread.start()
        thread.join(HANG_BOUND_S)
        took = time.monotonic() - started
    thread.join(10)  # closing the socket ends a connection attempt still waiting
    storage.close()
    assert took < HANG_BOUND_S, "connecting to a silent server hangs"
    assert len(outcome) == 1, outcome
    err = outcome[0]
    assert isinstance(err, StorageError), err
    assert took >= CONNECT_TIMEOUT_S - 1 and "timeout" in err.message  # not another failure


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://x/y"])
def test_bad_urls_are_still_input_errors(url: str) -> None:
    with pytest.raises(InputError):
        Storage(url).migrate()


def test_an_id_drawn_twice_is_drawn_again_not_a_storage_error(
    new_database: Callable[[], str], harbour_analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = Storage(new_database())
    try:
        storage.migrate()
        first = storage.save(harbour_analysis)
        ids = iter([first.id, first.id, "drawn-again"])
        monkeypatch.setattr(storage_module, "new_id", lambda: next(ids))
        second = storage.save(harbour_analysis)  # two IntegrityErrors, then a free id
        assert second.id == "drawn-again" and storage.count() == 2
        monkeypatch.setattr(storage_module, "new_id", lambda: first.id)
        with pytest.raises(RuntimeError, match="three times"):
            storage.save(harbour_analysis)
        assert storage.count() == 2
    finally:
        storage.close()
