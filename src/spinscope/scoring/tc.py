"""Technique classification scorer of SemEval-2020 Task 11 (TC).

Follows the official ``tools/task-TC_scorer.py``: the gold spans are given, and a submission
assigns one technique to each of them. The official scorer refuses a submission whose spans are
not exactly the gold spans (same articles, same ``(start, end)`` ranges, as many rows per range as
gold has), then aligns the rows of each range so that equal labels pair up
(``Articles_annotations.align_annotations``) and runs scikit-learn's ``f1_score`` with
``average="micro"`` on the two aligned label lists.

When several gold labels sit on one span, each predicted label there can match one gold label:
the correct count of a span is the size of the multiset intersection of its gold and predicted
labels. Because every gold row gets exactly one predicted row, micro precision, recall and F1 all
equal ``correct / number of gold rows``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from spinscope.errors import InputError, LabelFormatError
from spinscope.scoring.spans import ArticleId

__all__ = ["score_tc"]

_SpanKey = tuple[str, int, int]


def _by_span(
    rows: Iterable[tuple[ArticleId, str, int, int]],
) -> tuple[dict[_SpanKey, Counter[str]], dict[_SpanKey, int]]:
    """Count the labels of each ``(article, start, end)`` and remember its first row number."""
    labels: dict[_SpanKey, Counter[str]] = {}
    first_row: dict[_SpanKey, int] = {}
    for row_no, (article, technique, start, end) in enumerate(rows, 1):
        key = (str(article), int(start), int(end))
        labels.setdefault(key, Counter())[technique] += 1
        first_row.setdefault(key, row_no)
    return labels, first_row


def score_tc(
    gold: Iterable[tuple[ArticleId, str, int, int]],
    pred: Iterable[tuple[ArticleId, str, int, int]],
) -> dict[str, float]:
    """Score technique classification on gold spans as the official SemEval-2020 TC scorer does.

    ``gold`` and ``pred`` are rows ``(article_id, technique, start, end)``; ``pred`` must label
    every gold span as many times as gold does, and nothing else, or :class:`LabelFormatError`
    names the first span that differs (the official scorer refuses such a file too).

    Returns ``precision``, ``recall``, ``f1`` (micro, primary; all three equal), ``n_gold`` and,
    for each technique found in gold or predictions, ``f1/<T>`` (one-vs-rest F1 on the aligned
    rows, 0 when the technique has no correct row). ``macro_f1`` is the mean of those per-technique
    F1 (scikit-learn's ``average="macro"`` on the aligned lists, whose labels are the ones
    present); it is not part of the official output.
    """
    gold_labels, gold_rows = _by_span(gold)
    pred_labels, pred_rows = _by_span(pred)
    if not gold_labels:
        raise InputError("TC scoring needs gold spans, and the gold labels are empty")
    for key, row_no in pred_rows.items():
        if key not in gold_labels:
            raise LabelFormatError(
                "predictions",
                row_no,
                f"span {key[1]}-{key[2]} of article {key[0]!r} is not a gold span; TC predicts "
                "techniques for the gold spans only",
            )
    for key, row_no in gold_rows.items():
        n_gold_here = sum(gold_labels[key].values())
        n_pred_here = sum(pred_labels.get(key, Counter()).values())
        if n_gold_here != n_pred_here:
            raise LabelFormatError(
                "gold",
                row_no,
                f"span {key[1]}-{key[2]} of article {key[0]!r} has {n_gold_here} gold label(s) "
                f"but {n_pred_here} predicted; TC needs one predicted technique per gold label",
            )

    n_gold = sum(sum(counts.values()) for counts in gold_labels.values())
    correct: Counter[str] = Counter()
    gold_total: Counter[str] = Counter()
    pred_total: Counter[str] = Counter()
    for key, counts in gold_labels.items():
        predicted = pred_labels[key]
        correct.update(counts & predicted)
        gold_total.update(counts)
        pred_total.update(predicted)

    micro = sum(correct.values()) / n_gold
    scores = {"precision": micro, "recall": micro, "f1": micro, "n_gold": float(n_gold)}
    per_technique = {
        technique: 2 * correct[technique] / (gold_total[technique] + pred_total[technique])
        for technique in sorted(gold_total.keys() | pred_total.keys())
    }
    for technique, f1 in per_technique.items():
        scores[f"f1/{technique}"] = f1
    scores["macro_f1"] = sum(per_technique.values()) / len(per_technique)
    return scores
