"""Article-level signals: the genre of a piece (opinion, reporting) and the frames it uses.

SemEval-2023 Task 3 subtasks 1 and 2. :mod:`~spinscope.article.features` computes the
features with numpy, :mod:`~spinscope.article.models` runs the shipped models, and
:mod:`~spinscope.article.train` fits and cross-validates them (needs the train extra).
"""

from __future__ import annotations

from spinscope.article.models import (
    ArticleModels,
    ArticlePrediction,
    FrameClassifier,
    GenreClassifier,
    default_article_models_dir,
)

__all__ = [
    "ArticleModels",
    "ArticlePrediction",
    "FrameClassifier",
    "GenreClassifier",
    "default_article_models_dir",
]
