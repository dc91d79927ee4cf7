"""Naming report files."""

from __future__ import annotations

from language_support import MIXED_TEXT, NO_LETTERS_TEXT, OTHER_TEXTS, SUPPORTED_TEXTS
from spinscope.render.common import language_line, report_file_name


def test_report_file_names_are_safe_short_and_unique():
    taken: set[str] = set()
    names = [report_file_name(i, taken) for i in ["..", ".", "a/../b", "A", "a", "記" * 120]]
    assert names[:5] == ["article.html", "article-2.html", "a_.._b.html", "A.html", "a-2.html"]
    assert len(names[5].encode("utf-8")) <= 160 and names[5].startswith("記")
    assert not any(n.startswith(".") for n in names)
    # a made-up "-2" never meets a real id of that name
    taken = set()
    assert [report_file_name(i, taken, ".md") for i in ["a", "a", "a-2"]] == [
        "a.md",
        "a-2.md",
        "a-2-2.md",
    ]


def test_language_line(phrase_analyzer) -> None:
    analyze = phrase_analyzer([]).analyze
    assert language_line(analyze(SUPPORTED_TEXTS["de"])) == "German (de)"
    assert language_line(analyze(SUPPORTED_TEXTS["de"], language="pl")) == "Polish (pl, given)"
    assert language_line(analyze(OTHER_TEXTS["ar"])) == "Arabic (ar, not supported)"
    assert language_line(analyze(MIXED_TEXT)) == "French (fr); also English"
    assert language_line(analyze(NO_LETTERS_TEXT)) == "unknown"
