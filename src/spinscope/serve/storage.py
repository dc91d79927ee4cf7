"""Saved analyses, in SQLite by default or any database SQLAlchemy reaches (PostgreSQL ...).

One table, ``analyses``: the analysis JSON exactly as the API returned it (the single source
of truth: pages are re-rendered from it with :meth:`~spinscope.analysis.Analysis.from_dict`),
plus the columns that listing and searching read (title, URL, text, detector, span count,
genre).
The schema is managed by Alembic; its scripts ship in :mod:`spinscope.serve.migrations` and
:meth:`Storage.migrate` runs them programmatically, so an old database is upgraded in place.

Every write is one transaction: a request that fails or a process that dies before the commit
leaves no row behind. SQLite runs in WAL mode with a busy timeout, so concurrent requests (and
several worker processes) wait for each other instead of failing.

A database that cannot be reached or written now (a PostgreSQL server restarting, a full disk,
a read-only file, a lock held too long) raises :class:`~spinscope.errors.StorageError`, which
the server answers with 503 and ``Retry-After``; pooled connections are checked before use
(``pool_pre_ping``), so the requests after the database comes back succeed without restarting
spinscope.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import StaticPool

from spinscope.analysis import Analysis
from spinscope.errors import InputError, StorageError
from spinscope.taxonomy import GENRES

__all__ = [
    "HEAD",
    "ID_PATTERN",
    "GenreName",
    "Page",
    "SavedSummary",
    "Storage",
    "analyses",
    "new_id",
]

#: The Alembic revision this code expects (the newest migration).
HEAD = "0003"
#: A genre the history can be filtered by (the labels of :data:`spinscope.taxonomy.GENRES`).
GenreName = Literal["opinion", "reporting", "satire"]
#: What a saved analysis id looks like (URL-safe base64, as :func:`new_id` makes).
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: Seconds a connection waits for another one's write lock (SQLite) before giving up.
BUSY_TIMEOUT_S = 30
#: The page cache of each SQLite connection, in KiB (SQLite's default is 2,000). The pool holds
#: up to 15 connections and searches scan the whole table, so the default costs up to 30 MiB
#: that glibc keeps after overflow connections close: 32 threads reading a 41 MB database for
#: 90 s grew the process by 45 MiB with the default, 21 MiB with 512 KiB, at the same number of
#: operations (``benchmarks/sqlite_rss.py``).
SQLITE_CACHE_KIB = 512
#: Seconds a new PostgreSQL (or other server) connection may take before the request fails.
CONNECT_TIMEOUT_S = 5
#: libpq's TCP settings for PostgreSQL connections. Without them a database host that dies or
#: drops off the network (no reset sent) holds a request for the kernel's retransmission
#: timeout, about 15 minutes: sent data unacknowledged for 30 s, or an idle pooled connection
#: unanswered for 30 + 3 x 10 s, now ends the connection, and the request answers 503. (A
#: server that is paused but whose host still acknowledges packets is not caught.)
TCP_LIMITS = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}

metadata = MetaData()

#: The table as of :data:`HEAD` (the migrations build it; this describes it for queries).
analyses = Table(
    "analyses",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("title", Text),
    Column("url", Text),
    Column("text", Text, nullable=False),
    Column("analysis", Text, nullable=False),
    Column("detector", String(32)),
    Column("spans", Integer),
    Column("genre", String(32), index=True),
)


def new_id() -> str:
    """A fresh, unguessable analysis id (72 random bits, 12 URL-safe characters)."""
    return secrets.token_urlsafe(9)


@dataclass(frozen=True)
class SavedSummary:
    """One row of the history: enough to list and find a saved analysis."""

    id: str
    created_at: datetime
    title: str | None
    url: str | None
    detector: str | None
    spans: int | None
    preview: str
    #: the article's genre label (``opinion``, ``reporting``, ``satire``), ``None`` without one
    genre: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``created_at`` in ISO 8601, UTC)."""
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "title": self.title,
            "url": self.url,
            "detector": self.detector,
            "spans": self.spans,
            "genre": self.genre,
            "preview": self.preview,
        }


@dataclass(frozen=True)
class Page:
    """A slice of the history, newest first, and how many analyses match in all."""

    items: tuple[SavedSummary, ...]
    total: int
    limit: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "items": [i.to_dict() for i in self.items],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
        }


def _utc(value: datetime) -> datetime:
    # SQLite keeps no time zone: every stored time is UTC
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _like(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


#: pip packages of the database drivers SQLAlchemy imports, by module name
_DRIVER_PACKAGES = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "pymysql": "PyMySQL",
    "MySQLdb": "mysqlclient",
}


