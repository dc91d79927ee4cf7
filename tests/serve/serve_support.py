"""Start ``spinscope serve`` as a real process on a free loopback port, and stop it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Column, MetaData, Table, insert

from spinscope.analysis import Analysis, GenreSignal
from spinscope.serve.storage import Storage, analyses
from spinscope.taxonomy import GENRES

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = (ROOT / "examples" / "city-council.txt").read_text(encoding="utf-8")


def free_port() -> int:
    """A TCP port nobody listens on now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running server process."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120, **kwargs)  # type: ignore[arg-type]

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop_cleanly(self) -> None:
        """Stop the server; fail unless it shut down gracefully, without a traceback.

        Uvicorn finishes the requests in flight and runs the app's shutdown, then re-raises
        the signal it caught, so a clean stop exits by SIGTERM (or 0).
        """
        code = self.stop()
        assert code in (0, -signal.SIGTERM), f"exit status {code}:\n{self.output()}"
        assert "Traceback" not in self.output(), self.output()

    def stop(self) -> int:
        """SIGTERM, as a process manager would; return the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(
    folder: Path,
    *args: str,
    database: str | None = None,
    env: dict[str, str] | None = None,
    ready_timeout: float = 120.0,
) -> Server:
    """Run ``spinscope serve`` with ``args`` and wait until ``/readyz`` answers 200."""
    port = free_port()
    database = database or f"sqlite:///{folder / 'serve.db'}"
    log = folder / f"server-{port}.log"
    full_env = {**os.environ, **(env or {})}
    # the tests choose their own settings: none may leak in from the environment
    for var in list(full_env):
        if var.startswith("SPINSCOPE_") and var not in (env or {}):
            del full_env[var]
    command = [
        sys.executable,
        "-m",
        "spinscope",
        "serve",
        "--port",
        str(port),
        "--database",
        database,
        "--log-level",
        "warning",
        *args,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=full_env)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + ready_timeout
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server exited ({process.returncode}):\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise AssertionError(f"the server was not ready in time:\n{server.output()}")
        time.sleep(0.1)


def wait_ready(client: Any) -> None:
    """Wait until an in-process app (a TestClient) answers ``/readyz`` with 200."""
    for _ in range(600):
        if client.get("/readyz").status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError(client.get("/readyz").json())


def with_genre(analysis: Analysis, label: str | None, **changes: Any) -> Analysis:
    """``analysis`` with the genre ``label`` (``None``: without a genre) and other ``changes``."""
    genre = None
    if label is not None:
        others = [g for g in GENRES if g != label]
        genre = GenreSignal(
            label=label,
            probabilities={label: 0.7, others[0]: 0.2, others[1]: 0.1},
            features="tfidf",
            cv_macro_f1=0.5,
        )
    return replace(analysis, genre=genre, **changes)


def migrate_to(storage: Storage, revision: str, *, down: bool = False) -> None:
    """Run spinscope's migrations on ``storage`` up (or ``down``) to ``revision``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "spinscope.serve:migrations")
    with storage.engine.begin() as conn:
        config.attributes["connection"] = conn
        if down:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


def old_database(
    url: str,
    analysis: Analysis,
    *,
    revision: str = "0001",
    raw_rows: Mapping[str, str] | None = None,
) -> Storage:
    """The database at ``url`` brought to ``revision`` (by default 0001, before the detector
    and span columns), on SQLite or PostgreSQL.

    It holds ``analysis`` under the id ``oldone`` (with its detector and span count from
    revision 0002 on) and, under each id of ``raw_rows``, a row whose stored analysis is that
    text (JSON or not: only migrations from 0002 on read such rows).
    """
    s = Storage(url)
    migrate_to(s, revision)
    filled = revision >= "0002"
    rows: list[dict[str, Any]] = [
        {
            "id": "oldone",
            "created_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
            "title": analysis.title,
            "url": None,
            "text": analysis.text,
            "analysis": analysis.to_json(),
            **(
                {"detector": analysis.detector.name, "spans": len(analysis.spans)} if filled else {}
            ),
        }
    ]
    for row_id, raw in (raw_rows or {}).items():
        rows.append(
            {
                "id": row_id,
                "created_at": datetime(2025, 1, 2, 3, 4, 6, tzinfo=UTC),
                "title": row_id,
                "url": None,
                "text": "text",
                "analysis": raw,
                **({"detector": None, "spans": None} if filled else {}),
            }
        )
    # the columns of that revision only (the table object describes the newest schema)
    table = Table(
        "analyses", MetaData(), *(Column(c.name, c.type) for c in analyses.c if c.name in rows[0])
    )
    with s.engine.begin() as conn:
        for row in rows:
            conn.execute(insert(table).values(**row))
    return s
