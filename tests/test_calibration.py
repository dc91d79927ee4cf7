"""spinscope.calibration: Platt fits and sigmoids, shared by the tagger and the article models."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope.calibration import Calibration, fit_platt, logit, sigmoid, sigmoid_array


def test_platt_recovers_a_known_sigmoid() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=4000)
    y = (rng.random(4000) < 1 / (1 + np.exp(-(2.0 * z - 1.0)))).astype(int)
    a, b = fit_platt(z, y)
    assert a == pytest.approx(2.0, abs=0.25) and b == pytest.approx(-1.0, abs=0.2)


def test_separable_data_stay_finite() -> None:
    a, b = fit_platt(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([0, 0, 1, 1]))
    assert np.isfinite([a, b]).all() and a > 0


def test_weights_count_like_repeated_examples() -> None:
    z = np.array([-1.0, 0.0, 0.5, 2.0])
    y = np.array([0, 1, 0, 1])
    weighted = fit_platt(z, y, np.array([1.0, 2.0, 1.0, 3.0]))
    repeated = fit_platt(np.repeat(z, [1, 2, 1, 3]), np.repeat(y, [1, 2, 1, 3]))
    assert weighted == pytest.approx(repeated, abs=1e-9)


def test_a_strong_pull_keeps_the_fit_at_its_centre() -> None:
    z = np.array([-1.0, 0.0, 1.0])
    y = np.array([1.0, 0.0, 0.0])  # pulls a below zero on its own
    assert fit_platt(z, y, l2=1e6, center=(1.5, -0.5)) == pytest.approx((1.5, -0.5), abs=1e-4)


def test_no_examples_return_the_start() -> None:
    assert fit_platt([], [], start=(0.7, 0.2)) == (0.7, 0.2)
    assert Calibration.fit([], [], prior=Calibration(2.0, -1.0), strength=5.0) == Calibration(
        2.0, -1.0
    )


def test_calibration_fit_recovers_a_monotone_mapping() -> None:
    rng = np.random.default_rng(0)
    raw = rng.uniform(0.05, 0.95, 4000)
    true_p = 1 / (1 + np.exp(-(2.0 * np.log(raw / (1 - raw)) - 1.0)))
    target = (rng.uniform(size=raw.size) < true_p).astype(float)
    cal = Calibration.fit(raw.tolist(), target.tolist())
    assert cal.a == pytest.approx(2.0, abs=0.25)
    assert cal.b == pytest.approx(-1.0, abs=0.2)
    assert cal.inverse(cal(0.3)) == pytest.approx(0.3, abs=1e-6)


def test_a_technique_with_few_spans_stays_near_the_pooled_calibration() -> None:
    pooled = Calibration(1.0, -2.5)
    few = Calibration.fit([0.2, 0.6, 0.9], [1.0, 0.0, 0.0], prior=pooled, strength=20.0)
    alone = Calibration.fit([0.2, 0.6, 0.9], [1.0, 0.0, 0.0])
    assert abs(few.a - pooled.a) < abs(alone.a - pooled.a)
    assert few.a > 0  # not turned around by three spans


def test_the_identity_calibration_returns_the_raw_score() -> None:
    for raw in (0.01, 0.3, 0.5, 0.97):
        assert Calibration()(raw) == pytest.approx(raw, abs=1e-12)


def test_scores_at_and_beyond_the_ends_stay_in_the_unit_interval() -> None:
    cal = Calibration(50.0, 3.0)  # steep enough to overflow exp() without the guard
    for raw in (0.0, 1e-9, 0.5, 1.0):
        assert 0.0 <= cal(raw) <= 1.0
    assert sigmoid(-1000.0) == 0.0 and sigmoid(1000.0) == 1.0
    assert logit(0.0) == pytest.approx(math.log(1e-6 / (1 - 1e-6)))


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20))
def test_array_sigmoid_keeps_the_dtype_and_matches_the_scalar_one(zs: list[float]) -> None:
    z64 = np.array(zs, dtype=np.float64)
    out = sigmoid_array(z64)
    assert out.dtype == np.float64
    assert ((out >= 0) & (out <= 1)).all()
    for z, p in zip(zs, out, strict=True):
        assert p == pytest.approx(sigmoid(min(max(z, -40.0), 40.0)), rel=1e-12, abs=1e-300)
    assert sigmoid_array(z64.astype(np.float32)).dtype == np.float32


def test_calibration_needs_neither_scikit_learn_nor_torch() -> None:
    code = (
        "import sys\n"
        "import spinscope.calibration, spinscope.tagger.decode, spinscope.article.models\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sklearn', 'torch')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
