"""A throwaway PostgreSQL server for the tests, the soak benchmark and ``.ci/run``.

:func:`start_cluster` runs Debian's ``initdb`` and ``pg_ctl`` (from ``PATH`` or
``/usr/lib/postgresql/<version>/bin``) on a fresh data folder, listening on a free loopback port
with ``trust`` authentication, and returns a :class:`Cluster` that can create databases, stop,
restart and remove itself. PostgreSQL refuses to run as root, so under root the server runs as
the ``postgres`` user that Debian's package creates.

The tests use the server named by ``$SPINSCOPE_TEST_POSTGRES`` (a URL of its ``postgres``
database, which ``.ci/run`` exports) or, without it, start their own.

As a script (what ``.ci/run`` does)::

    python tests/pg_support.py start FOLDER   # prints the server's URL
    python tests/pg_support.py stop FOLDER
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: The server the tests use when set: ``postgresql+psycopg://USER@HOST:PORT/postgres``.
ENV_URL = "SPINSCOPE_TEST_POSTGRES"
#: The database superuser of a cluster started here.
SUPERUSER = "postgres"


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server programs on this machine."""


def find_bin() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl`` (Debian keeps them off ``PATH``)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    raise PostgresNotFound(
        "PostgreSQL's server programs (initdb, pg_ctl) are not installed; on Debian: "
        "apt-get install postgresql"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> str | None:
    """The OS user to run the server as: ``postgres`` under root, else the current user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresNotFound(
            "running as root, and there is no 'postgres' user to run PostgreSQL as "
            "(Debian's postgresql package creates it)"
        ) from None
    return "postgres"


@dataclass
class Cluster:
    """A PostgreSQL server on a data folder of its own, on ``127.0.0.1:port``."""

    bin: Path
    folder: Path
    port: int
    os_user: str | None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _command(self, *args: str) -> list[str]:
        prefix = ["runuser", "-u", self.os_user, "--"] if self.os_user else []
        return [*prefix, *args]

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            self._command(str(self.bin / "pg_ctl"), "-D", str(self.data), *args),
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c max_connections=200"
        )
        self._pg_ctl("start", "-w", "-l", str(self.log), "-o", options)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: roll back open transactions; ``immediate``: abort)."""
        self._pg_ctl("stop", "-w", "-m", mode)

    def restart(self) -> None:
        """Stop and start again on the same port and data."""
        self.stop()
        self.start()

    def running(self) -> bool:
        """Whether the server answers ``pg_ctl status``."""
        result = subprocess.run(
            self._command(str(self.bin / "pg_ctl"), "-D", str(self.data), "status"),
            capture_output=True,
        )
        return result.returncode == 0

    def remove(self) -> None:
        """Stop the server if it runs and delete its folder."""
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster(folder: Path | None = None) -> Cluster:
    """Create and start a new cluster in ``folder`` (default: a new temporary folder).

    The folder must not hold a cluster yet; it is made readable by the server's user.
    """
    bin_dir = find_bin()
    user = _run_as()
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="spinscope-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bin_dir, folder, _free_port(), user)
    subprocess.run(
        cluster._command(
            str(bin_dir / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    (folder / "port").write_text(str(cluster.port))
    cluster.start()
    return cluster


def create_database(server_url: str) -> str:
    """Create a database with a fresh name on the server of ``server_url``; return its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"spinscope_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop the database of ``url`` (closing any connection still open to it)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    finally:
        engine.dispose()


def wait_for(url: str, timeout: float = 30) -> None:
    """Wait until the server of ``url`` accepts a connection."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """``start FOLDER`` (print the URL) or ``stop FOLDER`` (stop and delete it)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.action == "start":
        cluster = start_cluster(args.folder)
        print(cluster.url())
        return 0
    port_file = args.folder / "port"
    if not port_file.exists():
        print(f"no cluster in {args.folder}", file=sys.stderr)
        return 1
    Cluster(find_bin(), args.folder, int(port_file.read_text()), _run_as()).remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
