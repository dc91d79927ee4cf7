from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.document import Document, Span
from spinscope.tidy import tidy_spans

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HEADLINE = "Shocking betrayal of the people\nThe minister's plan is a disgrace. Voters are angry.\n"


def tidy(text: str, *spans: tuple[int, int]) -> list[str]:
    doc = Document("t", text)
    found = tidy_spans(text, [Span(s, e, "Loaded_Language", 0.5) for s, e in spans], doc.sentences)
    return [text[s.start : s.end] for s in found]


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def test_a_span_is_cut_at_the_line_break_and_the_sentence_end() -> None:
    start, _ = at(HEADLINE, "betrayal")
    _, end = at(HEADLINE, "Voters are")
    assert tidy(HEADLINE, (start, end)) == [
        "betrayal of the people",
        "The minister's plan is a disgrace.",
        "Voters are",
    ]


def test_spaces_at_the_ends_are_trimmed() -> None:
    s, e = at(HEADLINE, " a disgrace")
    assert tidy(HEADLINE, (s, e + 1)) == ["a disgrace."]


@pytest.mark.parametrize(
    ("text", "phrase", "want"),
    [
        ("It was “circus show” again.", "“circus show", "“circus show”"),
        ("It was “a circus show” again.", "circus show”", "“a circus show”"),
        ('They called it shocking" news.', 'shocking"', "shocking"),
        (
            "They were “peaceful protesters who burned cars, shops and half the town” he said.",
            "“peaceful",
            "peaceful",
        ),
        ("We trust the voters’ judgement.", "voters’", "voters’"),
    ],
)
def test_quotation_marks_come_in_pairs(text: str, phrase: str, want: str) -> None:
    assert tidy(text, at(text, phrase)) == [want]


@pytest.mark.parametrize("word", ["Our", "the", "Nous", "unsere", "и", "questo"])
def test_single_function_words_are_not_spans(word: str) -> None:
    text = f"{word} leaders failed again."
    assert tidy(text, at(text, word)) == []


def test_punctuation_only_and_duplicates_vanish() -> None:
    text = "Enough! Enough of this."
    s, _ = at(text, "!")
    assert tidy(text, (s, s + 1)) == []
    assert tidy(text, at(text, "Enough of this"), at(text, "Enough of this")) == ["Enough of this"]


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab “”\"'.,!?\n«»")), min_size=1, max_size=80),
    data=st.data(),
)
def test_tidy_spans_are_inside_and_clean(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    doc = Document("t", text)
    for span in tidy_spans(text, [Span(start, end, "Doubt", 0.3)], doc.sentences):
        piece = text[span.start : span.end]
        assert 0 <= span.start < span.end <= len(text)
        assert "\n" not in piece and piece == piece.strip()
        assert any(ch.isalnum() for ch in piece)


def test_shipped_model_spans_are_tidy() -> None:
    import spinscope

    analyzer = spinscope.load(threshold=0.05)
    texts = [HEADLINE * 3, (EXAMPLES / "city-council.txt").read_text(encoding="utf-8")]
    for text in texts:
        for span in analyzer.analyze(text).spans:
            assert "\n" not in span.text and span.text == span.text.strip(), span
            for opener, closer in (("“", "”"), ("«", "»")):
                assert span.text.count(opener) == span.text.count(closer), span
