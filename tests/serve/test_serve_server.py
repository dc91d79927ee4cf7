"""``spinscope serve`` as a real process on a free loopback port, driven over HTTP with httpx."""

from __future__ import annotations

import json
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serve_support import ARTICLE, Server, old_database, start_server, with_genre

from spinscope.serve.storage import HEAD
from spinscope.tagger.model import default_model_dir

pytestmark = pytest.mark.slow

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def model_server(tmp_path_factory) -> Server:
    """A server with the default detector (the shipped model), no API key."""
    if not (default_model_dir() / "model.onnx").is_file():
        pytest.skip("the tagger's model is not installed")
    server = start_server(tmp_path_factory.mktemp("model"))
    yield server
    server.stop_cleanly()


@pytest.fixture(scope="module")
def key_server(tmp_path_factory) -> Server:
    """A baseline server that requires an API key for writes."""
    server = start_server(
        tmp_path_factory.mktemp("key"),
        "--detector",
        "baseline",
        env={"SPINSCOPE_API_KEY": "t0ken"},
    )
    yield server
    server.stop_cleanly()


def test_analyze_with_the_default_model(model_server: Server) -> None:
    with model_server.client() as http:
        ready = http.get("/readyz").json()
        assert ready["detector"]["name"] == "hybrid"
        r = http.post("/v1/analyze", json={"text": ARTICLE, "title": "Fees"})
        assert r.status_code == 200
        body = r.json()
        assert body["detector"]["name"] == "hybrid" and body["spans"]
        assert body["genre"] is not None and body["title"] == "Fees"


