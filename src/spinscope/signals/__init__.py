"""Signals about an article that are not persuasion techniques.

Each module finds one thing a reader should know when judging the techniques found:
:mod:`~spinscope.signals.quotes` (quoted speech, its speaker, scare quotes),
:mod:`~spinscope.signals.names` (a name spelled two ways) and
:mod:`~spinscope.signals.language` (the article's language, mixed or unsupported languages,
text too short to judge).
"""

from __future__ import annotations
