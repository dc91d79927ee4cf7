"""The rule-based baseline, on sentences written for these tests (never corpus text)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.detectors import DEFAULT_RULES, PRECISE_RULES, RULES, BaselineDetector
from spinscope.detectors.baseline import load_lexicon
from spinscope.document import Document, Span
from spinscope.errors import InputError, SpanOffsetError
from spinscope.taxonomy import TECHNIQUES, category_of

NEUTRAL = "The committee met on Tuesday and approved the budget for the new library."


@pytest.fixture(scope="module")
def detector() -> BaselineDetector:
    return BaselineDetector().load()


def spans_of(det: BaselineDetector, text: str) -> list[Span]:
    return det.predict([Document("t", text)])[0]


def fired(det: BaselineDetector, text: str) -> set[tuple[str, str, str]]:
    """(rule, technique, covered text) of every span."""
    return {(s.meta["rule"], s.label, text[s.start : s.end]) for s in spans_of(det, text)}


def assert_well_formed(text: str, spans: list[Span]) -> None:
    assert spans == sorted(spans)
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        covered = text[s.start : s.end]
        assert covered == covered.strip(), covered
        assert s.label in TECHNIQUES
        assert 0.0 <= s.score <= 1.0
        assert s.source == "baseline"
        assert s.meta["category"] == category_of(s.label)
        assert s.meta["rule"] in RULES
        assert isinstance(s.meta["evidence"], str) and s.meta["evidence"]


# -- each rule fires on a constructed example ---------------------------------------------------

RULE_EXAMPLES = [
    (
        "repetition",
        "The plan is a disaster for farmers. Critics say the plan is a disaster for towns too.",
        ("Repetition", "plan is a disaster"),
    ),
    (
        "scare_quotes",
        "The minister praised the “reforms” that closed every village school.",
        ("Name_Calling-Labeling", "“reforms”"),
    ),
    (
        "rhetorical_question",
        "The mayor promised new parks. Who could possibly believe him now?",
        ("Doubt", "Who could possibly believe him now?"),
    ),
    (
        "loaded_language",
        "The council passed a disgraceful law on Monday.",
        ("Loaded_Language", "disgraceful"),
    ),
    (
        "name_calling",
        "The senator called his rival a traitor during the debate.",
        ("Name_Calling-Labeling", "traitor"),
    ),
    (
        "flag_waving",
        "He said the decision would protect our great country from harm.",
        ("Flag_Waving", "our great country"),
    ),
    (
        "fear",
        "Officials warned that the flood barrier is a ticking time bomb.",
        ("Appeal_to_Fear-Prejudice", "ticking time bomb"),
    ),
    (
        "exaggeration",
        "Supporters called it the biggest reform in history.",
        ("Exaggeration-Minimisation", "the biggest"),
    ),
    (
        "doubt",
        "The company supposedly fixed the leak last year.",
        ("Doubt", "supposedly"),
    ),
    (
        "slogans",
        "Marchers carried banners reading #FixTheBridge through the town.",
        ("Slogans", "#FixTheBridge"),
    ),
]


@pytest.mark.parametrize(
    ("rule", "text", "expected"), RULE_EXAMPLES, ids=[r[0] for r in RULE_EXAMPLES]
)
def test_rule_fires_on_its_example(rule: str, text: str, expected: tuple[str, str]) -> None:
    det = BaselineDetector([rule])
    hits = fired(det, text)
    assert (rule, *expected) in hits, hits
    assert_well_formed(text, spans_of(det, text))


@pytest.mark.parametrize("rule", RULES)
def test_rule_is_silent_on_a_neutral_sentence(rule: str) -> None:
    assert spans_of(BaselineDetector([rule]), NEUTRAL) == []


def test_all_rules_silent_on_neutral_text(detector: BaselineDetector) -> None:
    text = f"{NEUTRAL}\n{NEUTRAL}\nThe library opens in May."
    assert spans_of(detector, text) == []


# -- rule details ------------------------------------------------------------------------------


def test_repetition_marks_later_occurrences_only(detector: BaselineDetector) -> None:
    text = "A shameful vote. Then another shameful vote. And a third shameful vote."
    rep = [s for s in spans_of(detector, text) if s.label == "Repetition"]
    assert [text[s.start : s.end] for s in rep] == ["shameful vote", "shameful vote"]
    assert rep[0].start > text.index("shameful")
    assert "3 times" in rep[0].meta["evidence"]


def test_repetition_ignores_repeated_neutral_words(detector: BaselineDetector) -> None:
    text = "The budget grew. The budget shrank. The budget grew again."
    assert not [s for s in spans_of(detector, text) if s.label == "Repetition"]


def test_repetition_needs_min_repeats() -> None:
    text = "It was a sham. It was a sham."
    assert [s.label for s in spans_of(BaselineDetector(["repetition"]), text)] == ["Repetition"]
    assert spans_of(BaselineDetector(["repetition"], min_repeats=3), text) == []


def test_scare_quotes_skip_reported_speech() -> None:
    det = BaselineDetector(["scare_quotes"])
    assert spans_of(det, "The mayor said “absolutely” when asked.") == []
    assert spans_of(det, "“Absolutely,” the mayor said.") == []
    long_quote = "She called the plan “a long and careful compromise between parties”."
    assert spans_of(det, long_quote) == []


def test_scare_quotes_accept_straight_and_single_quotes() -> None:
    det = BaselineDetector(["scare_quotes"])
    text = "They praised the \"experts\" and the 'peaceful' protest."
    assert {text[s.start : s.end] for s in spans_of(det, text)} == {'"experts"', "'peaceful'"}


def test_questions_inside_quoted_speech_are_not_rhetorical() -> None:
    det = BaselineDetector(["rhetorical_question"])
    assert spans_of(det, "“Where will the money come from?” the treasurer asked.") == []


def test_short_questions_are_skipped() -> None:
    det = BaselineDetector(["rhetorical_question"])
    assert spans_of(det, "He paid the fine. Really?") == []


def test_lexicon_matches_whole_words_case_insensitively(detector: BaselineDetector) -> None:
    hits = fired(detector, "SHOCKING news.")
    assert ("loaded_language", "Loaded_Language", "SHOCKING") in hits
    # "shamefully" is not the entry "shameful"; "evildoer" is not "evil"
    assert spans_of(BaselineDetector(["loaded_language"]), "An evildoer acted shamefully.") == []


def test_prefix_entries_match_word_endings() -> None:
    det = BaselineDetector(["loaded_language"])
    assert {s.label for s in spans_of(det, "Troops slaughtered the herd.")} == {"Loaded_Language"}


def test_phrases_match_across_spaces_and_hyphens_not_punctuation() -> None:
    det = BaselineDetector(["name_calling"])
    assert [s.label for s in spans_of(det, "It is a witch-hunt.")] == ["Name_Calling-Labeling"]
    assert spans_of(det, "It is a witch. Hunt begins.") == []


def test_touching_hits_of_one_rule_merge() -> None:
    det = BaselineDetector(["loaded_language"])
    text = "It was an utterly disgraceful act."
    spans = spans_of(det, text)
    assert [text[s.start : s.end] for s in spans] == ["utterly disgraceful"]
    assert "utterly" in spans[0].meta["evidence"] and "disgraceful" in spans[0].meta["evidence"]


def test_all_caps_exclamation_is_a_slogan() -> None:
    det = BaselineDetector(["slogans"])
    text = "The crowd chanted SAVE OUR PARK! all evening."
    assert [text[s.start : s.end] for s in spans_of(det, text)] == ["SAVE OUR PARK!"]


# -- the component contract ------------------------------------------------------------------


def test_empty_and_blank_text_give_no_spans(detector: BaselineDetector) -> None:
    assert detector.predict([Document("e", ""), Document("b", " \n\t ")]) == [[], []]


def test_predict_is_deterministic_and_pure(detector: BaselineDetector) -> None:
    text = " ".join(t for _, t, _ in RULE_EXAMPLES)
    doc = Document("x", text)
    first = detector.predict([doc])
    assert detector.predict([doc]) == first
    assert BaselineDetector().predict([doc]) == first
    assert doc.layers == {}
    assert_well_formed(text, first[0])


def test_call_and_pipe_agree_with_predict(detector: BaselineDetector) -> None:
    docs = [Document(str(i), t) for i, (_, t, _) in enumerate(RULE_EXAMPLES)]
    piped = list(detector.pipe(docs, batch_size=3))
    assert [d.layer("techniques") for d in piped] == [tuple(p) for p in detector.predict(docs)]
    assert piped[0] == detector(docs[0])


def test_spans_round_trip_through_json(detector: BaselineDetector) -> None:
    doc = detector(Document("x", RULE_EXAMPLES[0][1]))
    assert Document.from_json(doc.to_json()) == doc


def test_rule_sets() -> None:
    assert set(DEFAULT_RULES) <= set(RULES)
    assert set(PRECISE_RULES) <= set(RULES)


def test_unknown_rule_and_bad_settings_are_refused() -> None:
    with pytest.raises(InputError, match="scare_quote"):
        BaselineDetector(["scare_quote"])
    with pytest.raises(InputError):
        BaselineDetector(min_repeats=1)
    with pytest.raises(InputError):
        BaselineDetector(max_ngram=0)


def test_lexicons_are_lowercase_and_credit_spinscope() -> None:
    from importlib import resources

    folder = resources.files("spinscope").joinpath("resources").joinpath("lexicons")
    for name in [
        "loaded_words.txt",
        "name_calling.txt",
        "flag_waving.txt",
        "fear.txt",
        "exaggeration.txt",
        "doubt.txt",
        "slogans.txt",
    ]:
        raw = folder.joinpath(name).read_text(encoding="utf-8")
        assert "spinscope" in raw.splitlines()[1] or "spinscope" in raw.splitlines()[2]
        entries = load_lexicon(name)
        assert entries and all(e == e.lower().strip() for e in entries)
    assert len(load_lexicon("loaded_words.txt")) >= 200
    with pytest.raises(InputError):
        load_lexicon("no_such_lexicon.txt")


# -- classify (TC) ------------------------------------------------------------------------------


def test_classify_uses_the_rule_inside_the_span(detector: BaselineDetector) -> None:
    text = (
        "The senator called his rival a traitor. He said it would protect our nation. "
        "Is there any reason left to trust the ministry at all?"
    )
    doc = Document("c", text)
    spans = [
        (text.index("a traitor"), text.index("a traitor") + len("a traitor")),
        (text.index("our nation"), text.index("our nation") + len("our nation")),
        (text.index("Is there"), len(text)),
        (text.index("The senator"), text.index("The senator") + len("The senator")),
    ]
    assert detector.classify(doc, spans) == [
        "Name_Calling-Labeling",
        "Flag_Waving",
        "Doubt",
        "Loaded_Language",  # nothing fires: the most frequent technique
    ]


def test_classify_marks_a_repeated_span_as_repetition(detector: BaselineDetector) -> None:
    text = "Vote for the green bridge. I repeat: the green bridge."
    second = text.rindex("green bridge")
    doc = Document("r", text)
    assert detector.classify(doc, [(second, second + len("green bridge"))]) == ["Repetition"]
    first = text.index("green bridge")
    assert detector.classify(doc, [(first, first + len("green bridge"))]) == ["Loaded_Language"]


def test_classify_returns_one_valid_label_per_span(detector: BaselineDetector) -> None:
    doc = Document("c", RULE_EXAMPLES[3][1])
    n = len(doc.text)
    spans = [(0, n), (0, 0), (3, 9), (n - 1, n)]
    labels = detector.classify(doc, spans)
    assert len(labels) == len(spans) and all(label in TECHNIQUES for label in labels)
    assert detector.classify(doc, []) == []


def test_classify_refuses_spans_outside_the_text(detector: BaselineDetector) -> None:
    with pytest.raises(SpanOffsetError):
        detector.classify(Document("c", "short"), [(0, 99)])


# -- properties on random text -----------------------------------------------------------------

_ALPHABET = st.sampled_from(
    [
        *"abcdefgh ABC\n\t.,!?;:'\"“”‘’#-()",
        *[
            "sham ",
            "evil ",
            "our nation ",
            "traitor ",
            "who ",
            "said ",
            "THE ",
            "NOW",
            "é",
            "\u00a0",
        ],
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_random_text_gives_well_formed_spans(text: str) -> None:
    det = BaselineDetector()
    spans = det.predict([Document("h", text)])[0]
    assert_well_formed(text, spans)
    labels = det.classify(Document("h", text), [(s.start, s.end) for s in spans])
    assert len(labels) == len(spans) and all(label in TECHNIQUES for label in labels)
