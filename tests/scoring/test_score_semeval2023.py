from __future__ import annotations

import pytest

from spinscope.errors import InputError, LabelFormatError, UnknownTechniqueError
from spinscope.scoring import score_st1, score_st2, score_st3
from spinscope.taxonomy import FRAMES, TECHNIQUES

LL, NC, DOUBT = "Loaded_Language", "Name_Calling-Labeling", "Doubt"


def test_st3_hand_computed_with_missing_paragraph_and_absent_labels() -> None:
    # gold: (1,1){LL} (1,2){NC,LL} (1,3){}; pred: (1,1){LL} (1,2){LL,Doubt}; (1,3) missing = {}
    # LL: tp 2; NC: fn 1; Doubt: fp 1.  micro: P = 2/3, R = 2/3, F1 = 4 / (4 + 1 + 1) = 2/3
    # macro over the 23 techniques, zero_division=1: LL 1, NC 0, Doubt 0, the 20 others
    # (neither gold nor predicted) 1 each -> (1 + 20) / 23 = 21/23
    gold = [("1", 1, (LL,)), ("1", 2, (NC, LL)), ("1", 3, ())]
    pred = [("1", 1, [LL]), ("1", 2, [LL, DOUBT])]
    scores = score_st3(gold, pred)
    assert scores["micro_f1"] == pytest.approx(2 / 3)
    assert scores["f1"] == scores["micro_f1"]
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["macro_f1"] == pytest.approx(21 / 23)
    assert scores[f"f1/{LL}"] == 1.0
    assert scores[f"f1/{NC}"] == 0.0
    assert scores[f"f1/{DOUBT}"] == 0.0
    assert scores["f1/Slogans"] == 1.0
    assert len([k for k in scores if k.startswith("f1/")]) == len(TECHNIQUES)


def test_st3_perfect_prediction_is_one() -> None:
    gold = [("1", 1, (LL,)), ("1", 2, (NC, LL)), ("2", 1, ())]
    scores = score_st3(gold, gold)
    assert scores["micro_f1"] == 1.0 and scores["macro_f1"] == 1.0


def test_st3_all_empty_is_one_by_zero_division() -> None:
    # no label anywhere: every F1 is 0/0 := 1 (zero_division=1), micro P and R too
    scores = score_st3([("1", 1, ())], [])
    assert scores["micro_f1"] == 1.0 and scores["macro_f1"] == 1.0
    assert scores["precision"] == 1.0 and scores["recall"] == 1.0


def test_st3_empty_predictions() -> None:
    # gold LL on one paragraph, nothing predicted: micro F1 = 0 / (0 + 0 + 1) = 0;
    # micro P = 0/0 := 1; R = 0/1 = 0; macro = 22/23 (only LL is 0)
    scores = score_st3([("1", 1, (LL,))], [])
    assert scores["micro_f1"] == 0.0
    assert (scores["precision"], scores["recall"]) == (1.0, 0.0)
    assert scores["macro_f1"] == pytest.approx(22 / 23)


def test_st3_prediction_for_unknown_paragraph_raises() -> None:
    with pytest.raises(LabelFormatError, match=r"predictions:2: paragraph 9 of article '1'"):
        score_st3([("1", 1, (LL,))], [("1", 1, (LL,)), ("1", 9, (LL,))])


def test_st3_duplicate_rows_raise() -> None:
    with pytest.raises(LabelFormatError, match="appears twice"):
        score_st3([("1", 1, (LL,))], [("1", 1, (LL,)), ("1", 1, (NC,))])
    with pytest.raises(LabelFormatError, match="gold:2"):
        score_st3([("1", 1, (LL,)), (1, 1, (NC,))], [])


def test_st3_unknown_technique_raises() -> None:
    with pytest.raises(UnknownTechniqueError, match="Bandwagon"):
        score_st3([("1", 1, (LL,))], [("1", 1, ("Bandwagon",))])


def test_st3_empty_gold_raises() -> None:
    with pytest.raises(InputError):
        score_st3([], [])


