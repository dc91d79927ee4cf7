"""Signals about an article that are not persuasion techniques.

Each module finds one thing a reader should know when judging the techniques found:
:mod:`~spinscope.signals.quotes` (quoted speech, its speaker, scare quotes),
:mod:`~spinscope.signals.names` (a name spelled two ways) and
:mod:`~spinscope.signals.language` (the article's language, mixed or unsupported languages,
text too short to judge).
"""

from __future__ import annotations

#: The most occurrences a signal lists with their offsets; its ``count`` says how many there
#: are in all. A degenerate text ("ab ab ab …" for 160,000 characters) would otherwise list
#: every one of tens of thousands, and the report would be 40 times the size of the text.
LISTED_OCCURRENCES = 50
