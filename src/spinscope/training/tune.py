"""Choose decoding settings and the score calibration on the development articles.

Everything here works on stored per-token probabilities, so a grid of decoding settings costs
no model runs. The search is deliberately small (one global threshold, one hysteresis ratio,
one merge gap) so that it generalises: per-technique thresholds tuned greedily lowered pooled
FLC F1 in our first try.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from spinscope.document import Document, Span
from spinscope.scoring import score_flc, score_si
from spinscope.tagger.decode import Calibration, DecodeConfig, decode

__all__ = [
    "Item",
    "calibration_targets",
    "covered_share",
    "crossfit",
    "evaluate_decoding",
    "fit_calibration",
    "paragraph_f1",
    "tune_decoding",
    "tune_possible_floor",
    "tune_possible_high",
    "tune_si",
    "tune_threshold",
]


@dataclass(frozen=True)
class Item:
    """A gold development article with the model's token probabilities for it."""

    doc: Document
    offsets: npt.NDArray[np.int64]
    probs: npt.NDArray[np.float32]


def _rows(doc_id: str, spans: Iterable[Span]) -> list[tuple[str, str, int, int]]:
    return [(doc_id, s.label, s.start, s.end) for s in spans]


def evaluate_decoding(items: Sequence[Item], cfg: DecodeConfig) -> dict[str, float]:
    """FLC and SI figures of decoding ``items`` with ``cfg`` against their ``techniques`` layer."""
    return _figures(items, [decode(it.doc.text, it.offsets, it.probs, cfg) for it in items])


def _figures(items: Sequence[Item], decoded: Sequence[Sequence[Span]]) -> dict[str, float]:
    """FLC and SI figures of ``decoded`` (one span list per item) against the gold."""
    gold: list[tuple[str, str, int, int]] = []
    pred: list[tuple[str, str, int, int]] = []
    for it, spans in zip(items, decoded, strict=True):
        gold += _rows(it.doc.id, it.doc.layer("techniques"))
        pred += _rows(it.doc.id, spans)
    flc = score_flc(gold, pred)
    si = score_si([(g[0], g[2], g[3]) for g in gold], [(p[0], p[2], p[3]) for p in pred])
    out = {f"flc_{k}": v for k, v in flc.items()}
    out.update({f"si_{k}": v for k, v in si.items() if "/" not in k})
    return out


def paragraph_f1(items: Sequence[Item], cfg: DecodeConfig) -> float:
    """Subtask-3 micro-F1: each paragraph gets the techniques of the decoded spans overlapping it.

    Gold: the ``paragraph_techniques`` layer (paragraphs not in it have no technique).
    """
    from spinscope.segment import paragraphs

    tp = fp = fn = 0
    for it in items:
        gold: dict[tuple[int, int], set[str]] = {}
        for s in it.doc.layer("paragraph_techniques"):
            gold.setdefault((s.start, s.end), set()).add(s.label)
        spans = decode(it.doc.text, it.offsets, it.probs, cfg)
        for para in paragraphs(it.doc.text):
            pred = {s.label for s in spans if s.start < para.end and para.start < s.end}
            want = gold.get((para.start, para.end), set())
            tp += len(pred & want)
            fp += len(pred - want)
            fn += len(want - pred)
    return 2 * tp / max(2 * tp + fp + fn, 1)


def covered_share(span: Span, gold: Iterable[Span]) -> float:
    """The share of ``span``'s characters that the ``gold`` spans cover (0 for an empty span)."""
    if not len(span):
        return 0.0
    covered = np.zeros(len(span), dtype=bool)
    for g in gold:
        if g.overlaps(span):
            lo = max(g.start, span.start) - span.start
            covered[lo : min(g.end, span.end) - span.start] = True
    return float(covered.mean())


def calibration_targets(items: Sequence[Item], cfg: DecodeConfig) -> list[tuple[str, float, float]]:
    """``(technique, raw score, target)`` per decoded span.

    The target is the share of the span covered by gold spans of its technique: the span's
    contribution to FLC precision.
    """
    uncal = replace(cfg, calibration=Calibration(), calibration_by_technique={}, threshold=0.0)
    out: list[tuple[str, float, float]] = []
    for it in items:
        gold = it.doc.layer("techniques")
        for span in decode(it.doc.text, it.offsets, it.probs, uncal):
            same = [g for g in gold if g.label == span.label]
            out.append((span.label, span.score, covered_share(span, same)))
    return out


