"""Two tiers of spans (likely / possible) and the exact meaning of the threshold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis_support import HARBOUR_ARTICLE, tiered_analysis
from spinscope.analysis import Analysis
from spinscope.analyzer import Analyzer
from spinscope.detectors.hybrid import HybridDetector
from spinscope.tagger.model import Tagger, default_model_dir

# Written for this test: charged and dry sentences, long enough for several windows of spans.
ARTICLE = (
    "Traitors and thugs are destroying our beloved nation with shameful, disgusting lies.\n"
    "The corrupt elite will stop at nothing; only a fool would trust these criminals.\n"
    "The council met on Tuesday and approved the budget for road repairs.\n"
    "Patriots must stand up now, before it is too late for our children and our country!\n"
)


def test_spans_below_the_threshold_are_possible_and_counted_apart() -> None:
    a = tiered_analysis()
    tiers = {s.text: s.tier for s in a.spans}
    assert tiers["outrageous"] == "possible"  # 0.4: between the floor 0.3 and 0.5
    assert tiers["shameful"] == "likely"  # exactly at the threshold
    assert tiers["traitors"] == "likely"
    assert a.summary.possible_spans == 1
    assert a.summary.possible_by_technique == {"Loaded_Language": 1}
    assert a.summary.spans == len(a.likely_spans) == len(a.spans) - 1
    assert all(
        "outrageous" not in c.text or c.techniques != ("Loaded_Language",)
        for c in a.summary.charged_sentences
    )
    assert not any(s.tier == "possible" for s in a.author_spans + a.quoted_spans)


def test_possible_spans_never_make_a_sentence_charged() -> None:
    text = "The council called the gathering outrageous.\nThe vote was held on Monday.\n"
    a = tiered_analysis(text)
    assert [s.tier for s in a.spans] == ["possible"]
    assert a.summary.charged_sentences == ()
    assert a.summary.sentences_with_technique == 0


def test_likely_only_drops_the_possible_spans_and_json_round_trips() -> None:
    a = tiered_analysis()
    data = json.loads(a.to_json())
    assert {s["tier"] for s in data["spans"]} == {"likely", "possible"}
    assert data["detector"]["threshold"] == 0.5
    assert data["detector"]["possible_floor"] == 0.3
    assert Analysis.from_dict(data).to_dict() == data
    only = a.likely_only()
    assert only.possible_spans == () and only.summary.possible_spans == 1


@pytest.fixture(scope="module")
def floored_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped model with a possible floor below its threshold (config edited)."""
    src = default_model_dir()
    if not (src / "model.onnx").is_file():
        pytest.skip("the shipped model is not installed")
    out = tmp_path_factory.mktemp("model")
    for name in ("model.onnx", "tokenizer.json"):
        (out / name).symlink_to(src / name)
    config = json.loads((src / "config.json").read_text(encoding="utf-8"))
    config["decode"]["possible_floor"] = 0.02
    config["decode"]["threshold"] = max(config["decode"]["threshold"], 0.1)
    (out / "config.json").write_text(json.dumps(config), encoding="utf-8")
    shutil.copy(src / "config.json", out / "original.json")
    return out


@pytest.mark.parametrize("hybrid", [False, True])
def test_the_analyzer_splits_the_tagger_spans_by_score(floored_model: Path, hybrid: bool) -> None:
    tagger = Tagger(floored_model)
    detector = HybridDetector(tagger) if hybrid else tagger
    a = Analyzer(detector, article_models=False).analyze(ARTICLE)
    t = tagger.decode_config_for().threshold
    assert a.detector.threshold == t and a.detector.possible_floor == 0.02
    assert a.possible_spans, "the floor adds less certain spans"
    for s in a.spans:
        assert (s.tier == "likely") == (s.score >= t)
        assert s.score >= 0.02
    # the likely spans are the spans of an analysis at the threshold without a floor
    plain = Analyzer(Tagger(floored_model, threshold=t), article_models=False)
    plain.load()._spans_model = plain._model  # no possible tier
    if not hybrid:
        assert [(s.start, s.end, s.technique) for s in a.likely_spans] == [
            (s.start, s.end, s.technique) for s in plain.analyze(ARTICLE).spans
        ]


def test_a_span_scored_exactly_at_the_threshold_is_shown_as_likely(floored_model: Path) -> None:
    low = Analyzer(Tagger(floored_model, threshold=0.0), article_models=False).analyze(ARTICLE)
    assert low.spans
    pick = max(low.spans, key=lambda s: s.score)
    at = Analyzer(Tagger(floored_model, threshold=pick.score), article_models=False).analyze(
        ARTICLE
    )
    same = [
        s
        for s in at.spans
        if (s.start, s.end, s.technique) == (pick.start, pick.end, pick.technique)
    ]
    assert same and same[0].tier == "likely"
    assert at.detector.threshold == pick.score
    above = Analyzer(
        Tagger(floored_model, threshold=min(1.0, pick.score + 0.001)), article_models=False
    ).analyze(ARTICLE)
    assert all(
        s.tier == "possible"
        for s in above.spans
        if (s.start, s.end, s.technique) == (pick.start, pick.end, pick.technique)
    )


def test_the_default_report_records_the_threshold_used() -> None:
    if not (default_model_dir() / "model.onnx").is_file():
        pytest.skip("the shipped model is not installed")
    a = Analyzer("tagger", article_models=False).analyze(HARBOUR_ARTICLE)
    assert a.detector.threshold == Tagger().decode_config_for().threshold
