"""Score a prediction file against gold labels with the official scorer of its task.

Both sides are read with the readers of :mod:`spinscope.formats` (a path may be a file or a
folder of label files) and scored with :data:`spinscope.scoring.SCORERS`. Technique names may
come from either taxonomy (SemEval-2023 or the SemEval-2020 PTC classes).

Every result has ``precision``, ``recall`` and ``f1``. For ``st1`` the scorer reports only
per-genre figures and macro F1, so :func:`evaluate` adds ``precision`` and ``recall`` as the
macro averages over the genres present (scikit-learn's ``average="macro"``) and ``f1`` as the
official macro F1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spinscope.errors import InputError
from spinscope.formats import read_flc, read_si, read_st1, read_st2, read_st3
from spinscope.scoring import PRIMARY, SCORERS
from spinscope.scoring.semeval2023 import score_st3
from spinscope.taxonomy import TECHNIQUES, TECHNIQUES_2020

__all__ = ["EVALUATE_TASKS", "evaluate", "primary_metric", "read_labels"]

#: The tasks :func:`evaluate` scores.
EVALUATE_TASKS: tuple[str, ...] = tuple(SCORERS)


def _check_task(task: str) -> None:
    if task not in SCORERS:
        raise InputError(f"unknown task {task!r}; use one of: {', '.join(SCORERS)}.")


def read_labels(task: str, path: str | Path) -> Any:
    """Read the label or prediction file (or folder) ``path`` of ``task``.

    Returns what the task's scorer takes: rows for ``si``, ``flc``, ``tc`` and ``st3``, a dict
    by article for ``st1`` and ``st2``.
    """
    _check_task(task)
    if task == "si":
        return read_si(path)
    if task in ("flc", "tc"):
        return read_flc(path, taxonomy="auto")
    if task == "st1":
        return read_st1(path)
    if task == "st2":
        return read_st2(path)
    return read_st3(path, taxonomy="auto")


def _st3_label_list(*sides: list[tuple[str, int, tuple[str, ...]]]) -> tuple[str, ...]:
    """The 23 techniques, or the 14 PTC classes when some label is a 2020-only name.

    The label list matters: subtask-3 macro F1 averages over all of it.
    """
    names = {t for side in sides for _, _, techniques in side for t in techniques}
    if names <= set(TECHNIQUES):
        return TECHNIQUES
    if names <= set(TECHNIQUES_2020):
        return TECHNIQUES_2020
    raise InputError(
        "subtask-3 labels mix the SemEval-2023 techniques and the SemEval-2020 classes "
        f"({', '.join(sorted(names - set(TECHNIQUES)))} are 2020 names); write gold and "
        "predictions in one taxonomy (predict --taxonomy)."
    )


def _macro(scores: dict[str, float], kind: str) -> float:
    values = [v for k, v in scores.items() if k.startswith(f"{kind}/")]
    return sum(values) / len(values) if values else 0.0


def evaluate(task: str, gold_path: str | Path, pred_path: str | Path) -> dict[str, float]:
    """Score the predictions at ``pred_path`` against the gold at ``gold_path`` for ``task``.

    ``task`` is one of :data:`EVALUATE_TASKS`. Returns the scorer's flat dict (with
    ``precision``, ``recall`` and ``f1`` always present; see the module docstring). The primary
    metric's key is :func:`primary_metric`.
    """
    _check_task(task)
    gold = read_labels(task, gold_path)
    pred = read_labels(task, pred_path)
    if task == "st3":
        scores = score_st3(gold, pred, labels=_st3_label_list(gold, pred))
    else:
        scores = SCORERS[task](gold, pred)
    if task == "st1":
        scores = {
            "precision": _macro(scores, "precision"),
            "recall": _macro(scores, "recall"),
            "f1": scores["macro_f1"],
            **scores,
        }
    return scores


def primary_metric(task: str) -> str:
    """The key of ``task``'s primary metric in what :func:`evaluate` returns."""
    _check_task(task)
    return PRIMARY[task]
