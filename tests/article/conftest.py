"""Article-model fixtures: a model folder trained in seconds on the hand-written articles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from article_support import ARTICLES

from spinscope.taxonomy import FRAMES


@pytest.fixture(scope="session")
def tiny_data():  # type: ignore[no-untyped-def]
    """The hand-written articles as :class:`~spinscope.article.train.ArticleData`."""
    from spinscope.article.train import ArticleData

    return ArticleData(
        tuple(f"a{i}" for i in range(len(ARTICLES))),
        tuple(text for _, _, text in ARTICLES),
        tuple(genre for genre, _, _ in ARTICLES),
        np.array([[f in frames for f in FRAMES] for _, frames, _ in ARTICLES], dtype=np.int_),
    )


@pytest.fixture(scope="session")
def tiny_run(tiny_data, tmp_path_factory) -> tuple[dict, Path]:  # type: ignore[no-untyped-def]
    """A TF-IDF-only training run on the hand-written articles: (report, output folder)."""
    pytest.importorskip("sklearn")
    from spinscope.article.train import TrainSettings, train_article_models

    out = tmp_path_factory.mktemp("article-run")
    report = train_article_models(
        tiny_data, None, out, settings=TrainSettings(folds=3, repeats=1, min_df=1)
    )
    return report, out
