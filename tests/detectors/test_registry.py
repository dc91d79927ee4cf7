"""spinscope.detectors.registry: detectors by name, and the tagger a detector runs."""

from __future__ import annotations

import pytest

from spinscope.detectors import DETECTORS, load_detector, tagger_of
from spinscope.detectors.baseline import BaselineDetector
from spinscope.detectors.hybrid import HybridDetector
from spinscope.errors import InputError, ModelError
from spinscope.tagger.model import Tagger, default_model_dir


def test_a_missing_model_falls_back_to_the_baseline_with_a_note(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("spinscope.tagger.model.default_model_dir", lambda: tmp_path)
    detector, note = load_detector()
    assert detector.name == "baseline" and note and "baseline" in note
    assert load_detector("baseline")[1] is None
    with pytest.raises(ModelError):
        load_detector("tagger")
    with pytest.raises(InputError, match="unknown detector"):
        load_detector("oracle")


def test_every_name_builds_its_detector() -> None:
    if not (default_model_dir() / "model.onnx").is_file():
        pytest.skip("the tagger's model is not installed")
    built = {name: load_detector(name, threshold=0.2, threads=1) for name in DETECTORS}
    assert {name: d.name for name, (d, _) in built.items()} == {n: n for n in DETECTORS}
    assert all(note is None for _, note in built.values())
    hybrid = built["hybrid"][0]
    assert isinstance(hybrid, HybridDetector) and hybrid.tagger.threshold == 0.2
    assert load_detector()[0].name == "hybrid"


def test_tagger_of_finds_the_tagger_a_detector_runs() -> None:
    tagger = Tagger()
    assert tagger_of(tagger) is tagger
    assert tagger_of(HybridDetector(tagger)) is tagger
    assert tagger_of(BaselineDetector()) is None
    assert tagger_of(object()) is None


def test_the_submission_module_still_exports_load_detector() -> None:
    from spinscope import predict

    assert predict.load_detector is load_detector