def test_st3_custom_label_list() -> None:
    # labels = [A, B]: gold {A}, pred {A, B}: micro F1 = 2 / (2 + 1) = 2/3; macro = (1 + 0) / 2
    scores = score_st3([("1", 1, ("A",))], [("1", 1, ("A", "B"))], labels=("A", "B"))
    assert scores["micro_f1"] == pytest.approx(2 / 3)
    assert scores["macro_f1"] == pytest.approx(0.5)


def test_st2_hand_computed() -> None:
    # a: gold {Economic, Political}, pred {Economic}; b: gold {Morality}, pred {Morality,
    # Political}; c: gold {Crime}, no prediction (-> empty).
    # Economic tp1; Political fn1 fp1; Morality tp1; Crime fn1.
    # micro F1 = 2*2 / (4 + 1 + 2) = 4/7; P = 2/3; R = 2/4
    # macro over 14 frames: Economic 1, Morality 1, Political 0, Crime 0, 10 absent 1 -> 12/14
    crime = "Crime_and_punishment"
    gold = {"a": ("Economic", "Political"), "b": ("Morality",), "c": (crime,)}
    pred = {"a": ("Economic",), "b": ("Morality", "Political")}
    scores = score_st2(gold, pred)
    assert scores["micro_f1"] == pytest.approx(4 / 7)
    assert scores["f1"] == scores["micro_f1"]
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["macro_f1"] == pytest.approx(12 / 14)
    assert scores["f1/Political"] == 0.0
    assert len([k for k in scores if k.startswith("f1/")]) == len(FRAMES)


def test_st2_perfect_and_errors() -> None:
    gold = {"a": ("Economic",), "b": ()}
    assert score_st2(gold, gold)["micro_f1"] == 1.0
    with pytest.raises(LabelFormatError, match="article 'z'"):
        score_st2(gold, {"z": ("Economic",)})
    with pytest.raises(UnknownTechniqueError):
        score_st2(gold, {"a": ("Economy",)})


def test_st1_hand_computed() -> None:
    # gold a op, b op, c rep, d sat; pred a op, b rep, c rep, d op
    # opinion: tp 1, gold 2, pred 2 -> F1 = 2/4 = 0.5, P = 1/2, R = 1/2
    # reporting: tp 1, gold 1, pred 2 -> F1 = 2/3, P = 1/2, R = 1
    # satire: tp 0, gold 1, pred 0 -> F1 = 0, P = 0 (zero_division=0), R = 0
    # macro = (0.5 + 2/3 + 0) / 3 = 7/18; accuracy = 2/4
    gold = {"a": "opinion", "b": "opinion", "c": "reporting", "d": "satire"}
    pred = {"a": "opinion", "b": "reporting", "c": "reporting", "d": "opinion"}
    scores = score_st1(gold, pred)
    assert scores["macro_f1"] == pytest.approx(7 / 18)
    assert scores["accuracy"] == pytest.approx(0.5)
    assert scores["micro_f1"] == pytest.approx(0.5)
    assert scores["f1/reporting"] == pytest.approx(2 / 3)
    assert scores["recall/reporting"] == 1.0
    assert scores["recall/satire"] == 0.0
    assert scores["precision/satire"] == 0.0


def test_st1_macro_over_present_genres_only() -> None:
    # satire appears nowhere, so it is not averaged: opinion F1 = 2/3, reporting 0 -> 1/3
    scores = score_st1({"a": "opinion", "b": "reporting"}, {"a": "opinion", "b": "opinion"})
    assert scores["macro_f1"] == pytest.approx(1 / 3)
    assert "f1/satire" not in scores


def test_st1_perfect_and_errors() -> None:
    gold = {"a": "opinion", "b": "satire"}
    assert score_st1(gold, dict(gold))["macro_f1"] == 1.0
    with pytest.raises(LabelFormatError, match=r"gold:2: article 'b' has no predicted genre"):
        score_st1(gold, {"a": "opinion"})
    with pytest.raises(LabelFormatError, match="article 'c' is not in the gold"):
        score_st1(gold, {"a": "opinion", "b": "satire", "c": "satire"})
    with pytest.raises(UnknownTechniqueError, match="news"):
        score_st1(gold, {"a": "opinion", "b": "news"})
    with pytest.raises(InputError):
        score_st1({}, {})
