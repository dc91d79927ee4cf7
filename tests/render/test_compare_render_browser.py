"""Open the comparison page in headless Chromium (Debian's ``chromium``): layout, errors, safety.

Skips when chromium or Playwright is missing (the ``browser`` fixture in tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from render_support import HOSTILE_DOC, HOSTILE_PHRASES

from compare_support import STORY_A, STORY_B, STORY_C, story_comparison
from spinscope.render.compare import render_comparison_html

pytestmark = pytest.mark.slow

#: The three cells of the sentence all three stories tell (one row).
SHARED_ROW = ("#s1-5", "#s2-5", "#s3-4")


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    pages: list[Any] = []

    def open_(comparison: Any, width: int, name: str = "compare.html") -> Any:
        path = tmp_path / name
        path.write_text(render_comparison_html(comparison), encoding="utf-8")
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.requests_seen = []
        page.errors_seen = []
        page.on("request", lambda r: page.requests_seen.append(r.url))
        page.on("pageerror", lambda e: page.errors_seen.append(str(e)))
        page.on(
            "console",
            lambda m: m.type in ("error", "warning") and page.errors_seen.append(m.text),
        )
        page.on("dialog", lambda d: (page.errors_seen.append("dialog: " + d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.uri = path.as_uri()
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


def boxes(page: Any, selectors: tuple[str, ...]) -> list[dict[str, float]]:
    return [page.locator(s).bounding_box() for s in selectors]


def test_columns_side_by_side_at_desktop_width(open_page: Any, tmp_path: Path) -> None:
    comparison = story_comparison((STORY_A, STORY_B, STORY_C))
    page = open_page(comparison, 1280)
    assert page.errors_seen == []
    assert page.requests_seen == [page.uri]  # nothing loaded but the page itself
    a, b, c = boxes(page, SHARED_ROW)
    assert abs(a["y"] - b["y"]) < 2 and abs(b["y"] - c["y"]) < 2
    assert a["x"] + a["width"] <= b["x"] + 1 and b["x"] + b["width"] <= c["x"] + 1
    assert page.locator("#aligned thead").is_visible()
    # highlights in their category's colour, the technique in the tooltip
    radicals = page.locator("#s1-3 mark.hl")
    assert radicals.get_attribute("title") == "Name calling or labelling (90%)"
    chaos = page.locator("#s1-5 mark.hl.c5")
    colour = "(e) => getComputedStyle(e).backgroundColor"
    assert radicals.evaluate(colour) != chaos.evaluate(colour) != "rgba(0, 0, 0, 0)"
    page.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)


def test_columns_stack_on_a_narrow_screen(open_page: Any, tmp_path: Path) -> None:
    comparison = story_comparison((STORY_A, STORY_B, STORY_C))
    page = open_page(comparison, 400)
    assert page.errors_seen == []
    a, b, c = boxes(page, SHARED_ROW)
    assert abs(a["x"] - b["x"]) < 2 and abs(b["x"] - c["x"]) < 2
    assert a["y"] + a["height"] <= b["y"] + 1 and b["y"] + b["height"] <= c["y"] + 1
    assert a["width"] > 300  # each sentence takes the screen's width
    # empty cells take no room, and nothing but the profile table scrolls sideways
    assert page.locator("#aligned td.empty").first.is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    # each stacked sentence still says whose it is
    label = page.evaluate("getComputedStyle(document.querySelector('#s2-5'), '::before').content")
    assert label == '"B"'
    page.screenshot(path=str(tmp_path / "narrow.png"), full_page=True)


def test_hostile_article_runs_nothing(open_page: Any) -> None:
    comparison = story_comparison(
        (HOSTILE_DOC, STORY_B),
        HOSTILE_PHRASES,
        labels=['<b id="injected-label">X</b>', 'Y" onclick="window.__pwned = 8'],
        sources=['"><script>window.__pwned = 7</script>', "b.txt"],
    )
    page = open_page(comparison, 1280, "hostile.html")
    for mark in page.locator("mark.hl").all()[:4]:
        mark.hover()
    page.locator("#aligned thead th").last.click()
    page.wait_for_timeout(100)
    assert page.evaluate("window.__pwned") is None
    assert page.errors_seen == []
    for selector in ("#injected-b", "#injected-img", "#injected-iframe", "#injected-label"):
        assert page.locator(selector).count() == 0, selector
    for tag in ("img", "iframe", "svg"):
        assert page.locator(tag).count() == 0, tag
    assert "<script>window.__pwned = 1</script>" in page.locator("#s1-1").inner_text()
    assert page.requests_seen == [page.uri]
