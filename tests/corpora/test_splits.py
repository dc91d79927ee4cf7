from __future__ import annotations

import random
from pathlib import Path

import pytest

from spinscope.corpora import ptc_dev_ids
from spinscope.corpora.semeval2023 import semeval2023_article_paths
from spinscope.corpora.splits import (
    TRAINING_LANGUAGES,
    corpus_code,
    dev_ids,
    iso_code,
    split_by_dev,
)
from spinscope.document import Document
from spinscope.errors import InputError

SIZES = {"en": 75, "fr": 32, "de": 26, "it": 45, "pl": 29, "ru": 29}


def test_committed_lists_have_their_sizes() -> None:
    assert {lang: len(dev_ids(lang)) for lang in TRAINING_LANGUAGES} == SIZES
    # ids are unique across languages, so one id names one article
    every = [i for lang in TRAINING_LANGUAGES for i in dev_ids(lang)]
    assert len(every) == len(set(every))


def test_codes() -> None:
    assert corpus_code("de") == "ge" and corpus_code("pl") == "po" and corpus_code("ru") == "ru"
    assert iso_code("ge") == "de" and iso_code("po") == "pl" and iso_code("en") == "en"
    assert dev_ids("ge") == dev_ids("de")
    with pytest.raises(InputError, match="en, fr, de, it, pl, ru"):
        dev_ids("es")


def test_split_by_dev() -> None:
    some = sorted(dev_ids("fr"))[:2]
    docs = [Document(i, "x") for i in [*some, "not-a-dev-id"]]
    train, dev = split_by_dev(docs, "fr")
    assert [d.id for d in dev] == some and [d.id for d in train] == ["not-a-dev-id"]


@pytest.mark.integration
def test_lists_are_the_documented_draw(real_root: Path) -> None:
    assert dev_ids("en") == ptc_dev_ids(real_root)
    for lang in TRAINING_LANGUAGES[1:]:
        ids = sorted(semeval2023_article_paths(corpus_code(lang), real_root))
        drawn = random.Random(f"spinscope-dev-{corpus_code(lang)}").sample(
            ids, round(0.2 * len(ids))
        )
        assert dev_ids(lang) == frozenset(drawn), lang
