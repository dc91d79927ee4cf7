"""Technique detectors: pipeline components that mark persuasion-technique spans."""

from __future__ import annotations

from spinscope.detectors.base import DEFAULT_LAYER, BaseDetector, Detector
from spinscope.detectors.baseline import (
    DEFAULT_RULES,
    PRECISE_RULES,
    RULES,
    BaselineDetector,
)
from spinscope.detectors.registry import DETECTORS, load_detector, tagger_of

__all__ = [
    "DEFAULT_LAYER",
    "DEFAULT_RULES",
    "DETECTORS",
    "PRECISE_RULES",
    "RULES",
    "BaseDetector",
    "BaselineDetector",
    "Detector",
    "load_detector",
    "tagger_of",
]
