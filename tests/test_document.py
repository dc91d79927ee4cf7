from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope.document import SCHEMA_VERSION, Document, Span
from spinscope.errors import InputError, SpanOffsetError


def test_span_is_frozen_sortable_and_hashable() -> None:
    a, b = Span(5, 9, "Doubt", 0.4), Span(1, 3, "Loaded_Language")
    assert sorted([a, b]) == [b, a]
    assert len({a, Span(5, 9, "Doubt", 0.4)}) == 1
    with pytest.raises(AttributeError):
        a.start = 2  # type: ignore[misc]
    assert len(a) == 4 and a.overlaps(Span(8, 12)) and not a.overlaps(Span(9, 12))


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (5, 4)])
def test_invalid_span_offsets_are_refused(start: int, end: int) -> None:
    with pytest.raises(SpanOffsetError):
        Span(start, end)


def test_document_keeps_text_exactly_and_sorts_layers() -> None:
    text = "\ufeffTitle\r\n\nBody  text.\n"
    doc = Document("7", text, {"source": "x"}, {"t": [Span(6, 10, "b"), Span(1, 6, "a")]})
    assert doc.text == text
    assert [s.label for s in doc.layer("t")] == ["a", "b"]
    assert doc.layer("missing") == ()
    with pytest.raises(TypeError):
        doc.metadata["source"] = "y"  # type: ignore[index]


def test_span_past_the_text_names_article_and_span() -> None:
    with pytest.raises(SpanOffsetError, match=r"article '9'.*\[3, 20\)"):
        Document("9", "short", layers={"techniques": [Span(3, 20, "Doubt")]})


def test_with_layer_returns_a_new_document() -> None:
    doc = Document("1", "abc def")
    new = doc.with_layer("x", [Span(0, 3, "a")])
    assert doc.layer("x") == () and new.layer("x") == (Span(0, 3, "a"),)


def test_json_round_trip_has_schema_version() -> None:
    doc = Document(
        "1", "Hello, world.\nBye.", {"k": [1, 2]}, {"s": [Span(0, 5, "x", 0.5, "t", {"r": "q"})]}
    )
    data = json.loads(doc.to_json())
    assert data["schema_version"] == SCHEMA_VERSION
    back = Document.from_json(doc.to_json())
    assert back == doc and back.metadata == doc.metadata
    assert back.layer("s")[0].meta == {"r": "q"}


def test_newer_schema_is_refused_with_a_clear_message() -> None:
    data = Document("1", "x").to_dict() | {"schema_version": SCHEMA_VERSION + 1}
    with pytest.raises(InputError, match="schema_version"):
        Document.from_dict(data)


@given(st.text(max_size=200), st.data())
def test_any_valid_spans_round_trip_through_json(text: str, data: st.DataObject) -> None:
    n = len(text)
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)), max_size=8))
    spans = [Span(min(a, b), max(a, b), "L", 0.5) for a, b in pairs]
    doc = Document("p", text, layers={"techniques": spans})
    back = Document.from_json(doc.to_json())
    assert back.layer("techniques") == tuple(sorted(spans))
    for s in back.layer("techniques"):
        assert 0 <= s.start <= s.end <= len(back.text)


def test_paragraphs_and_sentences_come_from_the_text() -> None:
    doc = Document("1", "Title\n\nFirst one. Second one!\n  \nLast")
    assert [(p.meta["number"], doc.span_text(p)) for p in doc.paragraphs] == [
        (1, "Title"),
        (3, "First one. Second one!"),
        (5, "Last"),
    ]
    assert [doc.span_text(s) for s in doc.sentences] == [
        "Title",
        "First one.",
        "Second one!",
        "Last",
    ]
