"""The web page in headless Chromium against a real server: paste, analyse, read, explain.

Skips when chromium or Playwright is missing (the ``browser`` fixture, tests/conftest.py);
``.ci/run`` installs both.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from serve_support import ARTICLE, Server, start_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Server:
    server = start_server(tmp_path_factory.mktemp("browser"), "--detector", "baseline")
    yield server
    server.stop_cleanly()


@pytest.fixture
def page(browser: Any, server: Server) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.seen = {"requests": [], "errors": [], "console": []}
    page.on("request", lambda r: page.seen["requests"].append(r.url))
    page.on("pageerror", lambda e: page.seen["errors"].append(str(e)))
    page.on(
        "console",
        lambda m: page.seen["console"].append(m.text) if m.type in ("error", "warning") else None,
    )
    yield page
    page.close()


def test_paste_analyze_and_open_an_explanation(page: Any, server: Server) -> None:
    page.goto(server.url + "/")
    page.get_by_label("Paste its text").fill(ARTICLE)
    page.get_by_role("button", name="Analyze").click()
    page.wait_for_url(re.compile(r".*/a/[A-Za-z0-9_-]{12}$"))
    marks = page.locator("mark.hl")
    marks.first.wait_for(state="visible")
    assert marks.count() >= 3
    # open an explanation by clicking a highlight
    marks.first.click()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert "Ask:" in tip.inner_text() and "confidence" in tip.inner_text()
    # the summary and the category filter are there, as in the HTML report
    assert page.locator("#summary-title").is_visible()
    first_category = page.locator(".controls input[data-category]").first
    first_category.uncheck()
    # the permalink serves the same page again, and the history lists it
    permalink = page.url
    page.get_by_role("link", name="History").click()
    page.wait_for_url(server.url + "/history")
    assert page.locator(f'a[href="{permalink.removeprefix(server.url)}"]').count() == 1
    # nothing loaded from elsewhere, no script errors, no policy violations
    assert all(url.startswith(server.url) for url in page.seen["requests"]), page.seen
    assert page.seen["errors"] == [] and page.seen["console"] == [], page.seen


def test_keyboard_only_and_an_error_message(page: Any, server: Server) -> None:
    page.goto(server.url + "/")
    # the first Tab reaches the skip link, which jumps to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.locator("#text").focus()
    page.keyboard.type("   ")
    page.locator("#save").focus()
    page.keyboard.press("Enter")  # Enter in a form submits it
    alert = page.get_by_role("alert")
    alert.wait_for(state="visible")
    assert "empty" in alert.inner_text()
    # tab onto a highlight of a report and open its explanation with the keyboard
    page.locator("#text").fill(ARTICLE)
    page.locator("#save").uncheck()
    page.get_by_role("button", name="Analyze").press("Enter")
    mark = page.locator("mark.hl").first
    mark.wait_for(state="visible")
    mark.focus()
    page.keyboard.press("Enter")
    page.locator("#tip").wait_for(state="visible")
    assert page.seen["errors"] == [], page.seen
    # the only console message: the browser noting the 422 of the empty form
    assert all("422" in m for m in page.seen["console"]), page.seen


def test_api_docs_render_offline(page: Any, server: Server) -> None:
    """Swagger UI draws the app's OpenAPI 3.1 document, with nothing loaded from elsewhere."""
    page.goto(server.url + "/docs")
    page.locator(".opblock").first.wait_for(state="visible")
    assert page.locator(".opblock-summary-path", has_text="/v1/analyze").count() >= 1
    assert all(url.startswith(server.url) for url in page.seen["requests"]), page.seen
    # under the page's Content-Security-Policy: no violations, no script errors
    assert page.seen["errors"] == [] and page.seen["console"] == [], page.seen
