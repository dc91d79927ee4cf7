"""The shared example article (real state-media text, never committed): read from ../shared.

Skips when the file is not there (CI clones hold only the repository).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.analyzer import Analyzer
from spinscope.render.html import render_html
from spinscope.render.terminal import terminal_report
from spinscope.tagger.model import default_model_dir

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "examples"


@pytest.fixture(scope="module")
def example() -> str:
    found = sorted(EXAMPLES.glob("*.txt")) if EXAMPLES.is_dir() else []
    if not found:
        pytest.skip(
            f"no example article in {EXAMPLES}: the shared data beside the checkout "
            "(with the corpora's data root) is not redistributed"
        )
    if not (default_model_dir() / "model.onnx").is_file():
        pytest.skip("the shipped model is not installed")
    return found[0].read_text(encoding="utf-8")


@pytest.mark.integration
def test_the_example_article_has_a_coverage_statement_and_possible_spans(example: str) -> None:
    a = Analyzer(article_models=False).analyze(example)
    assert a.coverage is not None and a.coverage.found
    assert a.to_dict()["coverage"]["summary"] in " ".join(terminal_report(a, width=300).split())
    assert 'id="coverage"' in render_html(a)
    assert a.likely_spans, "the shipped model finds nothing in a propaganda article"
    assert a.possible_spans
    assert a.detector.threshold is not None and a.detector.possible_floor is not None
