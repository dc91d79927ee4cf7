"""Fixtures shared across the test packages: articles written for spinscope, fixed detectors."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from analysis_support import HARBOUR_ARTICLE, HARBOUR_PHRASES, PhraseDetector
from spinscope.analyzer import Analyzer
from spinscope.document import Document


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
