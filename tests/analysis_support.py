"""Articles and a fixed detector written for the tests (imported by conftest and tests)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from spinscope.detectors.base import BaseDetector
from spinscope.document import Document, Span
from spinscope.taxonomy import category_of

# An invented article: a headline, attributed quotations (one "X said", one "…”, reads the
# statement"), scare quotes, a name spelled two ways, charged words and a repeated phrase.
HARBOUR_ARTICLE = (
    "Harbour Council Approves Bridge Plan\n"
    "\n"
    "The harbour council of Velmora approved the new bridge plan on Monday after a shameful "
    "campaign by its opponents, whom the mayor's allies call traitors to the town.\n"
    "“This is a disgraceful attack on our town by corrupt outsiders,” said Mayor Ilse "
    "Vandermeer.\n"
    "Protesters gathered outside the hall. Local radio praised the “peaceful” crowd, but the "
    "council called the gathering outrageous.\n"
    "The opposition leader, Tomas Kovarenko, has promised more rallies. Kovarinko himself did "
    "not attend the vote.\n"
    "“The plan is a catastrophe for the harbour”, reads the statement of the fishermen's union.\n"
    "The bridge plan will cost the town twelve million. The bridge plan was first proposed in "
    "2019.\n"
)


class PhraseDetector(BaseDetector):
    """Marks every occurrence of given phrases with a fixed technique and score."""

    name = "phrases"

    def __init__(self, phrases: Sequence[tuple[str, str, float]]) -> None:
        self.phrases = list(phrases)

    def predict(self, docs: Sequence[Document]) -> list[list[Span]]:
        out = []
        for doc in docs:
            spans = [
                Span(
                    m.start(),
                    m.end(),
                    technique,
                    score,
                    self.name,
                    {"category": category_of(technique)},
                )
                for phrase, technique, score in self.phrases
                for m in re.finditer(re.escape(phrase), doc.text)
            ]
            out.append(sorted(spans))
        return out

    def classify(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[str]:
        return ["Loaded_Language" for _ in spans]


#: Spans for the harbour article: overlapping ones, one inside each quotation, scare quotes.
HARBOUR_PHRASES: list[tuple[str, str, float]] = [
    ("shameful campaign", "Loaded_Language", 0.8),
    ("shameful", "Name_Calling-Labeling", 0.5),
    ("traitors", "Name_Calling-Labeling", 0.9),
    ("disgraceful attack", "Loaded_Language", 0.7),
    ("“peaceful”", "Doubt", 0.6),
    ("catastrophe", "Appeal_to_Fear-Prejudice", 0.55),
    ("outrageous", "Loaded_Language", 0.4),
]


#: Stored coverage figures written for the tests (three techniques found, the rest not).
COVERAGE_RECORD = {
    "measured_on": "12 invented articles",
    "techniques": {
        "Loaded_Language": {"precision": 0.41, "recall": 0.3, "f1": 0.35},
        "Name_Calling-Labeling": {"precision": 0.52, "recall": 0.2, "f1": 0.29},
        "Doubt": {"precision": 0.2, "recall": 0.1, "f1": 0.13},
        "Slogans": {"precision": 0.0, "recall": 0.0, "f1": 0.0},
    },
}


def tiered_analysis(text: str = HARBOUR_ARTICLE, threshold: float = 0.5, floor: float = 0.3):  # type: ignore[no-untyped-def]
    """The harbour article with two tiers (threshold 0.5, floor 0.3) and a coverage statement.

    "outrageous" (0.4) is the one possible span; "shameful" (0.5) sits exactly at the threshold.
    """
    from spinscope.analysis import DetectorInfo, build_analysis
    from spinscope.coverage import Coverage

    doc = Document("harbour", text)
    spans = PhraseDetector(HARBOUR_PHRASES).predict([doc])[0]
    return build_analysis(
        doc,
        [s for s in spans if s.score >= floor],
        DetectorInfo("phrases", threshold, None, ("en",), floor),
        coverage=Coverage.from_record("phrases", COVERAGE_RECORD),
    )
