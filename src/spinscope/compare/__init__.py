"""Compare two to four articles about one story: shared facts, what each adds, how each says it.

:func:`compare` returns a :class:`Comparison`; :func:`compare_sources` reads paths, URLs or
standard input first. See :mod:`spinscope.compare.core` for the method.
"""

from __future__ import annotations

from spinscope.compare.core import (
    CROSS_LANGUAGE_THRESHOLD,
    DEFAULT_THRESHOLD,
    align,
    compare,
    compare_sources,
    persuasion_density,
)
from spinscope.compare.encoder import E5Encoder, SentenceEncoder
from spinscope.compare.model import (
    COMPARISON_SCHEMA_VERSION,
    AlignedPair,
    ArticleProfile,
    ComparedArticle,
    Comparison,
    Failure,
    Sentence,
    WordingDifference,
)

__all__ = [
    "COMPARISON_SCHEMA_VERSION",
    "CROSS_LANGUAGE_THRESHOLD",
    "DEFAULT_THRESHOLD",
    "AlignedPair",
    "ArticleProfile",
    "ComparedArticle",
    "Comparison",
    "E5Encoder",
    "Failure",
    "Sentence",
    "SentenceEncoder",
    "WordingDifference",
    "align",
    "compare",
    "compare_sources",
    "persuasion_density",
]
