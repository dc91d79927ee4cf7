from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from render_support import HOSTILE_DOC, HOSTILE_PHRASES, HOSTILE_TEXT

from language_support import NO_LETTERS_TEXT, OTHER_TEXTS
from spinscope.render.html import embed_json, render_html


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script" and dict(attrs).get("type") == "application/json":
            self._in = "json"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.data[self._in] = self.data.get(self._in, "") + data


def parse(page: str) -> Collector:
    c = Collector()
    c.feed(page)
    return c


def test_self_contained(harbour_analysis) -> None:
    page = render_html(harbour_analysis)
    assert page.startswith("<!doctype html>")
    # nothing is loaded from anywhere: no src or href attributes, no url() or @import in CSS
    for tag, attrs in parse(page).tags:
        assert "src" not in attrs, tag
        assert "href" not in attrs, tag
    assert "url(" not in page and "@import" not in page and "//cdn" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1)


def test_spans_overlaps_and_quotations(harbour_analysis) -> None:
    page = render_html(harbour_analysis)
    tags = parse(page).tags
    marks = [a for t, a in tags if t == "mark"]
    assert marks and all("data-spans" in m and m.get("tabindex") == "0" for m in marks)
    covered = {int(i) for m in marks for i in (m["data-spans"] or "").split()}
    assert covered == set(range(len(harbour_analysis.spans)))
    assert any("overlap" in (m["class"] or "") for m in marks)
    assert any("quoted" in (m["class"] or "") for m in marks)
    assert '<span class="q-speech" title="Quoted speech: Mayor Ilse Vandermeer">' in page
    assert '<span class="q-scare"' in page
    assert "In the author's own words (5)" in page
    assert "Inside quotations (2)" in page


def test_controls_summary_and_explanations(harbour_analysis) -> None:
    page = render_html(harbour_analysis)
    tags = parse(page).tags
    boxes = [a["data-category"] for t, a in tags if t == "input" and "data-category" in a]
    assert len(boxes) == 6
    assert ("input", {"type": "checkbox", "checked": None, "id": "show-quoted"}) in tags
    assert 'class="bars"' in page and "Most charged" in page
    for name in ("Loaded_Language", "Doubt", "quoted_speech", "scare_quotes"):
        assert f'id="explain-{name}"' in page
    assert "@media print" in page


def test_embedded_data_round_trips(harbour_analysis) -> None:
    page = render_html(harbour_analysis)
    data = json.loads(parse(page).data["json"])
    assert data["spans"] == harbour_analysis.to_dict()["spans"]
    assert data["categories"][0] == "Attack on Reputation"


def test_embed_json_escapes_markup() -> None:
    raw = embed_json({"x": "</script><b>&"})
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert json.loads(raw) == {"x": "</script><b>&"}


def test_hostile_article_is_escaped(phrase_analyzer) -> None:
    analysis = phrase_analyzer(HOSTILE_PHRASES).analyze(HOSTILE_DOC)
    page = render_html(analysis)
    for needle in (
        "<script>window",
        "</script><b",
        "<b id=",
        "<img",
        "<iframe",
        "</style><b",
        "</title><script",
        '" onmouseover="',
        "<svg",
        "<b>Mallory",
    ):
        assert needle not in page, needle
    # exactly our two script elements and one style element
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert page.count("<style>") == 1 and page.count("</style>") == 1
    tags = parse(page).tags
    assert not [t for t, _ in tags if t in ("img", "iframe", "b", "svg")]
    assert not [a for _, a in tags if "onmouseover" in a or "onerror" in a or "onload" in a]
    data = json.loads(parse(page).data["json"])
    assert data["text"] == HOSTILE_TEXT


def test_the_article_carries_its_language(harbour_analysis, phrase_analyzer) -> None:
    page = render_html(harbour_analysis)
    assert "language: English (en)" in page
    [article] = [attrs for tag, attrs in parse(page).tags if attrs.get("id") == "article"]
    assert (article["lang"], article["dir"]) == ("en", "auto")
    arabic = render_html(phrase_analyzer([]).analyze(OTHER_TEXTS["ar"]))
    assert 'lang="ar" dir="auto"' in arabic and 'data-code="unsupported_language"' in arabic
    unknown = parse(render_html(phrase_analyzer([]).analyze(NO_LETTERS_TEXT)))
    [article] = [attrs for tag, attrs in unknown.tags if attrs.get("id") == "article"]
    assert "lang" not in article


def test_a_headline_opening_the_text_is_drawn_once(phrase_analyzer) -> None:
    text = "Council Rams Through Fee Hike\nThe council voted on Monday. Critics were angry."
    page = render_html(phrase_analyzer().analyze(text))
    visible = re.sub(r'<h1 class="visually-hidden">.*?</h1>', "", page)
    body = re.sub(r"<(script|title)[^>]*>.*?</\1>", "", visible, flags=re.S)
    assert body.count("Council Rams Through Fee Hike") == 1  # in the article only
    assert '<h1 class="visually-hidden">Council Rams Through Fee Hike</h1>' in page
    # a title given apart from the text is the page heading
    other = render_html(phrase_analyzer().analyze(text, title="Parking fees"))
    assert "<h1>Parking fees</h1>" in other
