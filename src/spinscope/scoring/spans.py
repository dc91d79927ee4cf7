"""Span scorers of SemEval-2020 Task 11: SI (span identification) and FLC (spans with techniques).

Both follow the official scorers (``tools/task-SI_scorer.py`` of SemEval-2020 Task 11 and
``task-FLC_scorer.py`` of the NLP4IF-2019 shared task, by G. Da San Martino), which give partial
credit for partial overlaps. With ``C(s, t, h) = |s ∩ t| / h`` (characters in common)::

    P = Σ_{s∈S} Σ_{t∈T} C(s, t, |s|) / |S|      R = Σ_{s∈S} Σ_{t∈T} C(s, t, |t|) / |T|

where ``S`` are the predicted spans and ``T`` the gold spans of every article, after merging
overlapping spans, and F1 is their harmonic mean. Details taken from the official code:

* A span ``[start, end)`` is the set of characters ``start .. end-1``; two spans overlap when they
  share a character. Touching spans (``a.end == b.start``) share none and are *not* merged.
  Overlapping spans are merged transitively (a chain of overlaps becomes one span).
* The official scorers always merge the gold spans; they merge the predicted ones only with the
  ``-m`` option and otherwise refuse a submission with overlapping spans. Here both sides are
  merged, which gives the official result on every submission the official scorer accepts and the
  ``-m`` result on the others.
* ``P = 0`` when there are no predicted spans, ``R = 0`` when there are no gold spans, and
  ``F1 = 0`` unless both are positive, except that ``F1 = 1.0`` when there are neither predicted
  nor gold spans (the official ``compute_prec_rec_f1``).
* Spans must have ``0 <= start < end``, as the official format check demands.
* Articles present on one side only count: their spans add to ``|S|`` or ``|T|`` and match
  nothing. (The official scorer loops over the submission's articles and crashes on one that gold
  lacks; counting it as unmatched is the only score consistent with the formula.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from spinscope.errors import SpanOffsetError

__all__ = ["ArticleId", "merge_spans", "score_flc", "score_si"]

#: An article identifier; compared as ``str(article_id)``, as the official scorers read them.
ArticleId = str | int

_Interval = tuple[int, int]


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping ``[start, end)`` spans; return them disjoint and sorted.

    Spans that only touch (``a.end == b.start``) share no character and stay apart, as in the
    official scorers.
    """
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _checked(side: str, row_no: int, article: object, start: int, end: int) -> _Interval:
    """Return ``(start, end)`` as ints, or raise if the span is not a valid non-empty range."""
    start_i, end_i = int(start), int(end)
    if start_i < 0 or end_i <= start_i:
        raise SpanOffsetError(
            f"{side} row {row_no}: span [{start}, {end}) of article {article!r} is not a valid "
            "span; scored spans need 0 <= start < end (drop empty spans before scoring)"
        )
    return start_i, end_i


def _overlap_sums(pred: list[_Interval], gold: list[_Interval]) -> tuple[float, float]:
    """Return ``Σ C(s, t, |s|)`` and ``Σ C(s, t, |t|)`` over two disjoint, sorted span lists."""
    prec_sum = rec_sum = 0.0
    i = j = 0
    while i < len(pred) and j < len(gold):
        (p_start, p_end), (g_start, g_end) = pred[i], gold[j]
        common = min(p_end, g_end) - max(p_start, g_start)
        if common > 0:
            prec_sum += common / (p_end - p_start)
            rec_sum += common / (g_end - g_start)
        # The span that ends first can overlap nothing further on the other side.
        if p_end <= g_end:
            i += 1
        else:
            j += 1
    return prec_sum, rec_sum


