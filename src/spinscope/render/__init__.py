"""Renderings of an :class:`~spinscope.analysis.Analysis`, one module per format.

:mod:`~spinscope.render.terminal` (Rich, or plain text), :mod:`~spinscope.render.json`
(JSON and JSON Lines), :mod:`~spinscope.render.html` (one self-contained page) and
:mod:`~spinscope.render.markdown` (for a fact-check write-up).
"""

from __future__ import annotations

FORMATS: tuple[str, ...] = ("terminal", "json", "jsonl", "html", "markdown")

__all__ = ["FORMATS"]
