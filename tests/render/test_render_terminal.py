from __future__ import annotations

import io

from rich.console import Console

from spinscope.render.terminal import render_terminal, terminal_report


def test_plain_report_marks_spans_with_brackets(harbour_analysis) -> None:
    out = terminal_report(harbour_analysis, width=120)
    assert "\x1b[" not in out  # no escape codes in plain text
    assert "[traitors][3]" in out
    # overlapping spans nest: "shameful" inside "shameful campaign"
    assert "[[shameful][1] campaign][2]" in out
    # quoted spans carry a q
    assert "[disgraceful attack][4q]" in out
    assert all(line == line.rstrip() for line in out.splitlines())


def test_sections(harbour_analysis) -> None:
    out = terminal_report(harbour_analysis, width=120)
    assert "spinscope report · Harbour Council Approves Bridge Plan" in out
    assert "In the author's own words (5)" in out
    assert "Inside quotations (2)" in out
    assert "said by: Mayor Ilse Vandermeer" in out
    assert "Scare quotes (1)" in out
    assert "“Kovarenko” (1×) and “Kovarinko” (1×)" in out
    assert "7 technique spans: 5 in the author's own words, 2 inside quotations." in out
    assert "By category" in out and "By technique" in out
    assert "Most charged sentences" in out
    assert "“bridge plan” ×4" in out
    # every technique found is explained: what, why, example, question
    for title in ("Loaded language", "Casting doubt", "Appeal to fear or prejudice"):
        assert title in out
    assert out.count("Ask yourself:") == 6  # four techniques and two signals


def test_colour_report(harbour_analysis) -> None:
    out = terminal_report(harbour_analysis, width=120, colour=True)
    assert "\x1b[" in out
    assert "Legend:" in out and "Manipulative Wording" in out


def test_render_to_a_console(harbour_analysis) -> None:
    buffer = io.StringIO()
    render_terminal(harbour_analysis, Console(file=buffer, width=90, color_system=None))
    assert "[traitors][3]" in buffer.getvalue()


def test_no_spans(phrase_analyzer, harbour_text: str) -> None:
    a = phrase_analyzer([]).analyze(harbour_text)
    out = terminal_report(a)
    assert "none found" in out
    assert "0 technique spans" in out


def test_the_language_is_one_fact_of_the_header(harbour_analysis) -> None:
    out = terminal_report(harbour_analysis, width=200)
    header = [line for line in out.splitlines() if "detector:" in line]
    assert header and "language: English (en)" in header[0]
