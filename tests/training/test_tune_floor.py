"""The possible floor: where the dev precision of spans below the cut-off drops under 10 %."""

from __future__ import annotations

import pytest

import spinscope.training.tune as tune
from spinscope.tagger.decode import DecodeConfig


def _with_spans(monkeypatch: pytest.MonkeyPatch, bins: dict[float, tuple[int, float]]) -> None:
    """Dev spans: for each score, ``n`` spans of which a share ``right`` are fully right."""
    triples = []
    for score, (n, right) in bins.items():
        good = round(n * right)
        triples += [("Doubt", score, 1.0)] * good + [("Doubt", score, 0.0)] * (n - good)
    monkeypatch.setattr(tune, "calibration_targets", lambda items, cfg: triples)


def test_the_floor_is_the_edge_of_the_last_bin_that_is_precise_enough(monkeypatch) -> None:
    # identity calibration is not the default: fix one that returns the raw score
    cfg = DecodeConfig(threshold=0.16)
    monkeypatch.setattr(DecodeConfig, "calibrate", lambda self, t, raw: raw)
    _with_spans(
        monkeypatch,
        {0.15: (100, 0.13), 0.13: (100, 0.11), 0.11: (100, 0.08), 0.05: (100, 0.5), 0.2: (9, 1)},
    )
    assert tune.tune_possible_floor([], cfg).possible_floor == 0.12


def test_no_floor_when_the_first_bin_is_too_imprecise_or_too_small(monkeypatch) -> None:
    cfg = DecodeConfig(threshold=0.16)
    monkeypatch.setattr(DecodeConfig, "calibrate", lambda self, t, raw: raw)
    _with_spans(monkeypatch, {0.15: (100, 0.05)})
    assert tune.tune_possible_floor([], cfg).possible_floor is None
    _with_spans(monkeypatch, {0.15: (5, 1.0)})
    assert tune.tune_possible_floor([], cfg).possible_floor is None
