"""Renderings of an :class:`~spinscope.analysis.Analysis`, one module per format.

:mod:`~spinscope.render.terminal` (Rich, or plain text), :mod:`~spinscope.render.json`
(JSON and JSON Lines), :mod:`~spinscope.render.html` (one self-contained page) and
:mod:`~spinscope.render.markdown` (for a fact-check write-up).
"""

from __future__ import annotations

from collections.abc import Sequence

from spinscope.analysis import Analysis
from spinscope.errors import InputError

#: The formats of ``spinscope analyze --format``.
FORMATS: tuple[str, ...] = ("terminal", "json", "jsonl", "html", "markdown")

__all__ = ["FORMATS", "render_text"]


def render_text(fmt: str, analyses: Sequence[Analysis]) -> str:
    """Render ``analyses`` into one stream of ``fmt`` (any format but ``html``).

    ``json`` gives one object for one analysis and an array for several; ``jsonl`` one line
    each; ``markdown`` and ``terminal`` (plain text) join reports with a rule.
    """
    if fmt == "json":
        from spinscope.render.json import render_json

        return render_json(analyses[0] if len(analyses) == 1 else analyses)
    if fmt == "jsonl":
        from spinscope.render.json import render_jsonl

        return render_jsonl(analyses)
    if fmt == "markdown":
        from spinscope.render.markdown import render_markdown

        return "\n---\n\n".join(render_markdown(a) for a in analyses)
    if fmt == "terminal":
        from spinscope.render.terminal import terminal_report

        return ("\n" + "=" * 100 + "\n\n").join(terminal_report(a) for a in analyses)
    if fmt == "html":
        from spinscope.render.html import render_html

        if len(analyses) != 1:
            raise InputError("an HTML report holds one article; render each one on its own")
        return render_html(analyses[0])
    raise InputError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
