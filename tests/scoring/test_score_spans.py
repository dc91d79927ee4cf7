from __future__ import annotations

import pytest

from spinscope.errors import SpanOffsetError
from spinscope.scoring import score_flc, score_si
from spinscope.scoring.spans import merge_spans


def test_partial_overlap_hand_computed() -> None:
    # pred [15,25) vs gold [10,20): 5 characters in common.
    # P = 5/10 / 1 = 0.5, R = 5/10 / 1 = 0.5, F1 = 0.5
    scores = score_si([("a", 10, 20)], [("a", 15, 25)])
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx(0.5)
    assert scores["n_pred"] == 1 and scores["n_gold"] == 1


def test_one_prediction_covering_two_gold_spans() -> None:
    # pred [5,25) (20 chars) vs gold [0,10) and [20,30): 5 + 5 characters in common.
    # P = (5/20 + 5/20) / 1 = 0.5; R = (5/10 + 5/10) / 2 = 0.5; F1 = 0.5
    scores = score_si([("a", 0, 10), ("a", 20, 30)], [("a", 5, 25)])
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx(0.5)


def test_perfect_prediction_is_one() -> None:
    gold = [("a", 0, 10), ("a", 20, 30), ("b", 3, 4)]
    assert score_si(gold, list(gold)) == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "n_pred": 3.0,
        "n_gold": 3.0,
    }


def test_overlapping_predictions_are_merged_first() -> None:
    # [0,6) and [4,10) merge into [0,10), which equals the gold span: P = R = 1.
    scores = score_si([("a", 0, 10)], [("a", 0, 6), ("a", 4, 10)])
    assert scores["n_pred"] == 1
    assert scores["f1"] == pytest.approx(1.0)


def test_overlapping_gold_is_merged_too() -> None:
    # gold [0,6)+[4,10) -> [0,10); pred [0,5): P = 5/5 = 1, R = 5/10 = 0.5, F1 = 2/3
    scores = score_si([("a", 0, 6), ("a", 4, 10)], [("a", 0, 5)])
    assert scores["n_gold"] == 1
    assert scores["precision"] == pytest.approx(1.0)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx(2 / 3)


def test_touching_spans_are_not_merged() -> None:
    # [0,5) and [5,10) share no character (official: set(range(0,5)) & set(range(5,10)) = {}).
    # gold [0,10): P = (5/5 + 5/5) / 2 = 1, R = (5/10 + 5/10) / 1 = 1
    scores = score_si([("a", 0, 10)], [("a", 0, 5), ("a", 5, 10)])
    assert scores["n_pred"] == 2
    assert scores["precision"] == pytest.approx(1.0)
    assert scores["recall"] == pytest.approx(1.0)


def test_chain_of_overlaps_merges_transitively() -> None:
    assert merge_spans([(10, 15), (0, 5), (4, 11)]) == [(0, 15)]
    assert merge_spans([(0, 5), (5, 8), (2, 3)]) == [(0, 5), (5, 8)]


def test_article_only_in_predictions_counts() -> None:
    # gold a:[0,10); pred a:[0,10), b:[0,10). P = (1 + 0) / 2 = 0.5, R = 1 / 1 = 1
    # F1 = 2 * 0.5 * 1 / 1.5 = 2/3
    scores = score_si([("a", 0, 10)], [("a", 0, 10), ("b", 0, 10)])
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(1.0)
    assert scores["f1"] == pytest.approx(2 / 3)


def test_article_only_in_gold_counts() -> None:
    # P = 1/1, R = 1/2, F1 = 2/3
    scores = score_si([("a", 0, 10), ("b", 0, 10)], [("a", 0, 10)])
    assert scores["precision"] == pytest.approx(1.0)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx(2 / 3)


def test_article_ids_compare_as_strings() -> None:
    assert score_si([("111", 0, 10)], [(111, 0, 10)])["f1"] == 1.0


def test_no_predictions() -> None:
    assert score_si([("a", 0, 10)], []) == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "n_pred": 0.0,
        "n_gold": 1.0,
    }


