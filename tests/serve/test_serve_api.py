"""The REST API in-process (TestClient, baseline detector): shapes, errors, limits, storage.

Every test runs on SQLite and on PostgreSQL (the ``backend`` fixture).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources

import pytest
from serve_support import ARTICLE, with_genre

from analysis_support import HARBOUR_ARTICLE
from language_support import OTHER_TEXTS, SUPPORTED_TEXTS
from site_support import PHOTO, article_page, serve_site

PROBLEM = "application/problem+json"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def assert_problem(response, status: int, *words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail"} <= set(body)
    for word in words:
        assert word in body["detail"], body
    return body


def test_analyze_text_returns_the_cli_json(client, baseline_analyzer) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    r = client.post("/v1/analyze", json={"text": ARTICLE})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    schema = json.loads(
        resources.files("spinscope").joinpath("resources/analysis.schema.json").read_text()
    )
    jsonschema.validate(body, schema)
    # the same analysis as the library (and so as the CLI's --format json)
    expected = baseline_analyzer.analyze(ARTICLE).to_dict()
    assert body["spans"] == expected["spans"]
    assert body["summary"] == expected["summary"]
    # not saved: no permanent id, but an id of its own, the same for the same text
    assert body["id"].startswith("text-") and body["id"] != "article"
    other = client.post("/v1/analyze", json={"text": ARTICLE + " More."}).json()
    assert other["id"] != body["id"]
    assert client.post("/v1/analyze", json={"text": ARTICLE}).json()["id"] == body["id"]
    assert client.get("/v1/analyses").json()["total"] == 0


def test_crlf_text_gives_the_cli_offsets(client, baseline_analyzer, tmp_path) -> None:
    from spinscope.ingest import read_file

    crlf = ARTICLE.replace("\n", "\r\n")
    path = tmp_path / "a.txt"
    path.write_bytes(crlf.encode("utf-8"))
    cli = baseline_analyzer.analyze(read_file(path)).to_dict()
    body = client.post("/v1/analyze", json={"text": crlf}).json()
    assert "\r" not in body["text"] and body["text"] == cli["text"]
    assert body["spans"] == cli["spans"]


def test_save_get_list_delete(client) -> None:
    r = client.post("/v1/analyze", json={"text": ARTICLE, "save": True, "title": "Fees"})
    assert r.status_code == 201
    saved = r.json()
    assert saved["title"] == "Fees"
    assert r.headers["location"] == f"/v1/analyses/{saved['id']}"
    assert client.get(f"/v1/analyses/{saved['id']}").json() == saved
    listed = client.get("/v1/analyses").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == saved["id"]
    item = listed["items"][0]
    assert item["spans"] == len(saved["spans"]) and item["detector"] == "baseline"
    assert item["genre"] == (saved["genre"]["label"] if saved["genre"] else None)
    assert item["created_at"].endswith("Z")
    assert client.delete(f"/v1/analyses/{saved['id']}").status_code == 204
    assert_problem(client.get(f"/v1/analyses/{saved['id']}"), 404, saved["id"])
    assert_problem(client.delete(f"/v1/analyses/{saved['id']}"), 404)


def test_list_is_newest_first_paged_and_searchable(client) -> None:
    ids = []
    for i in range(5):
        text = f"Article number {i}. {'Harbour' if i % 2 else 'Parking'} news.\n" + ARTICLE
        ids.append(
            client.post("/v1/analyze", json={"text": text, "title": f"T{i}", "save": True}).json()[
                "id"
            ]
        )
    page = client.get("/v1/analyses", params={"limit": 2, "offset": 1}).json()
    assert [i["id"] for i in page["items"]] == [ids[3], ids[2]]
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 1
    found = client.get("/v1/analyses", params={"q": "harbour"}).json()
    assert {i["id"] for i in found["items"]} == {ids[1], ids[3]}
    assert client.get("/v1/analyses", params={"q": "t4"}).json()["items"][0]["id"] == ids[4]
    # LIKE wildcards are searched for literally
    assert client.get("/v1/analyses", params={"q": "%"}).json()["total"] == 0
    assert_problem(client.get("/v1/analyses", params={"limit": 0}), 422, "limit")
    assert_problem(client.get("/v1/analyses", params={"limit": 101}), 422, "limit")


def test_list_returns_and_filters_by_genre(client, harbour_analysis) -> None:
    storage = client.app.state.service.storage
    labels = ["reporting", "opinion", "reporting", None, "reporting", "satire"]
    ids = [
        storage.save(
            with_genre(harbour_analysis, label, title=f"{'Quay' if i < 3 else 'Dock'} {i}")
        ).id
        for i, label in enumerate(labels)
    ]
    everything = client.get("/v1/analyses").json()
    assert [(i["id"], i["genre"]) for i in everything["items"]] == list(
        zip(ids[::-1], labels[::-1], strict=True)
    )
    reporting = client.get("/v1/analyses", params={"genre": "reporting"}).json()
    assert reporting["total"] == 3
    assert [i["id"] for i in reporting["items"]] == [ids[4], ids[2], ids[0]]
    assert {i["genre"] for i in reporting["items"]} == {"reporting"}
    paged = client.get("/v1/analyses", params={"genre": "reporting", "limit": 1, "offset": 1})
    assert [i["id"] for i in paged.json()["items"]] == [ids[2]]
    assert paged.json()["total"] == 3 and paged.json()["offset"] == 1
    quay = client.get("/v1/analyses", params={"genre": "reporting", "q": "quay"}).json()
    assert quay["total"] == 2 and [i["id"] for i in quay["items"]] == [ids[2], ids[0]]
    dock = client.get("/v1/analyses", params={"genre": "satire", "q": "dock"}).json()
    assert [(i["id"], i["genre"]) for i in dock["items"]] == [(ids[5], "satire")]
    assert client.get("/v1/analyses", params={"genre": "opinion", "q": "dock"}).json() == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
    }
    # only the three genres: anything else (case, blank, unknown) is a 422 problem
    for bad in ("news", "Reporting", "", "opinion "):
        body = assert_problem(
            client.get("/v1/analyses", params={"genre": bad}), 422, "genre", "'opinion'"
        )
        assert body["type"] == "/problems/invalid-input"
        assert body["errors"][0]["loc"] == ["query", "genre"]
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/v1/analyses"]["get"]["parameters"]}
    schema = params["genre"]["schema"]
    assert schema["anyOf"][0]["enum"] == ["opinion", "reporting", "satire"]


def test_file_upload_and_html(client) -> None:
    r = client.post(
        "/v1/analyze",
        files={"file": ("fees.txt", ARTICLE.encode("utf-8"), "text/plain")},
        data={"save": "true", "threshold": "0.3"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["detector"]["threshold"] == 0.3
    page = (
        "<!doctype html><html><head><title>Harbour</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in HARBOUR_ARTICLE.split("\n") if p)
        + "</article></body></html>"
    )
    r = client.post("/v1/analyze", json={"html": page})
    assert r.status_code == 200, r.text
    assert "shameful campaign" in r.json()["text"]
    assert "<p>" not in r.json()["text"]


def test_threshold_filters_the_baseline(client) -> None:
    low = client.post("/v1/analyze", json={"text": ARTICLE, "threshold": 0.0}).json()
    high = client.post("/v1/analyze", json={"text": ARTICLE, "threshold": 0.9}).json()
    assert high["detector"]["threshold"] == 0.9
    assert {(s["start"], s["technique"]) for s in high["spans"]} == {
        (s["start"], s["technique"]) for s in low["spans"] if s["score"] >= 0.9
    }


def test_language_is_detected_or_given(client) -> None:
    detected = client.post("/v1/analyze", json={"text": SUPPORTED_TEXTS["it"]}).json()
    assert detected["language"]["code"] == "it" and detected["language"]["source"] == "detected"
    given = client.post("/v1/analyze", json={"text": SUPPORTED_TEXTS["it"], "language": "pl"})
    assert given.status_code == 200, given.text
    assert given.json()["language"] == {**given.json()["language"], "code": "pl", "source": "given"}
    # a language spinscope is not trained on still runs, with a warning naming it
    arabic = client.post("/v1/analyze", json={"text": OTHER_TEXTS["ar"], "save": True})
    assert arabic.status_code == 201, arabic.text
    saved = client.get(f"/v1/analyses/{arabic.json()['id']}").json()
    assert saved["language"]["code"] == "ar"
    assert "unsupported_language" in [w["code"] for w in saved["warnings"]]
    # the form takes it too
    form = client.post(
        "/v1/analyze",
        files={"file": ("it.txt", SUPPORTED_TEXTS["it"].encode("utf-8"), "text/plain")},
        data={"language": "de"},
    )
    assert form.status_code == 200, form.text
    assert form.json()["language"]["code"] == "de"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"text": ""}, ["empty"]),
        ({"text": " \n\t "}, ["empty"]),
        ({}, ["give the article"]),
        ({"text": "a", "url": "https://example.org/"}, ["only one", "text and url"]),
        ({"text": "a", "threshold": 1.5}, ["threshold"]),
        ({"text": "a", "save": "perhaps"}, ["save"]),
        ({"text": "a", "colour": "red"}, ["colour"]),
        ({"text": 12}, ["text"]),
        ({"url": "ftp://example.org/a.txt"}, ["http(s)"]),
        ({"url": "http://127.0.0.1:9/article"}, ["refusing", "loopback"]),
        ({"url": "http://[::1]:9/article"}, ["refusing"]),
        ({"html": "<html><head></head><body> </body></html>"}, ["no article text"]),
        ({"text": "a", "language": "xx"}, ["unknown language 'xx'", "fr (French)", "ru (Russian)"]),
        ({"text": "a", "language": 12}, ["language"]),
    ],
)
def test_bad_input_is_422_problem(client, body, words) -> None:
    body = assert_problem(client.post("/v1/analyze", json=body), 422, *words)
    assert body["type"] == "/problems/invalid-input"


def test_malformed_json_is_422(client) -> None:
    r = client.post(
        "/v1/analyze", content=b'{"text": "unclosed', headers={"content-type": "application/json"}
    )
    body = assert_problem(r, 422, "JSON")
    assert body["errors"][0]["type"] == "json_invalid"
    assert_problem(
        client.post("/v1/analyze", content=b"[1, 2]", headers={"content-type": "application/json"}),
        422,
    )


def test_too_large_is_413(make_client) -> None:
    client = make_client(max_chars=1000, max_body_bytes=50_000)
    assert_problem(client.post("/v1/analyze", json={"text": "word " * 201}), 413, "1,000")
    # the extracted text of a file counts too
    r = client.post("/v1/analyze", files={"file": ("a.txt", b"word " * 300, "text/plain")})
    assert_problem(r, 413, "1,000")
    # a body over the byte cap is refused by its Content-Length, before it is read
    assert_problem(client.post("/v1/analyze", json={"text": "x" * 60_000}), 413, "50,000")


def test_default_text_cap_is_200000_characters(client) -> None:
    assert_problem(client.post("/v1/analyze", json={"text": "a " * 100_001}), 413, "200,000")


def test_unsupported_media_type(client) -> None:
    r = client.post("/v1/analyze", content=ARTICLE, headers={"content-type": "text/plain"})
    assert_problem(r, 415, "application/json")


def test_unknown_routes_and_ids_are_404_problems(client) -> None:
    assert_problem(client.get("/v1/analyses/nosuchid"), 404, "nosuchid")
    assert_problem(client.get("/v1/analyses/..%2F..%2Fetc"), 404)
    assert_problem(client.get("/v1/nothing"), 404)


def test_api_key_guards_writes_only(make_client) -> None:
    client = make_client(api_key="s3cret")
    assert_problem(client.post("/v1/analyze", json={"text": ARTICLE}), 401, "Bearer")
    r = client.post(
        "/v1/analyze", json={"text": ARTICLE}, headers={"Authorization": "Bearer wrong"}
    )
    assert_problem(r, 401, "wrong")
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = client.post("/v1/analyze", json={"text": ARTICLE}, headers={"Authorization": "Basic x"})
    assert_problem(r, 401)
    ok = {"Authorization": "Bearer s3cret"}
    r = client.post("/v1/analyze", json={"text": ARTICLE, "save": True}, headers=ok)
    assert r.status_code == 201
    saved = r.json()["id"]
    # reads need no key
    assert client.get(f"/v1/analyses/{saved}").status_code == 200
    assert client.get("/v1/analyses").status_code == 200
    assert_problem(client.delete(f"/v1/analyses/{saved}"), 401)
    assert client.delete(f"/v1/analyses/{saved}", headers=ok).status_code == 204


def test_techniques_health_schema_and_docs(client) -> None:
    t = client.get("/v1/techniques").json()
    assert len(t["techniques"]) == 23 and len(t["categories"]) == 6
    assert all({"what", "why", "ask"} <= set(e) for e in t["techniques"])
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["detector"]["name"] == "baseline"
    assert client.get("/v1/schema/analysis").json()["title"]
    spec = client.get("/openapi.json").json()
    assert {"/v1/analyze", "/v1/analyses", "/v1/analyses/{analysis_id}", "/v1/techniques"} <= set(
        spec["paths"]
    )
    content = spec["paths"]["/v1/analyze"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)


def test_security_headers(client) -> None:
    for path in ("/healthz", "/v1/techniques", "/"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    pages = {"/story": article_page(HARBOUR_ARTICLE, title="Harbour"), "/photo": PHOTO}
    with serve_site(pages) as url:
        yield url


def test_url_fetching(make_client, site: str) -> None:
    refusing = make_client()
    assert_problem(
        refusing.post("/v1/analyze", json={"url": f"{site}/story"}), 422, "refusing", "loopback"
    )
    client = make_client(allow_private=True)
    r = client.post("/v1/analyze", json={"url": f"{site}/story", "save": True})
    assert r.status_code == 201, r.text
    assert r.json()["url"] == f"{site}/story" and "traitors" in r.json()["text"]
    # a URL that fails says why
    assert_problem(client.post("/v1/analyze", json={"url": f"{site}/missing"}), 422, "404")
    assert_problem(client.post("/v1/analyze", json={"url": f"{site}/photo"}), 422, "image/png")


def test_docs_work_offline(client) -> None:
    """/docs loads every script and stylesheet from the app itself."""
    import re

    for path, marker in (("/docs", "SwaggerUIBundle"),):
        page = client.get(path)
        assert page.status_code == 200 and marker in page.text
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets and all(a.startswith("/static/docs/") for a in assets), (path, assets)
        for asset in assets:
            assert client.get(asset).status_code == 200, asset
        # a policy on these pages too: scripts from the app only
        assert "script-src 'self' 'unsafe-inline'" in page.headers["content-security-policy"]


def test_listing_bounds_and_unexpected_errors(client, monkeypatch) -> None:
    """Out-of-range paging is a 422; a bug is a 500 problem, never a bare text page."""
    huge = "99999999999999999999"
    assert_problem(client.get(f"/v1/analyses?offset={huge}"), 422, "offset")
    assert client.get(f"/history?offset={huge}").status_code == 422

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(client.app.state.service.storage, "list", broken)
    from fastapi.testclient import TestClient

    with TestClient(client.app, raise_server_exceptions=False) as quiet:
        r = quiet.get("/v1/analyses")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "a bug" not in r.text  # internals stay in the log


def test_history_pages_keep_the_search_in_their_links(client) -> None:
    for i in range(25):
        client.post(
            "/v1/analyze", json={"text": f"Tom & Jerry {i}: a shameful plan.", "save": True}
        )
    page = client.get("/history", params={"q": "Tom & Jerry"})
    assert 'href="/history?q=Tom+%26+Jerry&amp;offset=20"' in page.text


def test_techniques_match_the_cli(client) -> None:
    from typer.testing import CliRunner

    from spinscope.cli.app import app

    printed = CliRunner().invoke(app, ["techniques", "--json"])
    assert printed.exit_code == 0
    assert client.get("/v1/techniques").json() == json.loads(printed.stdout)
