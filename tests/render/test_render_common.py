"""Naming report files."""

from __future__ import annotations

from spinscope.render.common import report_file_name


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
