"""spinscope.predict: from detector spans to the rows of each task, with a scripted detector."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope.detectors.base import BaseDetector
from spinscope.document import Document, Span
from spinscope.errors import InputError
from spinscope.predict import (
    FREQUENCY_ORDER,
    predict_rows,
    predict_to_file,
    rank_techniques,
    read_articles,
)
from spinscope.taxonomy import FRAMES, TECHNIQUES

WS_2020 = "Whataboutism,Straw_Men,Red_Herring"


class Scripted(BaseDetector):
    """Returns the spans it was given, whatever the text."""

    name = "scripted"

    def __init__(self, spans: dict[str, list[Span]], choice: str = "Doubt") -> None:
        self.spans = spans
        self.choice = choice

    def predict(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [list(self.spans.get(doc.id, [])) for doc in docs]

    def classify(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[str]:
        return [self.choice for _ in spans]


class Ranking(Scripted):
    """Ranks every span the same way."""

    def __init__(self, order: list[str]) -> None:
        super().__init__({})
        self.order = order

    def rank(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[list[str]]:
        return [list(self.order) for _ in spans]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


DOC = Document("1", "Title\n\nOne two three four five.\r\nSix seven.\n")


def test_si_merges_overlaps_across_techniques_and_drops_empty_spans():
    det = Scripted(
        {
            "1": [
                Span(7, 10, "Doubt"),
                Span(8, 14, "Loaded_Language"),
                Span(20, 20, "Doubt"),
                Span(14, 18, "Slogans"),
            ]
        }
    )
    assert predict_rows("si", [DOC], det) == [("1", 7, 14), ("1", 14, 18)]


def test_flc_merges_only_one_techniques_overlaps():
    det = Scripted(
        {"1": [Span(7, 10, "Doubt"), Span(9, 14, "Doubt"), Span(8, 12, "Loaded_Language")]}
    )
    assert predict_rows("flc", [DOC], det) == [
        ("1", "Doubt", 7, 14),
        ("1", "Loaded_Language", 8, 12),
    ]


def test_semeval2020_maps_and_drops():
    det = Scripted(
        {
            "1": [
                Span(7, 10, "Whataboutism"),
                Span(9, 14, "Straw_Man"),
                Span(20, 25, "Appeal_to_Values"),
                Span(26, 30, "False_Dilemma-No_Choice"),
            ]
        }
    )
    assert predict_rows("flc", [DOC], det, taxonomy="semeval2020") == [
        ("1", WS_2020, 7, 14),
        ("1", "Black-and-White_Fallacy", 26, 30),
    ]
    assert predict_rows("si", [DOC], det, taxonomy="semeval2020") == [
        ("1", 7, 14),
        ("1", 26, 30),
    ]


def test_min_score():
    det = Scripted({"1": [Span(7, 10, "Doubt", 0.2), Span(11, 14, "Doubt", 0.8)]})
    assert predict_rows("si", [DOC], det, min_score=0.5) == [("1", 11, 14)]


def test_st3_paragraphs_get_the_techniques_of_overlapping_spans(tmp_path):
    template = write(
        tmp_path / "t.template",
        "1\t3\tOne two three four five.\r\n1\t1\tTitle\n1\t4\tSix seven.\n",
    )
    # the Slogans span starts on line 3's "\r" and ends inside line 4: it overlaps both
    det = Scripted(
        {
            "1": [
                Span(7, 10, "Slogans"),
                Span(11, 14, "Doubt"),
                Span(31, 36, "Loaded_Language"),
                Span(7, 9, "Doubt"),
            ]
        }
    )
    assert predict_rows("st3", [DOC], det, template=template) == [
        ("1", 3, ("Doubt", "Slogans", "Loaded_Language")),  # taxonomy order
        ("1", 1, ()),
        ("1", 4, ("Loaded_Language",)),
    ]


def test_st3_template_of_another_text(tmp_path):
    template = write(tmp_path / "t.template", "1\t3\tSomething else\n")
    with pytest.raises(InputError, match="does not belong"):
        predict_rows("st3", [DOC], Scripted({}), template=template)
    template = write(tmp_path / "t.template", "1\t30\tSomething else\n")
    with pytest.raises(InputError, match="paragraph 30"):
        predict_rows("st3", [DOC], Scripted({}), template=template)


def test_tc_repeated_spans_get_distinct_ranked_techniques(tmp_path):
    template = write(tmp_path / "t.out", "1\t?\t7\t10\n1\tDoubt\t11\t14\n1\t?\t7\t10\n")
    det = Ranking(["Straw_Man", "Whataboutism", "Doubt", "Loaded_Language"])
    assert predict_rows("tc", [DOC], det, template=template) == [
        ("1", "Straw_Man", 7, 10),
        ("1", "Straw_Man", 11, 14),
        ("1", "Whataboutism", 7, 10),
    ]
    # in 2020 Straw_Man and Whataboutism are one class: the second choice is Doubt
    assert predict_rows("tc", [DOC], det, template=template, taxonomy="semeval2020") == [
        ("1", WS_2020, 7, 10),
        ("1", WS_2020, 11, 14),
        ("1", "Doubt", 7, 10),
    ]


def test_tc_without_rank_uses_classify_then_frequency():
    det = Scripted({}, choice="Loaded_Language")
    (ranked,) = rank_techniques(det, DOC, [(7, 10)], "semeval2023")
    assert ranked[:2] == ["Loaded_Language", "Name_Calling-Labeling"]
    assert sorted(ranked) == sorted(TECHNIQUES) == sorted(FREQUENCY_ORDER)


def test_tc_span_outside_the_article(tmp_path):
    template = write(tmp_path / "t.out", "1\t?\t7\t1000\n")
    with pytest.raises(InputError, match="ends after the article"):
        predict_rows("tc", [DOC], Scripted({}), template=template)


def test_genre_and_framing_rows_come_from_the_article_models():
    (genre,) = predict_rows("st1", [DOC], Scripted({}))
    assert genre[0] == DOC.id and genre[1] in ("opinion", "reporting")
    (frames,) = predict_rows("st2", [DOC], Scripted({}))
    assert frames[0] == DOC.id and set(frames[1]) <= set(FRAMES)


@pytest.mark.parametrize("task", ["st1", "st2"])
def test_genre_and_framing_take_no_template(task, tmp_path):
    template = write(tmp_path / "t.txt", "1\t1\tx\n")
    with pytest.raises(InputError, match="takes no template"):
        predict_rows(task, [DOC], Scripted({}), template=template)


def test_unknown_task_and_taxonomy():
    with pytest.raises(InputError, match="unknown task"):
        predict_rows("st9", [DOC], Scripted({}))
    with pytest.raises(InputError, match="unknown taxonomy"):
        predict_rows("si", [DOC], Scripted({}), taxonomy="semeval2019")


def test_read_articles_keeps_bytes_and_ignores_other_files(tmp_path):
    write(tmp_path / "article2.txt", "\ufeffB\r\n")
    write(tmp_path / "article10.txt", "A\n")
    write(tmp_path / "readme.txt", "no\n")
    write(tmp_path / "article3.txt.bak", "no\n")
    docs = read_articles(tmp_path)
    assert [(d.id, d.text) for d in docs] == [("10", "A\n"), ("2", "\ufeffB\r\n")]


def test_read_articles_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_articles(tmp_path / "nope")
    with pytest.raises(InputError, match="not a folder"):
        read_articles(write(tmp_path / "article1.txt", "x"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"article<ID>\.txt"):
        read_articles(empty)


def test_predict_to_file(tmp_path):
    write(tmp_path / "in" / "article5.txt", "Who would ever believe this? Nobody.\n")
    summary = predict_to_file(
        "si", tmp_path / "in", tmp_path / "out" / "si.txt", detector="baseline"
    )
    assert summary.articles == 1 and summary.detector == "baseline"
    lines = (tmp_path / "out" / "si.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == summary.rows


@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40), st.sampled_from(TECHNIQUES)),
        max_size=12,
    )
)
def test_si_rows_are_sorted_disjoint_and_inside_the_text(raw):
    text = "x" * 40
    spans = [Span(min(a, b), max(a, b), t) for a, b, t in raw]
    rows = predict_rows("si", [Document("d", text)], Scripted({"d": spans}))
    ranges = [(s, e) for _, s, e in rows]
    assert ranges == sorted(ranges)
    assert all(0 <= s < e <= len(text) for s, e in ranges)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ranges))
    covered = {i for s, e in ranges for i in range(s, e)}
    assert covered == {i for sp in spans for i in range(sp.start, sp.end)}
