"""Scorers of SemEval-2023 Task 3: genre (subtask 1), framing (2) and persuasion techniques (3).

They follow the official ``scorers/scorer-subtask-{1,2,3}.py`` of the task bundle, which call
scikit-learn; these reimplement the same arithmetic with numpy:

* Subtask 1 (single-label, primary **macro-F1**): ``f1_score(gold, pred, average="macro",
  zero_division=0)`` with no ``labels`` argument, so the average runs over the genres present in
  gold or predictions; a genre absent from both does not count.
* Subtasks 2 and 3 (multi-label, primary **micro-F1**): a ``MultiLabelBinarizer`` fitted on the
  whole label list (14 frames, 23 techniques), then ``f1_score(..., average="micro"|"macro",
  zero_division=1)``. Macro therefore averages over *all* labels, and a label that is neither in
  gold nor predicted scores F1 = 1.0 (``2·tp / (2·tp + fp + fn)`` with ``0 / 0 := 1``).

Differences from the official scripts, which check whole files and stop on any mismatch:

* Subtasks 2 and 3: a gold example (article, or article paragraph) missing from the predictions
  counts as an empty prediction. A predicted example that gold lacks raises
  :class:`~spinscope.errors.LabelFormatError` naming it.
* Subtask 1: a gold article without a predicted genre raises (there is no "empty" genre), and so
  does a predicted article that gold lacks.
* Labels outside the label list raise :class:`~spinscope.errors.UnknownTechniqueError` on either
  side (officially only predictions are checked; unknown gold labels are silently dropped).
* No gold examples at all raises :class:`~spinscope.errors.InputError` (scikit-learn refuses
  empty input too).
* ``precision`` and ``recall`` (micro, ``zero_division=1`` like the official F1) are extras.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from spinscope.errors import InputError, LabelFormatError, UnknownTechniqueError
from spinscope.scoring.spans import ArticleId
from spinscope.taxonomy import FRAMES, GENRES, TECHNIQUES

__all__ = ["score_st1", "score_st2", "score_st3"]


def _binarize(
    rows: Sequence[Iterable[str]], labels: Sequence[str], side: str, where: Sequence[str]
) -> npt.NDArray[np.bool_]:
    """One row per example, one column per label, True where the example has the label."""
    column = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(rows), len(labels)), dtype=bool)
    for i, example in enumerate(rows):
        for label in example:
            if label not in column:
                raise UnknownTechniqueError(label, tuple(labels), f"{side} {where[i]}")
            matrix[i, column[label]] = True
    return matrix


def _multilabel_scores(
    gold: npt.NDArray[np.bool_], pred: npt.NDArray[np.bool_], labels: Sequence[str]
) -> dict[str, float]:
    """Micro and macro F1 as ``sklearn.metrics.f1_score(..., zero_division=1)`` computes them."""
    tp = (gold & pred).sum(axis=0)
    fp = (~gold & pred).sum(axis=0)
    fn = (gold & ~pred).sum(axis=0)
    denominator = 2 * tp + fp + fn
    per_label = np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 1.0)

    tp_all, fp_all, fn_all = int(tp.sum()), int(fp.sum()), int(fn.sum())
    micro_f1 = 2 * tp_all / (2 * tp_all + fp_all + fn_all) if tp_all + fp_all + fn_all else 1.0
    scores = {
        "micro_f1": micro_f1,
        "macro_f1": float(per_label.mean()),
        "precision": tp_all / (tp_all + fp_all) if tp_all + fp_all else 1.0,
        "recall": tp_all / (tp_all + fn_all) if tp_all + fn_all else 1.0,
        "f1": micro_f1,
    }
    for label, value in zip(labels, per_label, strict=True):
        scores[f"f1/{label}"] = float(value)
    return scores


def _check_labels(labels: Sequence[str]) -> None:
    if not labels or len(set(labels)) != len(labels):
        raise InputError(f"the label list must be non-empty and without repeats, got {labels!r}")


def score_st3(
    gold: Iterable[tuple[ArticleId, int, Iterable[str]]],
    pred: Iterable[tuple[ArticleId, int, Iterable[str]]],
    *,
    labels: Sequence[str] = TECHNIQUES,
) -> dict[str, float]:
    """Score paragraph-level persuasion techniques (SemEval-2023 Task 3 subtask 3).

    ``gold`` and ``pred`` are rows ``(article_id, paragraph_no, techniques)``; each
    ``(article_id, paragraph_no)`` may appear once per side. ``labels`` is the label list the
    binarizer is fitted on (the 23 techniques). Returns ``micro_f1`` (primary), ``macro_f1``,
    micro ``precision`` / ``recall``, ``f1`` (= ``micro_f1``) and ``f1/<T>`` for every label.
    See the module docstring for the official definition and where this differs.
    """
    _check_labels(labels)
    gold_by: dict[tuple[str, int], Iterable[str]] = {}
    for row_no, (article, paragraph, techniques) in enumerate(gold, 1):
        key = (str(article), int(paragraph))
        if key in gold_by:
            raise LabelFormatError(
                "gold", row_no, f"paragraph {key[1]} of article {key[0]!r} appears twice"
            )
        gold_by[key] = tuple(techniques)
    pred_by: dict[tuple[str, int], Iterable[str]] = {}
    for row_no, (article, paragraph, techniques) in enumerate(pred, 1):
        key = (str(article), int(paragraph))
        if key not in gold_by:
            raise LabelFormatError(
                "predictions",
                row_no,
                f"paragraph {key[1]} of article {key[0]!r} is not in the gold labels; "
                "predict only the paragraphs that gold lists",
            )
        if key in pred_by:
            raise LabelFormatError(
                "predictions",
                row_no,
                f"paragraph {key[1]} of article {key[0]!r} appears twice; give each paragraph "
                "one row with all its techniques",
            )
        pred_by[key] = tuple(techniques)
    if not gold_by:
        raise InputError("subtask 3 scoring needs gold paragraphs, and the gold labels are empty")

    keys = list(gold_by)
    where = [f"(article {article!r}, paragraph {paragraph})" for article, paragraph in keys]
    gold_matrix = _binarize([gold_by[k] for k in keys], labels, "gold", where)
    pred_matrix = _binarize([pred_by.get(k, ()) for k in keys], labels, "predictions", where)
    return _multilabel_scores(gold_matrix, pred_matrix, labels)


def score_st2(
    gold: Mapping[ArticleId, Iterable[str]],
    pred: Mapping[ArticleId, Iterable[str]],
    *,
    labels: Sequence[str] = FRAMES,
) -> dict[str, float]:
    """Score article-level framing (SemEval-2023 Task 3 subtask 2).

    ``gold`` and ``pred`` map an article id to its frames. ``labels`` is the label list the
    binarizer is fitted on (the 14 frames). Returns ``micro_f1`` (primary), ``macro_f1``, micro
    ``precision`` / ``recall``, ``f1`` (= ``micro_f1``) and ``f1/<frame>`` for every label.
    See the module docstring for the official definition and where this differs.
    """
    _check_labels(labels)
    gold_by = {str(article): tuple(frames) for article, frames in gold.items()}
    pred_by: dict[str, tuple[str, ...]] = {}
    for row_no, (article, frames) in enumerate(pred.items(), 1):
        if str(article) not in gold_by:
            raise LabelFormatError(
                "predictions",
                row_no,
                f"article {article!r} is not in the gold labels; predict only gold articles",
            )
        pred_by[str(article)] = tuple(frames)
    if not gold_by:
        raise InputError("subtask 2 scoring needs gold articles, and the gold labels are empty")

    keys = list(gold_by)
    where = [f"article {article!r}" for article in keys]
    gold_matrix = _binarize([gold_by[k] for k in keys], labels, "gold", where)
    pred_matrix = _binarize([pred_by.get(k, ()) for k in keys], labels, "predictions", where)
    return _multilabel_scores(gold_matrix, pred_matrix, labels)


def score_st1(gold: Mapping[ArticleId, str], pred: Mapping[ArticleId, str]) -> dict[str, float]:
    """Score article genre (SemEval-2023 Task 3 subtask 1).

    ``gold`` and ``pred`` map an article id to one genre of :data:`~spinscope.taxonomy.GENRES`;
    every gold article needs a prediction. Returns ``macro_f1`` (primary, over the genres present
    in gold or predictions), ``micro_f1`` (= ``accuracy``, which the official scorer also prints),
    ``accuracy``, and for each present genre ``f1/<g>``, ``precision/<g>``, ``recall/<g>``
    (``zero_division=0``, as the official call).
    """
    gold_by = {str(article): genre for article, genre in gold.items()}
    pred_by = {str(article): genre for article, genre in pred.items()}
    for row_no, article in enumerate(pred_by, 1):
        if article not in gold_by:
            raise LabelFormatError(
                "predictions",
                row_no,
                f"article {article!r} is not in the gold labels; predict only gold articles",
            )
    for row_no, article in enumerate(gold_by, 1):
        if article not in pred_by:
            raise LabelFormatError(
                "gold",
                row_no,
                f"article {article!r} has no predicted genre; predict one of "
                f"{', '.join(GENRES)} for every gold article",
            )
    if not gold_by:
        raise InputError("subtask 1 scoring needs gold articles, and the gold labels are empty")
    for side, values in (("gold", gold_by), ("predictions", pred_by)):
        for article, genre in values.items():
            if genre not in GENRES:
                raise UnknownTechniqueError(genre, GENRES, f"{side}, article {article!r}")

    keys = list(gold_by)
    gold_arr = np.array([gold_by[k] for k in keys])
    pred_arr = np.array([pred_by[k] for k in keys])
    accuracy = float((gold_arr == pred_arr).mean())
    scores = {"macro_f1": 0.0, "micro_f1": accuracy, "accuracy": accuracy}
    present = sorted(set(gold_arr.tolist()) | set(pred_arr.tolist()))
    f1s = []
    for genre in present:
        tp = int(((gold_arr == genre) & (pred_arr == genre)).sum())
        n_gold, n_pred = int((gold_arr == genre).sum()), int((pred_arr == genre).sum())
        f1 = 2 * tp / (n_gold + n_pred)
        f1s.append(f1)
        scores[f"f1/{genre}"] = f1
        scores[f"precision/{genre}"] = tp / n_pred if n_pred else 0.0
        scores[f"recall/{genre}"] = tp / n_gold if n_gold else 0.0
    scores["macro_f1"] = sum(f1s) / len(f1s)
    return scores
