"""The detectors by name: :func:`load_detector` builds one, :func:`tagger_of` finds its tagger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spinscope.detectors.base import Detector
from spinscope.errors import InputError

if TYPE_CHECKING:
    from spinscope.coverage import Coverage
    from spinscope.tagger.model import Tagger

__all__ = ["DETECTORS", "detector_coverage", "load_detector", "tagger_of"]

#: The detectors :func:`load_detector` builds.
DETECTORS: tuple[str, ...] = ("hybrid", "tagger", "baseline")


def load_detector(
    name: str | None = None, *, threshold: float | None = None, threads: int | None = None
) -> tuple[Detector, str | None]:
    """Build and load a detector; return it and a note to show the user, if any.

    ``name`` is ``"hybrid"`` (the tagger plus the baseline's rules, the default),
    ``"tagger"`` (the trained model alone), ``"baseline"`` (rules alone) or ``None``: the
    hybrid when the model is installed, else the baseline, with a note saying so. A model that
    cannot be loaded (missing when asked for by name, or broken) raises
    :class:`~spinscope.errors.ModelError`. ``threshold`` goes to the tagger and the hybrid
    (the baseline has none: callers filter its spans on score). ``threads`` caps the tagger's
    onnxruntime threads (default: up to 4, one per core).
    """
    from spinscope.detectors.baseline import BaselineDetector
    from spinscope.detectors.hybrid import HybridDetector
    from spinscope.tagger.model import Tagger

    if name not in (None, *DETECTORS):
        raise InputError(f"unknown detector {name!r}; use one of: {', '.join(DETECTORS)}.")
    if name == "baseline":
        return BaselineDetector().load(), None
    tagger = Tagger(threshold=threshold, threads=threads)
    if name is None and not (tagger.path / "model.onnx").is_file():
        # Only a missing model falls back: a broken one must not pass silently.
        note = (
            f"the tagger's model is not installed (no model.onnx in {tagger.path}); using the "
            "rule-based baseline instead. Pass --detector baseline to silence this note."
        )
        return BaselineDetector().load(), note
    if name == "tagger":
        return tagger.load(), None
    return HybridDetector(tagger, threshold=threshold).load(), None


def tagger_of(detector: object) -> Tagger | None:
    """The tagger a detector runs: the tagger itself, or the one it holds (the hybrid's).

    The tagger's outputs (:meth:`~spinscope.tagger.model.Tagger.article_probs`) can then be
    computed once and passed to the detector and to the article models.
    """
    from spinscope.tagger.model import Tagger

    if isinstance(detector, Tagger):
        return detector
    inner = getattr(detector, "tagger", None)
    return inner if isinstance(inner, Tagger) else None


def detector_coverage(name: str | None) -> Coverage | None:
    """The coverage statement of the installed detector ``name``, without loading its model.

    ``None`` resolves as :func:`load_detector` does; ``None`` is returned when the model's
    config holds no coverage record.
    """
    import json

    from spinscope.coverage import stored_coverage
    from spinscope.detectors.baseline import BaselineDetector
    from spinscope.tagger.model import default_model_dir

    config = default_model_dir() / "config.json"
    if name == "baseline" or (name is None and not config.is_file()):
        return BaselineDetector().coverage
    if not config.is_file():
        return None
    return stored_coverage(json.loads(config.read_text(encoding="utf-8")), name or "hybrid")