def test_no_gold() -> None:
    scores = score_si([], [("a", 0, 10)])
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.0, 0.0, 0.0)


def test_both_empty_is_f1_one_as_official() -> None:
    # official compute_prec_rec_f1: prec and rec denominators both 0 -> F1 = 1.0, P = R = 0
    scores = score_si([], [])
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.0, 0.0, 1.0)


def test_disjoint_spans_score_zero() -> None:
    scores = score_si([("a", 0, 10)], [("a", 10, 20)])
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("span", [(5, 5), (6, 5), (-1, 3)])
def test_invalid_spans_raise(span: tuple[int, int]) -> None:
    with pytest.raises(SpanOffsetError, match="predictions row 2"):
        score_si([("a", 0, 10)], [("a", 0, 10), ("a", *span)])


def test_flc_technique_mismatch_does_not_count() -> None:
    # gold a LL [0,10); pred a LL [0,10) + NC [0,10) (different techniques: not merged).
    # P = (1 + 0) / 2 = 0.5, R = 1 / 1 = 1, F1 = 2/3.
    # LL: P = R = F1 = 1; NC: P = 0/1 = 0, R = 0 (no gold NC), F1 = 0
    scores = score_flc(
        [("a", "Loaded_Language", 0, 10)],
        [("a", "Loaded_Language", 0, 10), ("a", "Name_Calling-Labeling", 0, 10)],
    )
    assert scores["n_pred"] == 2
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(1.0)
    assert scores["f1"] == pytest.approx(2 / 3)
    assert scores["f1/Loaded_Language"] == pytest.approx(1.0)
    assert scores["precision/Name_Calling-Labeling"] == 0.0
    assert scores["recall/Name_Calling-Labeling"] == 0.0
    assert scores["f1/Name_Calling-Labeling"] == 0.0


def test_flc_only_wrong_technique_scores_zero() -> None:
    scores = score_flc([("a", "Doubt", 0, 10)], [("a", "Slogans", 0, 10)])
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.0, 0.0, 0.0)


def test_flc_merges_per_technique() -> None:
    # pred LL [0,6) and NC [4,10) overlap but differ in technique: two spans.
    # gold LL [0,10). P = (6/6 + 0) / 2 = 0.5, R = 6/10 = 0.6, F1 = 2*.5*.6/1.1 = 6/11
    scores = score_flc(
        [("a", "LL", 0, 10)],
        [("a", "LL", 0, 6), ("a", "NC", 4, 10)],
    )
    assert scores["n_pred"] == 2
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(0.6)
    assert scores["f1"] == pytest.approx(6 / 11)
    # same technique: [0,6) + [4,10) -> [0,10), which matches gold exactly
    same = score_flc([("a", "LL", 0, 10)], [("a", "LL", 0, 6), ("a", "LL", 4, 10)])
    assert same["n_pred"] == 1
    assert same["f1"] == pytest.approx(1.0)


def test_flc_per_technique_recall_uses_recall_sum() -> None:
    # gold LL [0,10) and [20,30); pred LL [0,20): 10 chars with the first, 0 with the second.
    # P_LL = (10/20) / 1 = 0.5; R_LL = (10/10) / 2 = 0.5 (official printout would give 0.25)
    scores = score_flc([("a", "LL", 0, 10), ("a", "LL", 20, 30)], [("a", "LL", 0, 20)])
    assert scores["precision/LL"] == pytest.approx(0.5)
    assert scores["recall/LL"] == pytest.approx(0.5)
    assert scores["f1/LL"] == pytest.approx(0.5)


def test_flc_perfect_and_empty() -> None:
    gold = [("a", "LL", 0, 10), ("a", "NC", 0, 10), ("b", "Doubt", 2, 9)]
    perfect = score_flc(gold, gold)
    assert perfect["f1"] == 1.0
    assert {k for k in perfect if k.startswith("f1/")} == {"f1/LL", "f1/NC", "f1/Doubt"}
    empty = score_flc(gold, [])
    assert (empty["precision"], empty["recall"], empty["f1"]) == (0.0, 0.0, 0.0)
    assert score_flc([], [])["f1"] == 1.0
