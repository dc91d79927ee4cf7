"""Open the HTML report in headless Chromium (Debian's ``chromium``) and use it as a reader would.

Skips when chromium or Playwright is missing; ``.ci/run`` installs both. Playwright drives the
system browser: ``playwright install`` is never needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from render_support import HOSTILE_DOC, HOSTILE_PHRASES, HOSTILE_TEXT

from analysis_support import tiered_analysis
from spinscope.render.html import render_html

pytestmark = pytest.mark.slow

# The ``browser`` fixture (headless chromium, skipped when missing) is in tests/conftest.py.


@pytest.fixture
def open_report(browser: Any, tmp_path: Path) -> Iterator[Any]:
    pages: list[Any] = []

    def open_(analysis: Any, name: str = "report.html") -> Any:
        path = tmp_path / name
        path.write_text(render_html(analysis), encoding="utf-8")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.requests_seen = []
        page.errors_seen = []
        page.on("request", lambda r: page.requests_seen.append(r.url))
        page.on("pageerror", lambda e: page.errors_seen.append(str(e)))
        page.on("dialog", lambda d: (page.errors_seen.append("dialog: " + d.message), d.dismiss()))
        page.goto(path.as_uri())
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


def test_highlights_and_tooltip(open_report, harbour_analysis, tmp_path: Path) -> None:
    page = open_report(harbour_analysis)
    marks = page.locator("mark.hl")
    assert marks.count() >= len(harbour_analysis.spans)
    traitors = page.locator("mark.hl", has_text="traitors")
    assert "c0" in traitors.get_attribute("class")  # Attack on Reputation
    # hover shows the explanation
    traitors.hover()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert "Name calling or labelling" in tip.inner_text()
    assert "Ask:" in tip.inner_text() and "confidence 90%" in tip.inner_text()
    page.screenshot(path=str(tmp_path / "hover.png"))
    # only the page itself was requested, and no script failed
    assert page.requests_seen == [(tmp_path / "report.html").as_uri()]
    assert page.errors_seen == []


def test_keyboard_focus_and_click(open_report, harbour_analysis) -> None:
    page = open_report(harbour_analysis)
    page.keyboard.press("Tab")  # the first category checkbox
    for _ in range(40):
        if page.evaluate("document.activeElement.tagName") == "MARK":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "MARK"
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    # a click pins the tooltip; the close button unpins it
    quoted = page.locator("mark.hl", has_text="disgraceful attack")
    quoted.click()
    tip.wait_for(state="visible")
    assert "inside a quotation (said by Mayor Ilse Vandermeer)" in tip.inner_text()
    page.mouse.move(5, 5)
    assert tip.is_visible()
    # dispatched, not clicked: a real pointer left over a highlight would rightly show it again
    page.locator("#tip button.close").dispatch_event("click")
    tip.wait_for(state="hidden")


def test_overlapping_spans_show_both(open_report, harbour_analysis) -> None:
    page = open_report(harbour_analysis)
    overlap = page.locator("mark.hl.overlap").first
    overlap.hover()
    text = page.locator("#tip").inner_text()
    assert "Loaded language" in text and "Name calling or labelling" in text


def test_category_filter(open_report, harbour_analysis) -> None:
    page = open_report(harbour_analysis)
    traitors = page.locator("mark.hl", has_text="traitors")
    page.locator('input[data-category="Attack on Reputation"]').uncheck()
    assert "off" in traitors.get_attribute("class")
    assert traitors.get_attribute("tabindex") == "-1"
    assert page.locator('.spanlist li[data-span="2"]').is_hidden()
    page.locator('input[data-category="Attack on Reputation"]').check()
    assert "off" not in traitors.get_attribute("class")
    page.locator("#show-quoted").uncheck()
    assert "off" in page.locator("mark.hl", has_text="disgraceful attack").get_attribute("class")


def test_two_tiers_look_different_and_the_coverage_note_is_visible(open_report) -> None:
    page = open_report(tiered_analysis(), "tiers.html")
    likely = page.locator("mark.hl", has_text="traitors")
    possible = page.locator("mark.hl", has_text="outrageous")
    assert "possible" in possible.get_attribute("class")
    style = (
        "(e) => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderBottomStyle]; }"
    )
    likely_bg, _ = likely.evaluate(style)
    possible_bg, possible_border = possible.evaluate(style)
    assert likely_bg != possible_bg and possible_bg == "rgba(0, 0, 0, 0)"
    assert possible_border == "dashed"
    possible.hover()
    assert "possible (less certain" in page.locator("#tip").inner_text()
    page.locator("#show-possible").uncheck()
    assert "off" in possible.get_attribute("class")
    assert "off" not in likely.get_attribute("class")
    coverage = page.locator("#coverage")
    assert coverage.is_visible()
    assert "can find 3 of the 23 techniques" in coverage.inner_text()
    assert page.errors_seen == []
    # with nothing found, the note sits above the article, highlighted
    empty = open_report(tiered_analysis("The council met on Monday. It voted.\n"), "none.html")
    note = empty.locator("#coverage.prominent")
    assert note.is_visible()
    box, article = note.bounding_box(), empty.locator("#article").bounding_box()
    assert box["y"] < article["y"]
    assert "No technique was found with confidence" in note.inner_text()


def test_hostile_article_stays_text(open_report, phrase_analyzer, tmp_path: Path) -> None:
    analysis = phrase_analyzer(HOSTILE_PHRASES).analyze(HOSTILE_DOC)
    page = open_report(analysis, "hostile.html")
    for mark in page.locator("mark.hl").all()[:3]:
        mark.hover()
    page.wait_for_timeout(100)
    assert page.evaluate("window.__pwned") is None
    assert page.errors_seen == []
    for selector in ("#injected-b", "#injected-img", "#injected-iframe", "svg", "img", "iframe"):
        assert page.locator(selector).count() == 0, selector
    article = page.locator("#article").inner_text()
    assert "<script>window.__pwned = 1</script>" in article
    assert "</style><b" in article
    assert page.title().startswith("spinscope report: </title><script>")
    assert (
        page.evaluate("JSON.parse(document.getElementById('spinscope-data').textContent).text")
        == HOSTILE_TEXT
    )
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