def _prf(prec_sum: float, n_pred: int, rec_sum: float, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 with the zero rules of the official ``compute_prec_rec_f1``."""
    precision = prec_sum / n_pred if n_pred > 0 else 0.0
    recall = rec_sum / n_gold if n_gold > 0 else 0.0
    if n_pred == 0 and n_gold == 0:
        return precision, recall, 1.0
    if precision > 0 and recall > 0:
        return precision, recall, 2 * precision * recall / (precision + recall)
    return precision, recall, 0.0


def _group(
    rows: Iterable[tuple[ArticleId, str, int, int]], side: str
) -> dict[tuple[str, str], list[_Interval]]:
    """Group rows by ``(article, technique)`` and merge the spans of each group."""
    raw: dict[tuple[str, str], list[_Interval]] = defaultdict(list)
    for row_no, (article, technique, start, end) in enumerate(rows, 1):
        raw[str(article), technique].append(_checked(side, row_no, article, start, end))
    return {key: merge_spans(spans) for key, spans in raw.items()}


def score_si(
    gold: Iterable[tuple[ArticleId, int, int]], pred: Iterable[tuple[ArticleId, int, int]]
) -> dict[str, float]:
    """Score span identification (SemEval-2020 Task 11 SI) as the official scorer does.

    ``gold`` and ``pred`` are rows ``(article_id, start, end)``. Returns ``precision``,
    ``recall``, ``f1`` (primary) and ``n_pred`` / ``n_gold``, the numbers of spans after merging.
    See the module docstring for the definition and its edge cases.
    """
    gold_spans = _group(((a, "", s, e) for a, s, e in gold), "gold")
    pred_spans = _group(((a, "", s, e) for a, s, e in pred), "predictions")
    prec_sum = rec_sum = 0.0
    for key, spans in pred_spans.items():
        p, r = _overlap_sums(spans, gold_spans.get(key, []))
        prec_sum += p
        rec_sum += r
    n_pred = sum(len(spans) for spans in pred_spans.values())
    n_gold = sum(len(spans) for spans in gold_spans.values())
    precision, recall, f1 = _prf(prec_sum, n_pred, rec_sum, n_gold)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "n_pred": float(n_pred),
        "n_gold": float(n_gold),
    }


def score_flc(
    gold: Iterable[tuple[ArticleId, str, int, int]],
    pred: Iterable[tuple[ArticleId, str, int, int]],
) -> dict[str, float]:
    """Score spans with techniques (FLC) as the official NLP4IF-2019 FLC scorer does.

    ``gold`` and ``pred`` are rows ``(article_id, technique, start, end)``. The SI formula applies,
    but a predicted and a gold span contribute only when their techniques are equal, and
    overlapping spans are merged per article *per technique* (two techniques on the same text stay
    two spans), as the official ``check_annotation_spans_with_category_matching`` does.

    Returns ``precision``, ``recall``, ``f1`` (primary), ``n_pred``, ``n_gold``, and for every
    technique found in gold or predictions ``precision/<T>``, ``recall/<T>`` and ``f1/<T>``: the
    same formula restricted to spans of technique ``T``. Two deliberate differences from the
    official per-technique printout: techniques absent from both sides are left out (officially
    F1 = 1.0), and recall uses the recall sum ``Σ C(s, t, |t|)`` (the official code divides the
    precision sum by the gold count, a slip that leaves the overall scores untouched).
    """
    gold_spans = _group(gold, "gold")
    pred_spans = _group(pred, "predictions")
    prec_by: dict[str, float] = defaultdict(float)
    rec_by: dict[str, float] = defaultdict(float)
    n_pred_by: dict[str, int] = defaultdict(int)
    n_gold_by: dict[str, int] = defaultdict(int)
    for (_, technique), spans in pred_spans.items():
        n_pred_by[technique] += len(spans)
    for (_, technique), spans in gold_spans.items():
        n_gold_by[technique] += len(spans)
    for key, spans in pred_spans.items():
        p, r = _overlap_sums(spans, gold_spans.get(key, []))
        prec_by[key[1]] += p
        rec_by[key[1]] += r

    n_pred, n_gold = sum(n_pred_by.values()), sum(n_gold_by.values())
    precision, recall, f1 = _prf(sum(prec_by.values()), n_pred, sum(rec_by.values()), n_gold)
    scores = {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "n_pred": float(n_pred),
        "n_gold": float(n_gold),
    }
    for technique in sorted(n_pred_by.keys() | n_gold_by.keys()):
        t_p, t_r, t_f1 = _prf(
            prec_by[technique], n_pred_by[technique], rec_by[technique], n_gold_by[technique]
        )
        scores[f"precision/{technique}"] = t_p
        scores[f"recall/{technique}"] = t_r
        scores[f"f1/{technique}"] = t_f1
    return scores
