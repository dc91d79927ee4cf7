"""spinscope.evaluate: reading both sides and picking the scorer's label list."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.errors import InputError
from spinscope.evaluate import evaluate, primary_metric


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_st3_with_ptc_class_names_scores_over_the_14_classes(tmp_path):
    gold = write(tmp_path / "g.txt", "a\t1\tBlack-and-White_Fallacy,Doubt\n")
    pred = write(tmp_path / "p.txt", "a\t1\tDoubt\n")
    scores = evaluate("st3", gold, pred)
    assert scores["micro_f1"] == pytest.approx(2 / 3)
    assert scores["macro_f1"] == pytest.approx(13 / 14)  # 14 labels, one with F1 = 0
    assert "f1/Black-and-White_Fallacy" in scores


def test_st3_mixing_taxonomies_is_refused(tmp_path):
    gold = write(tmp_path / "g.txt", "a\t1\tBlack-and-White_Fallacy\n")
    pred = write(tmp_path / "p.txt", "a\t1\tFalse_Dilemma-No_Choice\n")
    with pytest.raises(InputError, match="mix"):
        evaluate("st3", gold, pred)


def test_st1_gets_macro_precision_recall_and_f1(tmp_path):
    gold = write(tmp_path / "g.txt", "a\topinion\nb\treporting\n")
    pred = write(tmp_path / "p.txt", "a\topinion\nb\topinion\n")
    scores = evaluate("st1", gold, pred)
    # opinion: P 1/2, R 1, F1 2/3; reporting: P 0, R 0, F1 0
    assert scores["precision"] == pytest.approx(0.25)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == scores["macro_f1"] == pytest.approx(1 / 3)


def test_unknown_task(tmp_path):
    with pytest.raises(InputError, match="unknown task"):
        evaluate("st9", tmp_path, tmp_path)


def test_primary_metric():
    assert primary_metric("st1") == "macro_f1"
    assert primary_metric("si") == "f1"