class Storage:
    """Saved analyses in the database at ``url`` (an SQLAlchemy URL).

    Construction connects nothing; call :meth:`migrate` once before use (the server does on
    start). Methods are safe to call from several threads.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except Exception as err:  # sqlalchemy raises ArgumentError; keep the message
            raise InputError(
                f"{url!r} is not a database URL ({err}); use e.g. sqlite:///path/spinscope.db "
                "or postgresql://user@host/db."
            ) from None
        if parsed.drivername in ("postgresql", "postgres"):
            # the serve extra's driver is psycopg 3 (SQLAlchemy 2.0 would pick psycopg2)
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        #: the URL for messages and logs (password hidden)
        self.shown = repr(parsed)
        #: whether the database can only be read (a SQLite file in a folder nobody may write)
        self.read_only = False
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
            if parsed.database in (None, "", ":memory:"):
                # one shared connection, or each connection would see its own empty database
                kwargs["poolclass"] = StaticPool
            elif not parsed.database.startswith("file:"):
                path = Path(parsed.database).expanduser()
                if path.is_file() and not os.access(path.parent, os.W_OK):
                    # a read-only mount or folder: SQLite could not create its journal or
                    # WAL index beside the file, so even reads would fail. Opened immutable,
                    # it serves reads and refuses writes (a 503 each, not a crash loop).
                    self.read_only = True
                    parsed = parsed.set(
                        database=f"file:{quote(str(path.resolve()))}",
                        query={"mode": "ro", "immutable": "1", "uri": "true"},
                    )
                else:  # created on first start, like the default one
                    path.parent.mkdir(parents=True, exist_ok=True)
        else:
            # a connection the server dropped (restart, failover) is replaced before use
            kwargs["pool_pre_ping"] = True
            # the driver as the URL names it: get_driver_name() would load the dialect here,
            # outside the try below, and an unknown one would escape as NoSuchModuleError
            if parsed.drivername.partition("+")[2] in ("psycopg", "psycopg2"):
                kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S, **TCP_LIMITS}
        try:
            self.engine: Engine = create_engine(parsed, **kwargs)
        except ModuleNotFoundError as err:  # the database's driver
            package = _DRIVER_PACKAGES.get(err.name or "", err.name)
            raise InputError(
                f"cannot use the database {parsed!r}: its driver {err.name!r} is not "
                f"installed. Install it (pip install '{package}') or choose another --database."
            ) from None
        except Exception as err:  # a bad option
            raise InputError(f"cannot use the database {parsed!r}: {err}") from None
        if self.is_sqlite:
            _sqlite_transactions(self.engine)

    # ------------------------------------------------------------------------- schema

    def migrate(self) -> str:
        """Create or upgrade the schema to :data:`HEAD` (idempotent); return the revision."""
        if self.read_only:  # nothing may be written, so a migration is out of the question
            current = self.revision()
            if current != HEAD:
                raise InputError(
                    f"the database {self.shown} has schema {current or 'none'} and this "
                    f"version of spinscope needs {HEAD}, but its folder is read-only, so it "
                    "cannot be upgraded: make the folder writable for one start (spinscope "
                    "serve upgrades it; it may be read-only again after), or serve it with the "
                    "spinscope version that wrote it."
                )
            return current
        if not self.is_sqlite:
            # a server that is down or out of reach is no bad option: StorageError (E009,
            # exit 3), which a process manager may retry, not InputError (E005, exit 2)
            self.ping()
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", "spinscope.serve:migrations")
        try:
            with self.engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except SQLAlchemyError as err:
            raise InputError(
                f"cannot prepare the database {self.shown}: {err.__class__.__name__}: "
                f"{err.orig if hasattr(err, 'orig') else err}. Check the --database URL and "
                "that the file or server is writable."
            ) from None
        revision = self.revision()
        assert revision is not None
        return revision

    def revision(self) -> str | None:
        """The schema revision of the database (``None``: never migrated)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            rev: str | None = MigrationContext.configure(conn).get_current_revision()
            return rev

    # -------------------------------------------------------------------------- rows

    @contextmanager
    def _unavailable_as_error(self, doing: str) -> Iterator[None]:
        """Turn "the database cannot do this now" into :class:`StorageError` (a 503)."""
        try:
            yield
        except (OperationalError, InterfaceError, PoolTimeoutError) as err:
            raise self._storage_error(doing, err) from None
        except DBAPIError as err:
            if not err.connection_invalidated:
                raise
            raise self._storage_error(doing, err) from None

    def _storage_error(self, doing: str, err: SQLAlchemyError) -> StorageError:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()
        if self.read_only:
            return StorageError(
                f"cannot {doing} the database {self.shown}: its folder is read-only, so this "
                "server opened it read-only and serves reads alone. Make the folder writable "
                "and restart the server to save again."
            )
        return StorageError(
            f"cannot {doing} the database {self.shown} now "
            f"({reason[0] if reason else err.__class__.__name__}). Try again in a moment; if it "
            "lasts, check that the database server is up and that its disk is neither full "
            "nor read-only."
        )

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._unavailable_as_error("read"), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._unavailable_as_error("write to"), self.engine.begin() as conn:
            yield conn

    def save(self, analysis: Analysis) -> Analysis:
        """Store ``analysis`` under a new id; return it with that id (its permalink's)."""
        for _ in range(3):
            saved = replace(analysis, id=new_id())
            row = {
                "id": saved.id,
                "created_at": datetime.now(UTC),
                "title": saved.title,
                "url": saved.url,
                "text": saved.text,
                "analysis": saved.to_json(),
                "detector": saved.detector.name,
                "spans": len(saved.spans),
                "genre": saved.genre.label if saved.genre is not None else None,
            }
            try:
                with self._write() as conn:
                    conn.execute(insert(analyses).values(**row))
                return saved
            except IntegrityError:  # an id drawn twice: draw again
                continue
        raise RuntimeError("could not draw a free analysis id three times in a row")

    def get_json(self, analysis_id: str) -> str | None:
        """The saved analysis JSON text (as the API returned it), or ``None``."""
        if not ID_PATTERN.match(analysis_id):
            return None
        with self._read() as conn:
            raw: str | None = conn.execute(
                select(analyses.c.analysis).where(analyses.c.id == analysis_id)
            ).scalar_one_or_none()
        return raw

    def get(self, analysis_id: str) -> dict[str, Any] | None:
        """The saved analysis as a JSON-ready dict, or ``None``."""
        raw = self.get_json(analysis_id)
        if raw is None:
            return None
        data: dict[str, Any] = json.loads(raw)
        return data

    def list(
        self, *, limit: int = 20, offset: int = 0, q: str | None = None, genre: str | None = None
    ) -> Page:
        """Saved analyses, newest first.

        ``q`` keeps those whose title or text contains it, ``genre`` those of that genre (a
        label of :data:`~spinscope.taxonomy.GENRES`; analyses without a genre match none).
        """
        where = []
        if genre:
            if genre not in GENRES:
                raise InputError(f"genre: unknown genre {genre!r}; use one of {', '.join(GENRES)}.")
            where.append(analyses.c.genre == genre)
        if q:
            pattern = _like(q)
            where.append(
                or_(
                    analyses.c.title.ilike(pattern, escape="\\"),
                    analyses.c.text.ilike(pattern, escape="\\"),
                )
            )
        columns = [
            analyses.c.id,
            analyses.c.created_at,
            analyses.c.title,
            analyses.c.url,
            analyses.c.detector,
            analyses.c.spans,
            analyses.c.genre,
            func.substr(analyses.c.text, 1, 200).label("preview"),
        ]
        with self._read() as conn:
            total = conn.execute(select(func.count()).select_from(analyses).where(*where)).scalar()
            rows = conn.execute(
                select(*columns)
                .where(*where)
                .order_by(analyses.c.seq.desc())
                .limit(limit)
                .offset(offset)
            ).all()
        items = tuple(
            SavedSummary(
                id=r.id,
                created_at=_utc(r.created_at),
                title=r.title,
                url=r.url,
                detector=r.detector,
                spans=r.spans,
                preview=r.preview or "",
                genre=r.genre,
            )
            for r in rows
        )
        return Page(items, int(total or 0), limit, offset)

    def delete(self, analysis_id: str) -> bool:
        """Delete a saved analysis; ``False`` when there was none with that id."""
        if not ID_PATTERN.match(analysis_id):
            return False
        with self._write() as conn:
            result = conn.execute(delete(analyses).where(analyses.c.id == analysis_id))
        return bool(result.rowcount)

    def count(self) -> int:
        """How many analyses are saved."""
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(analyses)).scalar() or 0)

    def ping(self) -> None:
        """Raise :class:`StorageError` when the database cannot be reached."""
        with self._read() as conn:
            conn.exec_driver_sql("SELECT 1")

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _sqlite_transactions(engine: Engine) -> None:
    """WAL, a busy timeout, a small page cache, and real transactions (DDL included) for SQLite.

    Python's sqlite3 module otherwise starts transactions itself, only before DML, so a
    migration's DDL would commit statement by statement; SQLAlchemy's documented recipe is to
    switch that off and emit ``BEGIN`` on each transaction.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")