def fit_calibration(
    items: Sequence[Item], cfg: DecodeConfig, min_spans: int = 20, strength: float = 20.0
) -> DecodeConfig:
    """``cfg`` with a pooled calibration and one per technique that has ``min_spans`` spans."""
    triples = calibration_targets(items, cfg)
    if not triples:
        return cfg
    pooled = Calibration.fit([t[1] for t in triples], [t[2] for t in triples])
    by: dict[str, Calibration] = {}
    for label in sorted({t[0] for t in triples}):
        mine = [t for t in triples if t[0] == label]
        if len(mine) >= min_spans:
            by[label] = Calibration.fit(
                [t[1] for t in mine], [t[2] for t in mine], prior=pooled, strength=strength
            )
    return replace(cfg, calibration=pooled, calibration_by_technique=by)


def tune_threshold(
    items: Sequence[Item], cfg: DecodeConfig, grid: Sequence[float] | None = None
) -> tuple[DecodeConfig, list[dict[str, Any]]]:
    """Choose the cut-off on calibrated scores that maximises pooled FLC F1.

    The spans proposed do not depend on the cut-off, so the articles are decoded once and the
    spans filtered by score for each value of the grid.
    """
    grid = grid if grid is not None else [round(0.02 * i, 2) for i in range(21)]
    every = [decode(it.doc.text, it.offsets, it.probs, replace(cfg, threshold=0.0)) for it in items]
    table = []
    best: tuple[float, float] | None = None
    for t in grid:
        f = _figures(items, [[s for s in spans if s.score >= t] for spans in every])
        table.append({"threshold": t, **{k: v for k, v in f.items() if "/" not in k}})
        if best is None or f["flc_f1"] > best[0]:
            best = (f["flc_f1"], t)
    assert best is not None
    return replace(cfg, threshold=best[1]), table


def tune_decoding(
    items: Sequence[Item],
    grid: dict[str, Sequence[Any]] | None = None,
    base: DecodeConfig | None = None,
) -> tuple[DecodeConfig, list[dict[str, Any]]]:
    """Choose every decoding setting on ``items`` (the development articles).

    1. for each point of a small grid of ``high``, ``low_ratio`` and ``max_gap``: fit the
       calibrations (:func:`fit_calibration`) and choose the cut-off on calibrated scores
       (:func:`tune_threshold`); keep the point with the best pooled FLC F1;
    2. choose the span-identification threshold ``si_high`` (:func:`tune_si`);
    3. add a lower proposal level for the possible tier where FLC F1 allows
       (:func:`tune_possible_high`);
    4. choose the lowest score of a ``possible`` span (:func:`tune_possible_floor`).

    Returns the chosen config and one record per setting tried.
    """
    base = base or DecodeConfig()
    grid = grid or {
        "high": [0.3, 0.4, 0.5, 0.6, 0.7],
        "low_ratio": [0.5, 0.7, 0.85],
        "max_gap": [10, 25, 40],
    }
    keys = list(grid)
    table: list[dict[str, Any]] = []
    best: tuple[float, DecodeConfig] | None = None
    for values in itertools.product(*(grid[k] for k in keys)):
        point = dict(zip(keys, values, strict=True))
        cfg = fit_calibration(items, replace(base, **point))
        cfg, _ = tune_threshold(items, cfg, [round(0.02 * i, 2) for i in range(16)])
        figures = evaluate_decoding(items, cfg)
        table.append({**point, "threshold": cfg.threshold, **figures})
        if best is None or figures["flc_f1"] > best[0]:
            best = (figures["flc_f1"], cfg)
    assert best is not None
    chosen, si_table = tune_si(items, best[1])
    chosen, weak_table = tune_possible_high(items, chosen, best[0])
    return tune_possible_floor(items, chosen), table + si_table + weak_table


