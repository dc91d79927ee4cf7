"""spinscope: show a reader how a news article tries to persuade them."""

from __future__ import annotations

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
    "Document",
    "Explanation",
    "Span",
    "SpinscopeError",
    "__version__",
    "analyze",
    "explain",
    "load",
]
