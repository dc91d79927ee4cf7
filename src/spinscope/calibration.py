"""Platt scaling, one implementation for the tagger's span scores and the article models.

A Platt mapping turns a score ``z`` into a probability ``sigmoid(a * z + b)``. The tagger maps
a span's raw score (a mean probability) through its logit (:class:`Calibration`); the article
models map the logits of their linear heads (:mod:`spinscope.article.models`, fitted in
:mod:`spinscope.article.train`). :func:`fit_platt` fits ``a, b`` for both, by Newton's method
on the (weighted, soft-target) log-loss with an L2 pull towards a centre.

numpy only: the runtime never imports scikit-learn or torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = [
    "Calibration",
    "fit_platt",
    "fit_temperature",
    "logit",
    "sigmoid",
    "sigmoid_array",
    "softmax_array",
]

#: Probabilities are kept this far from 0 and 1 before taking their logit.
EPSILON = 1e-6
#: Logits are clipped to ``[-CLIP, CLIP]`` in :func:`sigmoid_array` (``exp`` never overflows).
CLIP = 40.0

_Float = TypeVar("_Float", bound=np.floating[Any])


def logit(p: float) -> float:
    """``log(p / (1 - p))``, with ``p`` first clipped to ``[EPSILON, 1 - EPSILON]``."""
    r = min(max(p, EPSILON), 1 - EPSILON)
    return math.log(r / (1 - r))


def sigmoid(z: float) -> float:
    """``1 / (1 + exp(-z))`` of one number."""
    if z < -700.0:  # exp(-z) would overflow; the true value is below 1e-304
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def sigmoid_array(z: npt.NDArray[_Float]) -> npt.NDArray[_Float]:
    """``1 / (1 + exp(-z))`` elementwise, in ``z``'s dtype, with ``z`` clipped to ``±CLIP``."""
    out: npt.NDArray[_Float] = 1.0 / (1.0 + np.exp(-np.clip(z, -CLIP, CLIP)))
    return out


def softmax_array(z: npt.NDArray[_Float]) -> npt.NDArray[_Float]:
    """Row-wise softmax of ``z`` (``(n, k)``), in ``z``'s dtype; rows sum to 1."""
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(np.clip(shifted, -CLIP * 10, 0.0))
    out: npt.NDArray[_Float] = e / e.sum(axis=-1, keepdims=True)
    return out


def fit_temperature(
    z: npt.ArrayLike, y: npt.ArrayLike, *, l2: float = 1e-3, iters: int = 300
) -> tuple[float, npt.NDArray[np.float64]]:
    """``(a, b)`` minimising the log-loss of ``softmax(a * z + b)`` against class indices ``y``.

    The multi-class counterpart of :func:`fit_platt`: one scale ``a`` for all classes and one
    bias per class (``b`` sums to 0), with an L2 pull towards ``a = 1, b = 0``. Gradient
    descent with step halving; without examples, ``(1, 0)`` is returned.
    """
    zz = np.asarray(z, dtype=np.float64)
    yy = np.asarray(y, dtype=np.int_)
    k = zz.shape[1] if zz.ndim == 2 else 0
    a, b = 1.0, np.zeros(k)
    if len(yy) == 0 or k == 0:
        return a, b
    onehot = np.eye(k)[yy]

    def loss(a_: float, b_: npt.NDArray[np.float64]) -> float:
        p = softmax_array(a_ * zz + b_)
        nll = -float(np.mean(np.log(np.clip((p * onehot).sum(1), 1e-12, None))))
        return nll + l2 * ((a_ - 1.0) ** 2 + float((b_**2).sum()))

    current, step = loss(a, b), 1.0
    for _ in range(iters):
        p = softmax_array(a * zz + b)
        diff = (p - onehot) / len(yy)
        grad_a = float((diff * zz).sum()) + 2 * l2 * (a - 1.0)
        grad_b = diff.sum(0) + 2 * l2 * b
        while step > 1e-8:
            a_new, b_new = a - step * grad_a, b - step * grad_b
            new = loss(a_new, b_new)
            if new <= current:
                a, b, current = a_new, b_new - b_new.mean(), new
                step *= 1.5
                break
            step /= 2
        else:
            break
    return float(a), b


def fit_platt(
    z: npt.ArrayLike,
    y: npt.ArrayLike,
    weight: npt.ArrayLike | None = None,
    *,
    l2: float = 1e-3,
    center: tuple[float, float] = (0.0, 0.0),
    start: tuple[float, float] = (1.0, 0.0),
    iters: int = 100,
) -> tuple[float, float]:
    """``(a, b)`` minimising the log-loss of ``sigmoid(a * z + b)`` against targets ``y``.

    The loss is the ``weight``-weighted mean over the examples (``y`` may be soft, in
    ``[0, 1]``) plus ``l2 / 2 * |(a, b) - center|^2``: a small pull towards zero keeps
    separable data finite, a stronger pull towards another fit keeps a class with few examples
    close to it. Newton's method from ``start``; without examples, ``start`` is returned.
    """
    zs = np.asarray(z, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if zs.size == 0:
        return float(start[0]), float(start[1])
    w = np.ones_like(zs) if weight is None else np.asarray(weight, dtype=np.float64)
    w = w / w.sum()
    a0, b0 = center
    a, b = start
    # without a penalty, a tiny ridge keeps the step defined where the examples cannot fix
    # both parameters (every score equal, or every example saturated)
    ridge = l2 if l2 > 0 else 1e-12
    for _ in range(iters):
        p = sigmoid_array(a * zs + b)
        g = w * (p - ys)
        grad = np.array([(g * zs).sum() + l2 * (a - a0), g.sum() + l2 * (b - b0)])
        h = w * p * (1 - p)
        hzz, hz, h1 = (h * zs * zs).sum(), (h * zs).sum(), h.sum()
        hess = np.array([[hzz + ridge, hz], [hz, h1 + ridge]])
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-9:
            break
    return float(a), float(b)


@dataclass
class Calibration:
    """Platt scaling ``p = sigmoid(a * logit(raw) + b)`` of a raw score in (0, 1)."""

    a: float = 1.0
    b: float = 0.0

    def __call__(self, raw: float) -> float:
        """Calibrated probability for a raw score in (0, 1)."""
        return sigmoid(self.a * logit(raw) + self.b)

    def inverse(self, p: float) -> float:
        """The raw score whose calibrated probability is ``p``."""
        return sigmoid((logit(p) - self.b) / self.a)

    @classmethod
    def fit(
        cls,
        raw: Sequence[float],
        target: Sequence[float],
        iters: int = 200,
        prior: Calibration | None = None,
        strength: float = 0.0,
    ) -> Calibration:
        """Fit ``a, b`` on the (soft) targets in [0, 1] (:func:`fit_platt` on the raw logits).

        With a ``prior``, an L2 penalty of ``strength`` (on the summed loss) pulls ``a, b``
        towards it, so that a technique with few spans keeps close to the pooled calibration.
        """
        r = np.clip(np.asarray(raw, dtype=np.float64), EPSILON, 1 - EPSILON)
        x = np.log(r / (1 - r))
        centre = (prior.a, prior.b) if prior is not None else (1.0, 0.0)
        a, b = fit_platt(
            x, target, l2=strength / max(len(x), 1), center=centre, start=centre, iters=iters
        )
        return cls(a, b)
