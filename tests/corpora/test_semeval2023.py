from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.corpora import (
    load_semeval2023,
    load_st1_gold,
    load_st2_gold,
    load_st3_gold,
    st3_template_rows,
)
from spinscope.errors import DataRootError, SpanOffsetError
from spinscope.segment import paragraphs


def write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def test_loads_spans_paragraph_labels_and_metadata(fake_root: Path) -> None:
    docs = load_semeval2023("en", root=fake_root)
    assert [d.id for d in docs] == ["10", "11"]
    doc = docs[0]
    assert [(doc.span_text(s), s.label) for s in doc.layer("techniques")] == [
        ("evil", "Loaded_Language"),
        ("evil liars", "Name_Calling-Labeling"),
    ]
    para = doc.layer("paragraph_techniques")
    assert {s.label for s in para} == {"Loaded_Language", "Name_Calling-Labeling"}
    assert {s.meta["number"] for s in para} == {3}
    # The paragraph is line 3 without its "\n"; the CR of the CRLF line stays inside.
    assert {doc.span_text(s) for s in para} == {"They are evil liars.\r"}
    assert {s.source for s in (*para, *doc.layer("techniques"))} == {"gold"}
    assert dict(doc.metadata) == {
        "corpus": "semeval2023",
        "lang": "en",
        "genre": "opinion",
        "frames": ["Political", "Morality"],
    }
    assert dict(docs[1].metadata) == {"corpus": "semeval2023", "lang": "en"}
    assert docs[1].layer("paragraph_techniques") == ()


def test_gold_readers(fake_root: Path) -> None:
    assert load_st1_gold("en", fake_root) == {"10": "opinion"}
    assert load_st2_gold("en", fake_root) == {"10": ("Political", "Morality")}
    rows = load_st3_gold("en", fake_root)
    assert rows == [
        ("10", 1, ()),
        ("10", 3, ("Loaded_Language", "Name_Calling-Labeling")),
        ("10", 4, ()),
        ("11", 1, ()),
    ]


def test_template_numbers_match_paragraphs(fake_root: Path) -> None:
    rows = st3_template_rows("en", fake_root)
    assert rows[:3] == [
        ("10", 1, "A title"),
        ("10", 3, "They are evil liars.\r"),
        ("10", 4, "A second one."),
    ]
    for doc in load_semeval2023("en", root=fake_root):
        want = [(doc.id, p.meta["number"], doc.span_text(p)) for p in paragraphs(doc.text)]
        assert [r for r in rows if r[0] == doc.id] == want


def test_unknown_language_lists_what_exists(fake_root: Path) -> None:
    with pytest.raises(DataRootError) as info:
        load_semeval2023("xx", root=fake_root)
    assert "found: en" in str(info.value)


def test_label_for_a_blank_line_is_an_error(fake_root: Path) -> None:
    write(fake_root / "semeval2023/en/train-labels-subtask-3.txt", "10\t2\tDoubt\n")
    with pytest.raises(SpanOffsetError, match="paragraph 2"):
        load_semeval2023("en", root=fake_root)


def test_span_past_the_end(fake_root: Path) -> None:
    spans = fake_root / "semeval2023/en/train-labels-subtask-3-spans/article11-labels-subtask-3.txt"
    write(spans, "11\tDoubt\t0\t500\n")
    with pytest.raises(SpanOffsetError, match=r"article 11 .*\[0, 500\)"):
        load_semeval2023("en", root=fake_root)
    # Lenient loading (the default for other languages) drops and counts such spans.
    docs = load_semeval2023("en", root=fake_root, strict_spans=False)
    assert docs[1].layer("techniques") == ()
    assert docs[1].metadata["span_repairs"] == {"unrepaired": 1}
