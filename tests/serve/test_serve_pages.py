"""The web pages in-process: form, permalink, history, errors, escaping, policies."""

from __future__ import annotations

import re

from serve_support import ARTICLE, with_genre

from spinscope.render.html import render_html, report_csp

HOSTILE = (
    'Breaking: <script>alert("x")</script> & <img src=x onerror=alert(1)>\n\n'
    "The shameful, disgraceful traitors </textarea><b>bold</b> ruined everything. "
) * 3


def saved_id(response) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/a/[A-Za-z0-9_-]{12}", location)
    return location.removeprefix("/a/")


def test_form_page_is_accessible_and_self_contained(client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "script-src" not in csp  # no script at all on the app's own pages
    html = r.text
    for field in ("text", "url", "file", "title", "threshold", "save"):
        assert f'<label for="{field}"' in html or f'for="{field}"' in html
        assert f'id="{field}"' in html
    assert 'action="/analyze"' in html and 'enctype="multipart/form-data"' in html
    assert "http://" not in html.replace('placeholder="https://"', "")
    assert "https://" not in html.replace('placeholder="https://"', "")
    assert 'name="api_key"' not in html
    css = client.get("/static/app.css")
    assert css.headers["content-type"].startswith("text/css") and "url(" not in css.text


def test_form_saves_and_redirects_to_the_permalink(client) -> None:
    r = client.post("/analyze", data={"text": ARTICLE, "save": "true"}, follow_redirects=False)
    analysis_id = saved_id(r)
    page = client.get(f"/a/{analysis_id}")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith(report_csp())
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.text.count("<mark ") >= 1
    assert f'href="/v1/analyses/{analysis_id}"' in page.text
    assert 'href="/history"' in page.text
    # the same renderer as the HTML report: the report with a row of links
    stored = client.get(f"/v1/analyses/{analysis_id}").json()
    assert stored["id"] == analysis_id
    history = client.get("/history")
    assert f'href="/a/{analysis_id}"' in history.text and "1 saved analysis" in history.text


def test_form_without_save_answers_with_the_report(client) -> None:
    r = client.post("/analyze", data={"text": ARTICLE})
    assert r.status_code == 200
    assert "spinscope report" in r.text and "<mark " in r.text
    assert client.get("/v1/analyses").json()["total"] == 0


def test_form_text_with_crlf_gives_the_cli_offsets(client, baseline_analyzer) -> None:
    import json
    import re

    # browsers send a textarea's lines with CRLF; the report must match the CLI's
    r = client.post("/analyze", data={"text": ARTICLE.replace("\n", "\r\n")})
    assert r.status_code == 200
    embedded = re.search(r'id="spinscope-data">(.*?)</script>', r.text, re.S)
    assert embedded is not None
    data = json.loads(embedded.group(1))
    cli = baseline_analyzer.analyze(ARTICLE).to_dict()
    assert data["text"] == cli["text"]
    assert [(s["start"], s["end"]) for s in data["spans"]] == [
        (s["start"], s["end"]) for s in cli["spans"]
    ]


def test_form_errors_redraw_the_form_with_the_message(client) -> None:
    r = client.post("/analyze", data={"text": "   ", "title": "Kept <title>"})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and "empty" in r.text
    assert 'value="Kept &lt;title&gt;"' in r.text
    r = client.post("/analyze", data={"url": "http://127.0.0.1:1/x"})
    assert r.status_code == 422 and "refusing" in r.text and "loopback" in r.text
    r = client.post("/analyze", data={"text": ARTICLE, "url": "https://example.org/"})
    assert r.status_code == 422 and "only one" in r.text
    r = client.post("/analyze", data={"text": "a " * 100_001})
    assert r.status_code == 413 and "200,000" in r.text
    r = client.post("/analyze", data={"text": ARTICLE, "threshold": "7"})
    assert r.status_code == 422 and "threshold" in r.text


def test_form_refuses_cross_site_posts(client) -> None:
    r = client.post("/analyze", data={"text": ARTICLE}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post("/analyze", data={"text": ARTICLE}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    r = client.post("/analyze", data={"text": ARTICLE}, headers={"Origin": "http://127.0.0.1:8000"})
    assert r.status_code == 200


def test_article_text_is_always_escaped(client) -> None:
    r = client.post(
        "/analyze",
        data={"text": HOSTILE, "title": "<i>T</i>", "save": "true"},
        follow_redirects=False,
    )
    analysis_id = saved_id(r)
    for page in (client.get(f"/a/{analysis_id}").text, client.get("/history").text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "<b>bold</b>" not in page and "<i>T</i>" not in page
    assert "&lt;i&gt;T&lt;/i&gt;" in client.get("/history").text
    # the error page keeps what was typed, escaped
    r = client.post("/analyze", data={"text": HOSTILE, "threshold": "9"})
    assert "</textarea><b>" not in r.text and "&lt;/textarea&gt;&lt;b&gt;" in r.text


def test_history_search_delete_and_unknown(client) -> None:
    first = saved_id(
        client.post(
            "/analyze",
            data={"text": ARTICLE, "title": "Parking", "save": "true"},
            follow_redirects=False,
        )
    )
    second = saved_id(
        client.post(
            "/analyze",
            data={"text": ARTICLE, "title": "Harbour", "save": "true"},
            follow_redirects=False,
        )
    )
    page = client.get("/history").text
    assert page.index(f"/a/{second}") < page.index(f"/a/{first}")  # newest first
    found = client.get("/history", params={"q": "harb"}).text
    assert f"/a/{second}" in found and f"/a/{first}" not in found
    r = client.post(f"/a/{first}/delete", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/history"
    missing = client.get(f"/a/{first}")
    assert missing.status_code == 404 and "No such analysis" in missing.text
    assert client.post(f"/a/{first}/delete").status_code == 404


def test_history_shows_and_filters_by_genre(client, harbour_analysis) -> None:
    storage = client.app.state.service.storage
    spans = len(harbour_analysis.spans)
    assert spans > 1
    reporting = storage.save(with_genre(harbour_analysis, "reporting", title="Quay report"))
    plain = storage.save(with_genre(harbour_analysis, None, title="Plain piece"))
    opinion = storage.save(with_genre(harbour_analysis, "opinion", title="Quay column"))
    page = client.get("/history").text
    metas = re.findall(r'<div class="meta">([^<]*)</div>', page)
    assert len(metas) == 3
    assert metas[0].endswith(f" · phrases · {spans} spans · opinion")
    assert metas[1].endswith(f" · phrases · {spans} spans")
    assert metas[2].endswith(f" · phrases · {spans} spans · reporting")
    # the filter: a labelled select beside the search box, "All genres" chosen
    assert '<label for="genre">Genre</label><select id="genre" name="genre">' in page
    assert '<option value="" selected>All genres</option>' in page
    for genre in ("opinion", "reporting", "satire"):
        assert f'<option value="{genre}">{genre}</option>' in page
    assert "3 saved analyses." in page
    only = client.get("/history", params={"genre": "reporting"}).text
    assert f"/a/{reporting.id}" in only and f"/a/{opinion.id}" not in only
    assert f"/a/{plain.id}" not in only
    assert '<option value="reporting" selected>reporting</option>' in only
    assert '<option value="" selected>' not in only
    assert "1 saved reporting analysis." in only
    both = client.get("/history", params={"q": "quay", "genre": "opinion"}).text
    assert f"/a/{opinion.id}" in both and f"/a/{reporting.id}" not in both
    assert "1 saved opinion analysis matching “quay”." in both and 'value="quay"' in both
    # "All genres" sends an empty genre: everything
    everything = client.get("/history", params={"q": "", "genre": ""}).text
    assert all(f"/a/{i.id}" in everything for i in (reporting, plain, opinion))
    assert client.get("/history", params={"genre": "satire"}).text.count('class="meta"') == 0
    # an unknown genre is refused, as by the API
    r = client.get("/history", params={"genre": "news"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert "unknown genre 'news'" in r.json()["detail"] and "satire" in r.json()["detail"]


def test_history_pager_keeps_the_search_and_the_genre(client, harbour_analysis) -> None:
    storage = client.app.state.service.storage
    for i in range(23):
        storage.save(with_genre(harbour_analysis, "satire", title=f"Tom & Jerry {i}"))
    for i in range(4):
        storage.save(with_genre(harbour_analysis, "opinion", title=f"Tom & Jerry op {i}"))
    first = client.get("/history", params={"q": "Tom & Jerry", "genre": "satire"}).text
    assert "23 saved satire analyses" in first
    assert first.count('class="meta"') == 20
    older = "/history?q=Tom+%26+Jerry&amp;genre=satire&amp;offset=20"
    assert f'<a href="{older}">Older</a>' in first and "Newer" not in first
    second = client.get(older.replace("&amp;", "&")).text
    assert second.count('class="meta"') == 3 and "Tom &amp; Jerry 2<" in second
    assert "Tom &amp; Jerry op" not in second and "Older" not in second
    assert '<a href="/history?q=Tom+%26+Jerry&amp;genre=satire&amp;offset=0">Newer</a>' in second
    # without a genre the links carry none
    plain = client.get("/history", params={"q": "Tom & Jerry"}).text
    assert '<a href="/history?q=Tom+%26+Jerry&amp;offset=20">Older</a>' in plain


def test_pages_ask_for_the_api_key_when_one_is_set(make_client) -> None:
    client = make_client(api_key="k3y")
    assert 'name="api_key"' in client.get("/").text
    r = client.post("/analyze", data={"text": ARTICLE, "save": "true"})
    assert r.status_code == 401 and "API key" in r.text
    r = client.post(
        "/analyze",
        data={"text": ARTICLE, "save": "true", "api_key": "k3y"},
        follow_redirects=False,
    )
    analysis_id = saved_id(r)
    assert client.post(f"/a/{analysis_id}/delete", data={"api_key": "no"}).status_code == 401
    r = client.post(f"/a/{analysis_id}/delete", data={"api_key": "k3y"}, follow_redirects=False)
    assert r.status_code == 303


def test_render_html_is_unchanged_without_links(harbour_analysis) -> None:
    plain = render_html(harbour_analysis)
    linked = render_html(harbour_analysis, nav=[("Home", "/"), ("A&B", "/x?a=1&b=2")])
    assert "site-nav" not in plain
    assert '<a href="/x?a=1&amp;b=2">A&amp;B</a>' in linked
    # the links add a <style> and a <nav>, nothing else
    stripped = re.sub(r"<style>\.site-nav.*?</style>\n", "", linked)
    stripped = re.sub(r'<nav class="site-nav".*?</nav>\n', "", stripped)
    assert stripped == plain


def test_head_requests_for_probes_and_pages(client) -> None:
    for path in ("/", "/history", "/healthz", "/readyz"):
        r = client.head(path)
        assert r.status_code == 200, path
        assert r.content == b""


def test_a_form_body_that_cannot_be_read_redraws_the_form(client) -> None:
    r = client.post(
        "/analyze",
        content=b"--nope\r\nnot a part",
        headers={"Content-Type": "multipart/form-data; boundary=other"},
    )
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in r.text and "could not be read" in r.text
    assert "<form" in r.text


def test_history_shows_readable_times_and_previews_cut_at_a_word() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from spinscope.serve.pages import _preview, _when

    assert _when(datetime(2026, 11, 29, 10, 12, 27, 840165, tzinfo=UTC)) == "2026-11-29 10:12 UTC"
    paris = timezone(timedelta(hours=1))
    assert _when(datetime(2026, 11, 29, 11, 12, tzinfo=paris)) == "2026-11-29 10:12 UTC"
    assert _preview("Short  text.\nTwo lines.") == "Short text. Two lines."
    cut = _preview("word " * 60)
    assert cut.endswith("word …") and len(cut) <= 202
