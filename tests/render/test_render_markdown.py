from __future__ import annotations

import re

from language_support import OTHER_TEXTS
from spinscope.document import Document
from spinscope.render.markdown import escape_markdown, render_markdown


def test_markdown_report(harbour_analysis) -> None:
    md = render_markdown(harbour_analysis)
    assert md.startswith("## spinscope report: Harbour Council Approves Bridge Plan\n")
    assert "### In the author's own words" in md
    assert "### Inside quotations" in md
    assert "| 3 | traitors | Name calling or labelling | Attack on Reputation | 90% |" in md
    assert "said by Mayor Ilse Vandermeer" in md
    assert "### Scare quotes" in md
    assert "**Casting doubt** (Attack on Reputation):" in md
    assert "*Ask:*" in md


def test_escaping() -> None:
    assert escape_markdown("a *b* [c](d) <script> | e & f") == (
        "a \\*b\\* \\[c\\](d) \\<script\\> \\| e \\& f"
    )
    assert escape_markdown("# heading") == "\\# heading"
    assert escape_markdown("2014. A year") == "2014\\. A year"
    assert escape_markdown("two\nlines") == "two lines"


def test_hostile_article_cannot_inject(phrase_analyzer) -> None:
    text = (
        "Bad news [click](https://evil.example) <img src=x onerror=alert(1)> | cell |\n"
        "# Not a heading\nThe traitors *won* again."
    )
    a = phrase_analyzer(
        [("[click](https://evil.example)", "Slogans", 0.9), ("| cell |", "Slogans", 0.9)]
    ).analyze(Document("x", text))
    md = render_markdown(a)
    assert "[click](" not in md
    assert re.search(r"(?<!\\)<img", md) is None
    assert "| cell |" not in md


def test_markdown_names_the_language(phrase_analyzer) -> None:
    md = render_markdown(phrase_analyzer([]).analyze(OTHER_TEXTS["es"]))
    assert "Language: Spanish (es, not supported)" in md
    assert "This text looks like Spanish (es)" in md  # the warning
