"""Fixtures of the ``spinscope serve`` tests: an app on the baseline detector and a temporary
database, driven in-process by FastAPI's TestClient (the real-server tests start processes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinscope.analyzer import Analyzer
from spinscope.serve import Settings, create_app


def wait_ready(client: TestClient) -> None:
    for _ in range(600):
        if client.get("/readyz").status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError(client.get("/readyz").json())


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """Build a started TestClient for an app with the given settings (baseline by default)."""
    clients: list[TestClient] = []

    def make(analyzer: Analyzer | None = None, **settings: Any) -> TestClient:
        settings.setdefault("database", f"sqlite:///{tmp_path / f'app{len(clients)}.db'}")
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