def tune_possible_high(
    items: Sequence[Item],
    cfg: DecodeConfig,
    f1: float,
    levels: Sequence[float] = (0.3, 0.4),
    tolerance: float = 0.005,
) -> tuple[DecodeConfig, list[dict[str, Any]]]:
    """Add a second, lower proposal level if pooled FLC F1 stays within ``tolerance`` of ``f1``.

    The weak runs feed the ``possible`` tier (what a reader should see when the model is
    unsure); with them the calibrations and the cut-off are fitted again. Of the ``levels``
    that keep FLC F1 within ``tolerance``, the lowest is kept; none when all lose more.
    """
    table: list[dict[str, Any]] = []
    kept = cfg
    for level in sorted(levels, reverse=True):
        if level >= cfg.high:
            continue
        trial = fit_calibration(items, replace(cfg, possible_high=level))
        trial, _ = tune_threshold(items, trial, [round(0.02 * i, 2) for i in range(16)])
        figures = evaluate_decoding(items, trial)
        table.append({"possible_high": level, "threshold": trial.threshold, **figures})
        if figures["flc_f1"] >= f1 - tolerance:
            kept = trial
    return kept, table


def tune_possible_floor(
    items: Sequence[Item],
    cfg: DecodeConfig,
    *,
    precision: float = 0.10,
    width: float = 0.02,
    min_spans: int = 20,
) -> DecodeConfig:
    """``cfg`` with ``possible_floor``: the lowest score still worth showing as ``possible``.

    The dev spans scored below the cut-off are put in bins of ``width`` going down from it; the
    floor is the lower edge of the last bin, in that walk, whose spans are on average at least
    ``precision`` precise (a span's precision: the share of it covered by gold spans of its
    technique, as FLC counts it) and that holds at least ``min_spans`` spans. ``None`` when the
    first bin below the cut-off already fails.
    """
    triples = calibration_targets(items, cfg)  # raw scores: calibrate them as decode does
    scored = [(round(cfg.calibrate(label, raw), 4), target) for label, raw, target in triples]
    floor: float | None = None
    top = cfg.threshold
    while top - width >= 0.0:
        low = round(top - width, 4)
        inside = [t for s, t in scored if low <= s < top]
        if len(inside) < min_spans or sum(inside) / len(inside) < precision:
            break
        floor, top = low, low
    return replace(cfg, possible_floor=floor)


def crossfit(items: Sequence[Item], folds: int = 2) -> dict[str, float]:
    """Honest figures for :func:`tune_decoding`: tune on all folds but one, score the held-out.

    Returns the pooled FLC/SI figures over the held-out folds' predictions.
    """
    gold: list[tuple[str, str, int, int]] = []
    pred: list[tuple[str, str, int, int]] = []
    si_pred: list[tuple[str, str, int, int]] = []
    ordered = sorted(items, key=lambda it: it.doc.id)
    for k in range(folds):
        held = [it for i, it in enumerate(ordered) if i % folds == k]
        rest = [it for i, it in enumerate(ordered) if i % folds != k]
        cfg, _ = tune_decoding(rest)
        for it in held:
            gold += _rows(it.doc.id, it.doc.layer("techniques"))
            pred += _rows(it.doc.id, decode(it.doc.text, it.offsets, it.probs, cfg))
            si_pred += _rows(it.doc.id, decode(it.doc.text, it.offsets, it.probs, cfg.for_si()))
    flc = score_flc(gold, pred)
    si = score_si([(g[0], g[2], g[3]) for g in gold], [(p[0], p[2], p[3]) for p in si_pred])
    out = {f"flc_{k}": v for k, v in flc.items() if "/" not in k}
    out.update({f"si_{k}": v for k, v in si.items() if "/" not in k})
    return out


def tune_si(
    items: Sequence[Item], cfg: DecodeConfig, highs: Sequence[float] = (0.3, 0.4, 0.5, 0.6)
) -> tuple[DecodeConfig, list[dict[str, Any]]]:
    """Choose ``si_high``, the threshold of span identification, for SI F1 on ``items``."""
    table = []
    best: tuple[float, float] | None = None
    for high in highs:
        figures = evaluate_decoding(items, replace(cfg, si_high=high).for_si())
        table.append({"si_high": high, **{k: v for k, v in figures.items() if k.startswith("si_")}})
        if best is None or figures["si_f1"] > best[0]:
            best = (figures["si_f1"], high)
    assert best is not None
    return replace(cfg, si_high=best[1]), table
