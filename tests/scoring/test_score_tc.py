from __future__ import annotations

import pytest

from spinscope.errors import InputError, LabelFormatError
from spinscope.scoring import score_tc


def test_multi_label_span_hand_computed() -> None:
    # span a:0-10 has gold {LL, NC}, predicted {NC, Doubt}: NC matches, Doubt/LL do not -> 1.
    # span a:20-30 gold {Doubt}, predicted {Doubt} -> 1. micro = 2 correct / 3 gold rows.
    # per technique, F1 = 2 tp / (gold + pred):
    #   LL: 0 / (1 + 0) = 0; NC: 2 / (1 + 1) = 1; Doubt: 2 / (1 + 2) = 2/3
    # macro = (0 + 1 + 2/3) / 3 = 5/9
    gold = [("a", "LL", 0, 10), ("a", "NC", 0, 10), ("a", "Doubt", 20, 30)]
    pred = [("a", "Doubt", 20, 30), ("a", "NC", 0, 10), ("a", "Doubt", 0, 10)]
    scores = score_tc(gold, pred)
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(2 / 3)
    assert scores["f1/LL"] == 0.0
    assert scores["f1/NC"] == pytest.approx(1.0)
    assert scores["f1/Doubt"] == pytest.approx(2 / 3)
    assert scores["macro_f1"] == pytest.approx(5 / 9)
    assert scores["n_gold"] == 3


def test_same_label_twice_on_a_span_is_a_multiset() -> None:
    # gold {LL, LL}; predicted {LL, NC}: only one LL can match -> 1 / 2
    gold = [("a", "LL", 0, 10), ("a", "LL", 0, 10)]
    pred = [("a", "LL", 0, 10), ("a", "NC", 0, 10)]
    assert score_tc(gold, pred)["f1"] == pytest.approx(0.5)


def test_perfect_prediction_is_one() -> None:
    gold = [("a", "LL", 0, 10), ("a", "NC", 0, 10), ("b", "Doubt", 3, 8)]
    scores = score_tc(gold, list(reversed(gold)))
    assert scores["f1"] == 1.0 and scores["macro_f1"] == 1.0


def test_prediction_on_a_non_gold_span_raises() -> None:
    with pytest.raises(LabelFormatError, match=r"predictions:2: span 11-12"):
        score_tc([("a", "LL", 0, 10)], [("a", "LL", 0, 10), ("a", "LL", 11, 12)])


def test_missing_prediction_raises() -> None:
    with pytest.raises(LabelFormatError, match=r"gold:2: .* 2 gold label\(s\) but 1 predicted"):
        score_tc(
            [("a", "LL", 0, 10), ("a", "NC", 3, 4), ("a", "LL", 3, 4)],
            [("a", "LL", 0, 10), ("a", "NC", 3, 4)],
        )


def test_empty_gold_raises() -> None:
    with pytest.raises(InputError):
        score_tc([], [])
