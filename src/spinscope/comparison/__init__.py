"""Compare two to four articles about one story: shared facts, what each adds, how each says it.

:func:`compare` returns a :class:`Comparison`; :func:`compare_sources` reads paths, URLs or
standard input first. See :mod:`spinscope.comparison.core` for the method.
"""

from __future__ import annotations

from spinscope.comparison.core import (
    CROSS_LANGUAGE_THRESHOLD,
    DEFAULT_THRESHOLD,
    align,
    compare,
    compare_sources,
    persuasion_density,
)
from spinscope.comparison.encoder import E5Encoder, SentenceEncoder
from spinscope.comparison.model import (
    COMPARISON_SCHEMA_VERSION,
    AlignedPair,
    ArticleProfile,
    ComparedArticle,
    Comparison,
    Failure,
    Sentence,
    WordingDifference,
    alignable,
    comparison_schema,
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
    "alignable",
    "compare",
    "compare_sources",
    "comparison_schema",
    "persuasion_density",
]
