"""Language detection on the SemEval-2023 training articles of the six languages (issue 11's
targets: 99 % of whole articles, 95 % of paragraphs of 100 characters or more, per language).
Skipped where there is no data root."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.corpora.datapath import find_data_root
from spinscope.evaluation.language_id import language_accuracy
from spinscope.signals.language import SUPPORTED_LANGUAGES

pytestmark = pytest.mark.integration

FOLDERS = ("en", "fr", "ge", "it", "po", "ru")


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    root = find_data_root()
    if root is None:
        pytest.skip("no corpus data root: set SPINSCOPE_DATA or put the data in ../shared/data")
    missing = [
        f for f in FOLDERS if not (root / "semeval2023" / f / "train-articles-subtask-3").is_dir()
    ]
    if missing:
        pytest.skip(f"data root {root} lacks semeval2023/{{{','.join(missing)}}}")
    return language_accuracy(Path(root))


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_whole_articles(scores: dict[str, float], lang: str) -> None:
    assert scores[f"n_articles/{lang}"] >= 100
    assert scores[f"article_accuracy/{lang}"] >= 0.99


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_paragraphs_of_100_characters(scores: dict[str, float], lang: str) -> None:
    assert scores[f"n_paragraphs/{lang}"] >= 1000
    assert scores[f"paragraph_accuracy/{lang}"] >= 0.95
