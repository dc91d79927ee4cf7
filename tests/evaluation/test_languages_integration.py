"""The rule baseline on the real dev splits of the six languages (skips without the data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.corpora import load_semeval2023
from spinscope.corpora.datapath import find_data_root
from spinscope.corpora.splits import TRAINING_LANGUAGES, corpus_code, dev_ids
from spinscope.detectors.baseline import BaselineDetector
from spinscope.evaluation import APPROXIMATE, EXACT, POOLED, evaluate_languages

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def semeval_root() -> Path:
    root = find_data_root()
    if root is None or not all(
        (root / "semeval2023" / corpus_code(lang)).is_dir() for lang in TRAINING_LANGUAGES
    ):
        pytest.skip("no SemEval-2023 data of the six languages under the data root")
    return root


def test_baseline_on_every_dev_split(semeval_root):
    dev = {
        lang: [
            d for d in load_semeval2023(corpus_code(lang), semeval_root) if d.id in dev_ids(lang)
        ]
        for lang in TRAINING_LANGUAGES
    }
    assert {lang: len(docs) for lang, docs in dev.items()} == {
        "en": 75,
        "fr": 32,
        "de": 26,
        "it": 45,
        "pl": 29,
        "ru": 29,
    }
    figures = evaluate_languages(BaselineDetector().load(), dev)
    en = figures["en"]
    # MODEL_CARD's development figures of the baseline (rules).
    assert round(en["flc"]["f1"], 3) == 0.181
    assert (round(en["st3"]["micro_f1"], 3), round(en["st3"]["macro_f1"], 3)) == (0.351, 0.295)
    assert round(en["tc"]["f1"], 3) == 0.463
    assert en["spans"] == EXACT
    assert all(figures[lang]["spans"] == APPROXIMATE for lang in TRAINING_LANGUAGES[1:])
    assert figures[POOLED]["articles"] == 236
    assert figures[POOLED]["paragraphs"] == sum(figures[lang]["paragraphs"] for lang in dev)
