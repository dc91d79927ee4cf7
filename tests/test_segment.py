"""Sentence splitting: runs of "!" and "?" reach nupunkt shortened, offsets unchanged."""

from __future__ import annotations

import pytest

from spinscope import segment
from spinscope.segment import sentences


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Wow!!!! Really???? Yes. No!!!!!", ["Wow!!!!", "Really????", "Yes.", "No!!!!!"]),
        ("What?!?! Go now.", ["What?!?!", "Go now."]),
        ("Shocking!!! Truly.", ["Shocking!!!", "Truly."]),
    ],
)
def test_runs_of_marks_still_end_sentences(text: str, want: list[str]) -> None:
    assert [text[s.start : s.end] for s in sentences(text)] == want


def test_a_long_run_reaches_the_tokenizer_as_one_short_mark_pair(monkeypatch) -> None:
    """nupunkt is quadratic in such a run; what it sees has two marks, at the same offsets."""
    seen: list[str] = []
    real = segment._tokenizer()

    class Recording:
        def span_tokenize(self, line: str):  # type: ignore[no-untyped-def]
            seen.append(line)
            return real.span_tokenize(line)

    monkeypatch.setattr(segment, "_tokenizer", lambda: Recording())
    text = "They lied" + "!" * 50_000 + " Then?" + "?!" * 20_000
    spans = sentences(text)
    assert len(seen) == 1 and len(seen[0]) == len(text)
    assert seen[0].count("!") + seen[0].count("?") == 4
    assert [(s.start, s.end) for s in spans] == [(0, 50_009), (50_010, len(text))]
