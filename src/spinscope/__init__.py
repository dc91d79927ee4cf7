"""spinscope: show a reader how a news article tries to persuade them."""

from __future__ import annotations

from spinscope.document import SCHEMA_VERSION, Document, Span
from spinscope.errors import SpinscopeError
from spinscope.taxonomy import CATEGORIES, TECHNIQUES, TECHNIQUES_2020

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "SCHEMA_VERSION",
    "TECHNIQUES",
    "TECHNIQUES_2020",
    "Document",
    "Span",
    "SpinscopeError",
    "__version__",
]
