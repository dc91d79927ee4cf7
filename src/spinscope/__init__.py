"""spinscope: show a reader how a news article tries to persuade them.

Comparing articles (:func:`compare`, :func:`compare_sources`, :class:`Comparison`, from
:mod:`spinscope.comparison`) and reading a batch run into pandas (:func:`read_batch`, from
:mod:`spinscope.dataframes`) are imported on first use, so that ``import spinscope`` stays light.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from spinscope.analysis import ANALYSIS_SCHEMA_VERSION, Analysis
from spinscope.analyzer import Analyzer, analyze, load
from spinscope.document import SCHEMA_VERSION, Document, Span
from spinscope.errors import SpinscopeError
from spinscope.explanations import Explanation, explain
from spinscope.signals.language import SUPPORTED_LANGUAGES
from spinscope.taxonomy import CATEGORIES, TECHNIQUES, TECHNIQUES_2020

__version__ = "0.1.0"

__all__ = [
    "ANALYSIS_SCHEMA_VERSION",
    "CATEGORIES",
    "SCHEMA_VERSION",
    "SUPPORTED_LANGUAGES",
    "TECHNIQUES",
    "TECHNIQUES_2020",
    "Analysis",
    "Analyzer",
    "Comparison",
    "Document",
    "Explanation",
    "Span",
    "SpinscopeError",
    "__version__",
    "analyze",
    "compare",
    "compare_sources",
    "explain",
    "load",
    "read_batch",
]

if TYPE_CHECKING:
    from spinscope.comparison import Comparison
    from spinscope.dataframes import BatchTables


def compare(articles: Sequence[Any], **options: Any) -> Comparison:
    """Compare two to four articles about one story (see :func:`spinscope.comparison.compare`).

    ``articles`` are texts, :class:`Document` or :class:`Analysis` objects; ``options`` are
    those of :func:`spinscope.comparison.compare` (``analyzer``, ``encoder``, ``labels``,
    ``threshold``, ...).
    """
    from spinscope.comparison import compare as run

    return run(articles, **options)


def compare_sources(sources: Sequence[str], **options: Any) -> Comparison:
    """Read paths, URLs or ``-`` and compare them (:func:`spinscope.comparison.compare_sources`)."""
    from spinscope.comparison import compare_sources as run

    return run(sources, **options)


def read_batch(out: str | os.PathLike[str], *, text: bool = True) -> BatchTables:
    """The documents and spans tables of a ``spinscope batch`` run, as pandas DataFrames.

    Returns ``BatchTables(documents, spans)`` (see :func:`spinscope.dataframes.read_batch`);
    ``text=False`` leaves out the documents' text. Needs the ``pandas`` extra.
    """
    from spinscope.dataframes import read_batch as run

    return run(out, text=text)


def __getattr__(name: str) -> Any:
    """:class:`Comparison`, imported on first use."""
    if name == "Comparison":
        from spinscope.comparison import Comparison as found

        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
