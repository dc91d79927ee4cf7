"""Fixtures of the ``spinscope serve`` tests: an app on the baseline detector and a temporary
database, driven in-process by FastAPI's TestClient (the real-server tests start processes).

The database is SQLite unless a test module overrides the ``backend`` fixture: the storage and
API suites run every test on SQLite and on PostgreSQL (a throwaway server, see
``tests/pg_support.py``; each test gets databases of its own).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import pg_support
from spinscope.analyzer import Analyzer

# Without the serve extra (or httpx, which the test clients need) this conftest still imports,
# and every test module of the folder skips at collection, saying what is missing.
try:
    import httpx  # noqa: F401
    from fastapi.testclient import TestClient
    from serve_support import wait_ready

    from spinscope.serve import Settings, create_app
except ImportError as err:
    SERVE_MISSING: str | None = (
        f"the serve extra is not installed ({err}): pip install -e '.[serve]'"
    )
else:
    SERVE_MISSING = None


class _SkippedModule(pytest.Module):
    """A test module that skips instead of importing what is not installed."""

    def collect(self) -> list[pytest.Item | pytest.Collector]:
        assert SERVE_MISSING is not None
        pytest.skip(SERVE_MISSING, allow_module_level=True)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(
    module_path: Path, parent: pytest.Collector
) -> pytest.Module | None:
    if SERVE_MISSING is None:
        return None
    return _SkippedModule.from_parent(parent, path=module_path)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's ``postgres`` database: ``$SPINSCOPE_TEST_POSTGRES``, or
    a throwaway server started for this test session (skips where PostgreSQL is not installed).
    """
    given = os.environ.get(pg_support.ENV_URL)
    if given:
        pg_support.wait_for(given)
        yield given
        return
    try:
        cluster = pg_support.start_cluster()
    except pg_support.PostgresNotFound as err:
        pytest.skip(f"PostgreSQL is not available: {err}")
    try:
        yield cluster.url()
    finally:
        cluster.remove()


@pytest.fixture
def backend() -> str:
    """The database of the test: ``sqlite`` (modules that test both override this)."""
    return "sqlite"


@pytest.fixture
def new_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], str]]:
    """Make the URL of a new, empty database of the test's ``backend`` (dropped afterwards)."""
    made: list[str] = []

    def make() -> str:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / f'db{len(made)}.db'}"
        else:
            url = pg_support.create_database(request.getfixturevalue("postgres_server"))
        made.append(url)
        return url

    yield make
    for url in made:
        if not url.startswith("sqlite"):
            pg_support.drop_database(url)


@pytest.fixture
def make_client(new_database: Callable[[], str]) -> Iterator[Callable[..., TestClient]]:
    """Build a started TestClient for an app with the given settings (baseline by default)."""
    clients: list[TestClient] = []

    def make(analyzer: Analyzer | None = None, **settings: Any) -> TestClient:
        if "database" not in settings:
            settings["database"] = new_database()
        settings.setdefault("detector", "baseline")
        app = create_app(Settings(**settings), analyzer=analyzer)
        client = TestClient(app, base_url="http://127.0.0.1:8000")
        client.__enter__()
        clients.append(client)
        wait_ready(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """An app on the baseline detector with an empty database and no API key."""
    return make_client()