def test_32_concurrent_saves_are_all_kept(model_server: Server) -> None:
    with model_server.client() as http:
        before = http.get("/v1/analyses").json()["total"]
    done = threading.Event()
    health: list[int] = []

    def post(i: int) -> httpx.Response:
        with model_server.client() as http:
            return http.post(
                "/v1/analyze", json={"text": ARTICLE, "title": f"concurrent {i}", "save": True}
            )

    def watch() -> None:
        # the event loop keeps answering while analyses queue on their thread
        with model_server.client() as http:
            while not done.is_set():
                health.append(http.get("/healthz", timeout=30).status_code)
                done.wait(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(32) as pool:
            responses = list(pool.map(post, range(32)))
    finally:
        done.set()
        watcher.join()
    assert [r.status_code for r in responses] == [201] * 32
    ids = [r.json()["id"] for r in responses]
    assert len(set(ids)) == 32
    assert health and set(health) == {200}
    with model_server.client() as http:
        assert http.get("/v1/analyses").json()["total"] == before + 32
        for analysis_id, response in zip(ids, responses, strict=True):
            stored = http.get(f"/v1/analyses/{analysis_id}")
            assert stored.status_code == 200
            assert stored.json() == response.json()
        titles = {
            i["title"] for i in http.get("/v1/analyses", params={"limit": 100}).json()["items"]
        }
        assert {f"concurrent {i}" for i in range(32)} <= titles


def test_errors_over_http(model_server: Server) -> None:
    with model_server.client() as http:
        r = http.post("/v1/analyze", json={"text": ""})
        assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
        assert "empty" in r.json()["detail"]
        r = http.post(
            "/v1/analyze", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert r.status_code == 422 and r.json()["errors"][0]["type"] == "json_invalid"
        r = http.post("/v1/analyze", json={"text": "a " * 100_001})
        assert r.status_code == 413 and "200,000" in r.json()["detail"]
        r = http.get("/v1/analyses/doesnotexist")
        assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)
        # SSRF guard: the server will not fetch from itself (loopback)
        r = http.post("/v1/analyze", json={"url": f"{model_server.url}/healthz"})
        assert r.status_code == 422
        assert "refusing" in r.json()["detail"] and "loopback" in r.json()["detail"]
        r = http.post("/v1/analyze", json={"url": "http://localhost:1/"})
        assert r.status_code == 422 and "refusing" in r.json()["detail"]


def test_body_over_the_byte_cap_is_413(model_server: Server) -> None:
    with model_server.client() as http:
        r = http.post(
            "/v1/analyze",
            content=json.dumps({"text": "x" * 2_100_000}).encode(),
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 413 and r.headers["content-type"].startswith(PROBLEM)


def test_api_key_over_http(key_server: Server) -> None:
    with key_server.client() as http:
        assert http.post("/v1/analyze", json={"text": ARTICLE}).status_code == 401
        bad = {"Authorization": "Bearer nope"}
        assert http.post("/v1/analyze", json={"text": ARTICLE}, headers=bad).status_code == 401
        good = {"Authorization": "Bearer t0ken"}
        r = http.post("/v1/analyze", json={"text": ARTICLE, "save": True}, headers=good)
        assert r.status_code == 201
        analysis_id = r.json()["id"]
        assert http.get(f"/v1/analyses/{analysis_id}").status_code == 200
        assert http.get("/healthz").status_code == 200
        assert http.delete(f"/v1/analyses/{analysis_id}").status_code == 401
        assert http.delete(f"/v1/analyses/{analysis_id}", headers=good).status_code == 204


def test_starts_on_an_empty_database_in_a_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "fresh.db"
    server = start_server(tmp_path, "--detector", "baseline", database=f"sqlite:///{path}")
    try:
        with server.client() as http:
            assert http.get("/v1/analyses").json()["total"] == 0
    finally:
        server.stop_cleanly()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrades_an_old_database_on_start(tmp_path: Path, new_database, harbour_analysis) -> None:
    url = new_database()
    old_database(url, with_genre(harbour_analysis, "reporting")).close()
    server = start_server(tmp_path, "--detector", "baseline", database=url)
    try:
        with server.client() as http:
            items = http.get("/v1/analyses").json()["items"]
            assert [i["id"] for i in items] == ["oldone"]
            assert items[0]["detector"] == "phrases"
            assert items[0]["spans"] == len(harbour_analysis.spans)
            assert items[0]["genre"] == "reporting"
            assert http.get("/v1/analyses", params={"genre": "reporting"}).json()["total"] == 1
            assert http.get("/v1/analyses/oldone").json()["text"] == harbour_analysis.text
            assert http.get("/a/oldone").status_code == 200
    finally:
        server.stop_cleanly()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_several_workers_share_one_database(tmp_path: Path, new_database) -> None:
    url = new_database()
    server = start_server(tmp_path, "--detector", "baseline", "--workers", "2", database=url)

    def post(i: int) -> httpx.Response:
        with server.client() as http:
            return http.post("/v1/analyze", json={"text": ARTICLE, "save": True})

    try:
        with ThreadPoolExecutor(16) as pool:
            responses = list(pool.map(post, range(16)))
        assert [r.status_code for r in responses] == [201] * 16
        with server.client() as http:
            assert http.get("/v1/analyses").json()["total"] == 16
            for r in responses:
                assert http.get(f"/v1/analyses/{r.json()['id']}").status_code == 200
    finally:
        server.stop_cleanly()


def test_the_operators_body_cap_holds_even_below_the_default(tmp_path: Path) -> None:
    env = {"SPINSCOPE_MAX_BODY_BYTES": "100000"}
    server = start_server(tmp_path, "--detector", "baseline", env=env)
    try:
        with server.client() as http:
            body = json.dumps({"text": "The shameful plan. " * 7_000}).encode()
            assert 100_000 < len(body) < 2_000_000
            r = http.post("/v1/analyze", content=body, headers={"content-type": "application/json"})
            assert r.status_code == 413, r.text
            small = http.post("/v1/analyze", json={"text": "The shameful plan passed."})
            assert small.status_code == 200
    finally:
        server.stop_cleanly()


def test_the_log_never_shows_the_database_password(tmp_path: Path, postgres_server: str) -> None:
    from sqlalchemy.engine import make_url

    from pg_support import create_database, drop_database

    url = create_database(postgres_server)
    # the throwaway server trusts loopback connections, so any password is accepted
    with_password = make_url(url).set(password="s3cret-pw").render_as_string(hide_password=False)
    server = start_server(tmp_path, "--detector", "baseline", database=with_password)
    try:
        with server.client() as http:
            saved = http.post("/v1/analyze", json={"text": ARTICLE, "save": True})
            assert saved.status_code == 201, saved.text
    finally:
        server.stop_cleanly()
        drop_database(url)
    assert "s3cret-pw" not in server.output()
    assert "***" in server.output()


def test_a_client_that_leaves_mid_body_leaves_no_traceback(tmp_path: Path) -> None:
    import socket
    from urllib.parse import urlsplit

    server = start_server(tmp_path, "--detector", "baseline")
    try:
        where = urlsplit(server.url)
        for path in ("/v1/analyze", "/analyze"):
            with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
                sock.sendall(
                    f"POST {path} HTTP/1.1\r\nHost: {where.netloc}\r\n"
                    "Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n"
                    '{"text": "The shameful'.encode()
                )
        with server.client() as http:
            # the server noticed both departures and still answers
            for _ in range(100):
                if "Traceback" in server.output():
                    break
                assert http.get("/healthz").status_code == 200
            r = http.post("/v1/analyze", json={"text": ARTICLE})
            assert r.status_code == 200
    finally:
        server.stop_cleanly()  # fails on a traceback in the log
