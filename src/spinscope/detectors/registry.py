"""The detectors by name: :func:`load_detector` builds one, :func:`tagger_of` finds its tagger."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from spinscope.detectors.base import Detector
from spinscope.errors import InputError

if TYPE_CHECKING:
    from spinscope.coverage import Coverage
    from spinscope.tagger.model import Tagger

__all__ = [
    "DETECTORS",
    "MODEL_FILES",
    "check_model_folder",
    "detector_choice",
    "detector_coverage",
    "load_detector",
    "tagger_of",
]

#: The detectors :func:`load_detector` builds.
DETECTORS: tuple[str, ...] = ("hybrid", "tagger", "baseline")


#: The files of a model folder (what ``spinscope train`` writes to ``OUT/model``).
MODEL_FILES: tuple[str, ...] = ("model.onnx", "tokenizer.json", "config.json")


def check_model_folder(path: str | os.PathLike[str]) -> Path:
    """``path`` as a :class:`~pathlib.Path` if it is a model folder, else an :class:`InputError`.

    The message names the folder and what it lacks, and points at ``path/model`` when that is
    the model folder (``spinscope train -o OUT`` writes the model to ``OUT/model``).
    """
    folder = Path(path)
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise InputError(
            f"model folder {str(folder)!r} {what}: give the folder that holds "
            f"{', '.join(MODEL_FILES)} (spinscope train -o OUT writes it to OUT/model)."
        )
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        inner = folder / "model"
        hint = (
            f" Did you mean {str(inner)!r}? spinscope train -o OUT writes the model there."
            if all((inner / name).is_file() for name in MODEL_FILES)
            else " spinscope train -o OUT writes a model folder to OUT/model."
        )
        raise InputError(
            f"{str(folder)!r} is not a model folder: it has no {', '.join(missing)} (a model "
            f"folder holds {', '.join(MODEL_FILES)}).{hint}"
        )
    return folder


def detector_choice(
    name: str | None = None, *, model: str | os.PathLike[str] | None = None
) -> tuple[str, str | None]:
    """The name of the detector :func:`load_detector` would build, and its note; nothing loads.

    For a parent process that hands the work to processes of its own (:mod:`spinscope.parallel`)
    and must still say which detector ran. The same checks of ``name`` and ``model`` are made.
    """
    from spinscope.tagger.model import default_model_dir

    if _checked_choice(name, model) is not None:
        return name or "hybrid", None
    if name is not None:
        return name, None
    folder = default_model_dir()
    if not (folder / "model.onnx").is_file():
        return "baseline", _missing_model_note(folder)
    return "hybrid", None


def _checked_choice(name: str | None, model: str | os.PathLike[str] | None) -> Path | None:
    """Check a detector name and model folder together; the folder, if one is given."""
    if name not in (None, *DETECTORS):
        raise InputError(f"unknown detector {name!r}; use one of: {', '.join(DETECTORS)}.")
    if model is None:
        return None
    if name == "baseline":
        raise InputError(
            "a model folder is run by the hybrid or the tagger detector; the baseline has "
            "no model (drop --detector baseline or --model)."
        )
    return check_model_folder(model)


def _missing_model_note(folder: Path) -> str:
    return (
        f"the tagger's model is not installed (no model.onnx in {folder}); using the "
        "rule-based baseline instead. Pass --detector baseline to silence this note."
    )


def load_detector(
    name: str | None = None,
    *,
    threshold: float | None = None,
    threads: int | None = None,
    model: str | os.PathLike[str] | None = None,
) -> tuple[Detector, str | None]:
    """Build and load a detector; return it and a note to show the user, if any.

    ``name`` is ``"hybrid"`` (the tagger plus the baseline's rules, the default),
    ``"tagger"`` (the trained model alone), ``"baseline"`` (rules alone) or ``None``: the
    hybrid when the model is installed, else the baseline, with a note saying so. A model that
    cannot be loaded (missing when asked for by name, or broken) raises
    :class:`~spinscope.errors.ModelError`. ``threshold`` goes to the tagger and the hybrid
    (the baseline has none: callers filter its spans on score). ``threads`` caps the tagger's
    onnxruntime threads (default: up to 4, one per core).

    ``model`` is a model folder (``spinscope train`` writes one) that the tagger loads instead
    of the shipped model (default: the hybrid on it); one that is not a model folder raises an
    :class:`~spinscope.errors.InputError` naming it.
    """
    from spinscope.detectors.baseline import BaselineDetector
    from spinscope.detectors.hybrid import HybridDetector
    from spinscope.tagger.model import Tagger

    folder = _checked_choice(name, model)
    if folder is not None:
        tagger = Tagger(folder, threshold=threshold, threads=threads)
        if name == "tagger":
            return tagger.load(), None
        return HybridDetector(tagger, threshold=threshold).load(), None
    if name == "baseline":
        return BaselineDetector().load(), None
    tagger = Tagger(threshold=threshold, threads=threads)
    if name is None and not (tagger.path / "model.onnx").is_file():
        # Only a missing model falls back: a broken one must not pass silently.
        return BaselineDetector().load(), _missing_model_note(tagger.path)
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
