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

__all__ = ["Item", "calibration_targets", "evaluate_decoding", "tune_decoding"]


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
    gold: list[tuple[str, str, int, int]] = []
    pred: list[tuple[str, str, int, int]] = []
    for it in items:
        gold += _rows(it.doc.id, it.doc.layer("techniques"))
        pred += _rows(it.doc.id, decode(it.doc.text, it.offsets, it.probs, cfg))
    flc = score_flc(gold, pred)
    si = score_si([(g[0], g[2], g[3]) for g in gold], [(p[0], p[2], p[3]) for p in pred])
    out = {f"flc_{k}": v for k, v in flc.items()}
    out.update({f"si_{k}": v for k, v in si.items() if "/" not in k})
    return out


def calibration_targets(
    items: Sequence[Item], cfg: DecodeConfig
) -> tuple[list[float], list[float]]:
    """Raw span scores and soft targets: the share of each span covered by gold of its technique."""
    uncal = replace(cfg, calibration=Calibration(), threshold=0.0)
    raw: list[float] = []
    target: list[float] = []
    for it in items:
        gold = [s for s in it.doc.layer("techniques")]
        for span in decode(it.doc.text, it.offsets, it.probs, uncal):
            covered = np.zeros(len(span), dtype=bool)
            for g in gold:
                if g.label == span.label and g.overlaps(span):
                    covered[
                        max(g.start, span.start) - span.start : min(g.end, span.end) - span.start
                    ] = True
            raw.append(span.score)
            target.append(float(covered.mean()) if len(span) else 0.0)
    return raw, target


def tune_decoding(
    items: Sequence[Item],
    grid: dict[str, Sequence[Any]] | None = None,
    base: DecodeConfig | None = None,
) -> tuple[DecodeConfig, list[dict[str, Any]]]:
    """Grid-search decoding settings for pooled FLC F1; fit the calibration on the winner.

    Returns the chosen config (with calibration, threshold 0) and one record per grid point.
    """
    base = base or DecodeConfig()
    grid = grid or {
        "high": [0.3, 0.4, 0.5, 0.6, 0.7],
        "low_ratio": [0.5, 0.7, 1.0],
        "max_gap": [0, 10, 25],
    }
    keys = list(grid)
    table: list[dict[str, Any]] = []
    best: tuple[float, DecodeConfig] | None = None
    for values in itertools.product(*(grid[k] for k in keys)):
        cfg = replace(base, **dict(zip(keys, values, strict=True)))
        figures = evaluate_decoding(items, cfg)
        table.append({**dict(zip(keys, values, strict=True)), **figures})
        if best is None or figures["flc_f1"] > best[0]:
            best = (figures["flc_f1"], cfg)
    assert best is not None
    chosen = best[1]
    raw, target = calibration_targets(items, chosen)
    if raw:
        chosen = replace(chosen, calibration=Calibration.fit(raw, target))
    return chosen, table
