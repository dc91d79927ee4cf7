"""Fixtures shared across the test packages: articles written for spinscope, fixed detectors."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from analysis_support import HARBOUR_ARTICLE, HARBOUR_PHRASES, PhraseDetector
from spinscope.analyzer import Analyzer
from spinscope.document import Document

#: SPINSCOPE_REQUIRE_ALL=1 (CI) turns every skip but a missing corpus into a failure.
pytest_plugins = ["strict_skips"]


@pytest.fixture
def harbour_text() -> str:
    """The invented harbour article."""
    return HARBOUR_ARTICLE


@pytest.fixture
def phrase_analyzer() -> Callable[..., Analyzer]:
    """Build an :class:`Analyzer` whose detector marks the given phrases."""

    def build(phrases: Sequence[tuple[str, str, float]] = HARBOUR_PHRASES) -> Analyzer:
        return Analyzer(PhraseDetector(phrases)).load()

    return build


@pytest.fixture
def harbour_analysis(phrase_analyzer):  # type: ignore[no-untyped-def]
    """The harbour article analysed with :data:`HARBOUR_PHRASES`."""
    return phrase_analyzer().analyze(Document("harbour", HARBOUR_ARTICLE))


@pytest.fixture(scope="session")
def baseline_analyzer() -> Analyzer:
    """An analyzer with the rule-based baseline (deterministic, no model needed)."""
    return Analyzer("baseline").load()


#: Debian's chromium, driven by Playwright (never ``playwright install``); .ci/run installs it.
CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless chromium (a Playwright ``Browser``); skips when it or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"chromium is not installed ({CHROMIUM} missing): apt-get install -y chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: pip install playwright"
    )
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
