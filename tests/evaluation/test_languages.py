"""spinscope.evaluation: per-language and pooled dev figures on hand-written documents.

Two languages whose first articles share the id "1" (pooling must keep them apart); the French
article has a CRLF line, whose "\\r" stays in its paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from spinscope.detectors.base import BaseDetector
from spinscope.document import Document, Span
from spinscope.errors import InputError
from spinscope.evaluation import APPROXIMATE, EXACT, POOLED, evaluate_languages, st3_gold_rows
from spinscope.segment import paragraphs

LL, NC = "Loaded_Language", "Name_Calling-Labeling"


class PhraseDetector(BaseDetector):
    """Marks each phrase with one technique; classifies every span as Loaded_Language."""

    name = "phrases"

    def __init__(self, phrases: dict[str, str]) -> None:
        self.phrases = phrases
        self.seen: list[Document] = []

    def predict(self, docs: Sequence[Document]) -> list[list[Span]]:
        self.seen.extend(docs)
        return [
            sorted(
                Span(m.start(), m.end(), technique, 0.5, self.name, {})
                for phrase, technique in self.phrases.items()
                for m in re.finditer(re.escape(phrase), doc.text)
            )
            for doc in docs
        ]

    def classify(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[str]:
        return [LL for _ in spans]


def gold_doc(
    doc_id: str,
    text: str,
    spans: list[tuple[str, int, int]],
    paragraph_labels: dict[int, list[str]],
) -> Document:
    lines = {p.meta["number"]: p for p in paragraphs(text)}
    para_spans = [
        Span(lines[n].start, lines[n].end, t, source="gold", meta={"number": n})
        for n, techniques in paragraph_labels.items()
        for t in techniques
    ]
    return Document(
        doc_id,
        text,
        {"lang": "x"},
        {
            "techniques": tuple(Span(s, e, t, source="gold") for t, s, e in spans),
            "paragraph_techniques": tuple(para_spans),
        },
    )


# en "1": paragraphs 1 "Evil plan" [0, 9) and 3 "They are liars." [11, 26).
EN = [
    gold_doc("1", "Evil plan\n\nThey are liars.\n", [(LL, 0, 4), (NC, 20, 25)], {1: [LL], 3: [NC]})
]
# fr "1": paragraphs 1 "Un plan honteux.\r" [0, 17) and 2 "Rien." [18, 23); "2": one paragraph.
FR = [
    gold_doc("1", "Un plan honteux.\r\nRien.\n", [(LL, 8, 15)], {1: [LL]}),
    gold_doc("2", "Calme.", [], {}),
]
# "Evil" is right, "liars" has the wrong technique, "plan honteux" [3, 15) covers the gold
# "honteux" [8, 15) and 5 characters more.
PHRASES = {"Evil": LL, "liars": LL, "plan honteux": LL}


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, object]]:
    return evaluate_languages(PhraseDetector(PHRASES), {"en": EN, "fr": FR})


def test_gold_paragraph_rows_cover_every_paragraph():
    assert st3_gold_rows(FR) == [("1", 1, (LL,)), ("1", 2, ()), ("2", 1, ())]


def test_english(figures):
    en = figures["en"]
    assert (en["articles"], en["paragraphs"], en["gold_spans"], en["spans"]) == (1, 2, 2, EXACT)
    # FLC: 2 predicted spans, one exact match; 2 gold spans, one found.
    assert en["flc"]["precision"] == pytest.approx(1 / 2)
    assert en["flc"]["recall"] == pytest.approx(1 / 2)
    assert en["flc"]["f1"] == pytest.approx(1 / 2)
    assert en["flc"][f"f1/{LL}"] == pytest.approx(2 / 3)  # P 1/2, R 1
    assert en["flc"][f"f1/{NC}"] == 0
    assert (en["techniques_predicted"], en["techniques_scored"]) == (1, 1)
    # st3: paragraph 1 {LL} vs {LL}; paragraph 3 {NC} vs {LL}: tp 1, fp 1, fn 1.
    assert en["st3"]["micro_f1"] == pytest.approx(1 / 2)
    assert en["st3"]["macro_f1"] == pytest.approx((21 + 2 / 3) / 23)
    # TC: both gold spans classified Loaded_Language, one right.
    assert en["tc"]["f1"] == pytest.approx(1 / 2)


def test_french_is_marked_approximate_and_scores_partial_overlap(figures):
    fr = figures["fr"]
    assert (fr["articles"], fr["paragraphs"], fr["gold_spans"], fr["spans"]) == (
        2,
        3,
        1,
        APPROXIMATE,
    )
    # One predicted span of 12 characters covering the 7-character gold span.
    assert fr["flc"]["precision"] == pytest.approx(7 / 12)
    assert fr["flc"]["recall"] == pytest.approx(1)
    assert fr["flc"]["f1"] == pytest.approx(14 / 19)
    assert (fr["techniques_predicted"], fr["techniques_scored"]) == (1, 1)
    assert fr["st3"]["micro_f1"] == pytest.approx(1)
    assert fr["st3"]["macro_f1"] == pytest.approx(1)  # labels absent from both sides score 1
    assert fr["tc"]["f1"] == pytest.approx(1)


def test_pooled_keeps_equal_ids_of_two_languages_apart(figures):
    pooled = figures[POOLED]
    assert list(figures) == ["en", "fr", POOLED]
    assert (pooled["articles"], pooled["paragraphs"], pooled["gold_spans"]) == (3, 5, 3)
    assert pooled["spans"] == APPROXIMATE
    # FLC: precision sums 1 + 0 + 7/12 over 3 spans; recall sums 1 + 0 + 1 over 3 gold spans.
    p, r = (19 / 12) / 3, 2 / 3
    assert pooled["flc"]["precision"] == pytest.approx(p)
    assert pooled["flc"]["recall"] == pytest.approx(r)
    assert pooled["flc"]["f1"] == pytest.approx(2 * p * r / (p + r))
    # st3: tp 2, fp 1, fn 1 over the 5 paragraphs.
    assert pooled["st3"]["micro_f1"] == pytest.approx(2 / 3)
    assert pooled["st3"]["macro_f1"] == pytest.approx((21 + 4 / 5) / 23)
    assert pooled["tc"]["f1"] == pytest.approx(2 / 3)


def test_detector_sees_text_only():
    detector = PhraseDetector(PHRASES)
    evaluate_languages(detector, {"fr": FR})
    assert detector.seen
    assert all(not doc.layers and not doc.metadata for doc in detector.seen)


def test_language_without_gold_spans_has_no_tc():
    figures = evaluate_languages(PhraseDetector({"Calme": LL}), {"de": [FR[1]]})
    de = figures["de"]
    assert de["tc"] is None
    assert (de["flc"]["precision"], de["flc"]["recall"], de["flc"]["f1"]) == (0, 0, 0)
    assert (de["techniques_predicted"], de["techniques_scored"]) == (1, 0)
    assert de["st3"]["micro_f1"] == 0  # one false positive, nothing right


def test_empty_language_and_reserved_name_are_refused():
    with pytest.raises(InputError, match="no documents"):
        evaluate_languages(PhraseDetector(PHRASES), {"fr": []})
    with pytest.raises(InputError, match="pooled"):
        evaluate_languages(PhraseDetector(PHRASES), {POOLED: FR})
