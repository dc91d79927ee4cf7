from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from spinscope.tagger.decode import DecodeConfig, decode, runs, snap
from spinscope.tagger.labels import OUTPUTS, column


def _word_offsets(text: str) -> np.ndarray:
    import re

    return np.array([m.span() for m in re.finditer(r"\w+|[^\w\s]", text)], dtype=np.int64)


def test_runs_use_hysteresis() -> None:
    p = np.array([0.1, 0.35, 0.8, 0.4, 0.1, 0.45, 0.2], dtype=np.float32)
    # 0.45 alone never reaches high=0.6, so it starts no run
    assert runs(p, high=0.6, low=0.3) == [(1, 4)]


def test_snap_widens_to_words_and_trims_punctuation() -> None:
    text = "They are corrupt traitors, all of them."
    assert snap(text, 10, 19) == (9, 25)  # "orrupt tr" -> "corrupt traitors"
    assert snap(text, 17, 26) == (17, 25)  # "traitors, " -> "traitors"


def test_decode_joins_close_fragments_and_labels_technique() -> None:
    text = "The regime is a brutal , murderous machine of lies."
    offsets = _word_offsets(text)
    probs = np.zeros((len(offsets), len(OUTPUTS)), dtype=np.float32)
    ll = column("Loaded_Language")
    probs[4, ll] = 0.9  # brutal
    probs[6, ll] = 0.9  # murderous
    spans = decode(text, offsets, probs, DecodeConfig(high=0.5, max_gap=5, repetition_rule=False))
    assert [(text[s.start : s.end], s.label) for s in spans] == [
        ("brutal , murderous", "Loaded_Language")
    ]
    assert spans[0].meta["category"] == "Manipulative Wording"


def test_decode_threshold_drops_low_scores() -> None:
    text = "a shameful decision"
    offsets = _word_offsets(text)
    probs = np.zeros((3, len(OUTPUTS)), dtype=np.float32)
    probs[1, column("Loaded_Language")] = 0.6
    assert decode(text, offsets, probs, DecodeConfig(threshold=0.5))
    assert not decode(text, offsets, probs, DecodeConfig(threshold=0.7))


def test_repetition_rule_marks_later_occurrences_only() -> None:
    text = "Stop the steal now. They lied. Stop the steal now!"
    offsets = _word_offsets(text)
    probs = np.zeros((len(offsets), len(OUTPUTS)), dtype=np.float32)
    sl = column("Slogans")
    probs[0:4, sl] = 0.9
    probs[8:12, sl] = 0.9
    spans = decode(text, offsets, probs, DecodeConfig())
    reps = [s for s in spans if s.label == "Repetition"]
    assert [(s.start, s.end) for s in reps] == [(31, 49)]


@given(st.text(min_size=0, max_size=300), st.integers(0, 2**32 - 1))
def test_decoded_spans_lie_inside_text_and_are_trimmed(text: str, seed: int) -> None:
    offsets = _word_offsets(text)
    probs = np.random.default_rng(seed).uniform(size=(len(offsets), len(OUTPUTS)))
    for s in decode(text, offsets, probs.astype(np.float32), DecodeConfig()):
        assert 0 <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        assert s.label in OUTPUTS[1:]
        assert 0.0 <= s.score <= 1.0


def test_a_user_threshold_only_moves_the_cut_off_never_the_proposals() -> None:
    tuned = DecodeConfig(high=0.5, threshold=0.14, si_high=0.3)
    assert tuned.with_threshold(0.05).high == tuned.with_threshold(0.3).high == 0.5
    text = "a shameful decision"
    offsets = _word_offsets(text)
    probs = np.zeros((3, len(OUTPUTS)), dtype=np.float32)
    probs[1, column("Loaded_Language")] = 0.6
    (span,) = decode(text, offsets, probs, tuned.with_threshold(0.0))
    # a span scored s is shown at every threshold <= s and hidden above it
    assert decode(text, offsets, probs, tuned.with_threshold(span.score)) == [span]
    assert decode(text, offsets, probs, tuned.with_threshold(span.score + 1e-4)) == []


def test_for_possible_lowers_the_cut_off_to_the_floor_only_below_the_threshold() -> None:
    cfg = DecodeConfig(threshold=0.2, possible_floor=0.05)
    assert cfg.for_possible().threshold == 0.05
    assert DecodeConfig(threshold=0.2).for_possible().threshold == 0.2
    assert DecodeConfig(threshold=0.02, possible_floor=0.05).for_possible().threshold == 0.02
    assert DecodeConfig.from_dict(cfg.to_dict()).possible_floor == 0.05


def test_a_technique_the_model_cannot_tell_apart_is_named_as_an_alternative() -> None:
    text = "those shameful traitors"
    offsets = _word_offsets(text)
    probs = np.zeros((3, len(OUTPUTS)), dtype=np.float32)
    probs[1:, column("Name_Calling-Labeling")] = 0.9
    probs[1:, column("Doubt")] = 0.8  # same category, close: an alternative
    probs[1:, column("Loaded_Language")] = 0.89  # another category: never an alternative
    probs[1:, column("Questioning_the_Reputation")] = 0.3  # same category, far below
    spans = {s.label: s for s in decode(text, offsets, probs, DecodeConfig())}
    assert list(spans["Name_Calling-Labeling"].meta["alternatives"]) == ["Doubt"]
    assert "alternatives" not in spans["Loaded_Language"].meta
    assert "Name_Calling-Labeling" in spans["Doubt"].meta["alternatives"]


def _runs_by_hand(p: list[float], high: float, low: float) -> list[tuple[int, int]]:
    out, i = [], 0
    while i < len(p):
        if p[i] < low:
            i += 1
            continue
        j = i
        while j < len(p) and p[j] >= low:
            j += 1
        if max(p[i:j]) >= high:
            out.append((i, j))
        i = j
    return out


@given(
    st.lists(st.floats(0, 1, allow_nan=False, width=32), max_size=60),
    st.floats(0.05, 1),
    st.floats(0.05, 1),
)
def test_runs_match_a_plain_loop(p: list[float], high: float, ratio: float) -> None:
    probs = np.array(p, dtype=np.float32)
    low = high * ratio
    assert runs(probs, high, low) == _runs_by_hand(probs.tolist(), high, low)


def test_a_second_lower_level_proposes_weak_runs_that_no_main_run_overlaps() -> None:
    text = "a shameful plan and a vile plot"
    offsets = _word_offsets(text)
    probs = np.zeros((len(offsets), len(OUTPUTS)), dtype=np.float32)
    col = column("Loaded_Language")
    probs[1, col] = 0.9  # "shameful": a main run
    probs[2, col] = 0.35  # "plan": below the main run's low level (0.42), above 0.3
    probs[5, col] = 0.4  # "vile": only from the lower level
    main = DecodeConfig(high=0.6, low_ratio=0.7, max_gap=0)
    assert [text[s.start : s.end] for s in decode(text, offsets, probs, main)] == ["shameful"]
    both = DecodeConfig(high=0.6, low_ratio=0.7, max_gap=0, possible_high=0.3)
    found = [text[s.start : s.end] for s in decode(text, offsets, probs, both)]
    # at level 0.3 "shameful plan" is one run: it overlaps the main run, so only "vile" is new
    assert found == ["shameful", "vile"]
    assert both.for_si().possible_high is None
