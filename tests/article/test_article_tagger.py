"""Article models that read the tagger's features, with the shipped tagger (skipped without it)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model_support import counting_runs, runs_for
from spinscope.analyzer import Analyzer
from spinscope.article import ArticleModels
from spinscope.detectors import load_detector, tagger_of
from spinscope.errors import InputError
from spinscope.tagger.model import Tagger, default_model_dir

pytest.importorskip("sklearn")
if not (default_model_dir() / "model.onnx").is_file():
    pytest.skip("the tagger's model is not installed", allow_module_level=True)

from spinscope.article.train import (
    TrainSettings,
    extract_tagger_features,
    train_article_models,
)


@pytest.fixture(scope="module")
def tagger_run(tiny_data, tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("tagger-run")
    features, sha = extract_tagger_features(tiny_data.texts, cache=out / "cache.npz")
    again, sha_again = extract_tagger_features(tiny_data.texts, cache=out / "cache.npz")
    np.testing.assert_array_equal(features, again)
    assert sha == sha_again and len(sha) == 64
    # make the tagger block decisive so that a tagger-reading model is chosen and shipped
    features = features.copy()
    features[:, 0] = [5.0 if g == "reporting" else -5.0 for g in tiny_data.genres]
    train_article_models(
        tiny_data,
        features,
        out,
        settings=TrainSettings(folds=3, repeats=1, min_df=5),
        tagger_sha256=sha,
    )
    return out / "model"


def test_features_come_from_the_tagger_the_analyzer_runs(tagger_run, tiny_data) -> None:
    config = json.loads((tagger_run / "config.json").read_text(encoding="utf-8"))
    assert "tagger" in config["models"][config["use"]["genre"]]["heads"][0]
    tagger = Tagger().load()
    models = ArticleModels(tagger_run, tagger=tagger).load()
    assert "tagger" in models.features["genre"] and models.note is None
    assert models.feature_tagger is tagger
    texts = list(tiny_data.texts[:2])
    probs = tagger.article_probs(texts)
    with counting_runs(tagger) as counter:
        given = models.predict(texts, probs=probs)
    assert counter.runs == 0  # the outputs were given: the tagger did not run again
    preds = models.predict(texts)
    assert preds == given
    assert [p.genre.features for p in preds] == [models.features["genre"]] * 2
    with pytest.raises(InputError, match="article_probs"):
        models.predict(texts, probs=probs[:1])


def test_an_analysis_runs_the_tagger_once_for_spans_and_article_models(
    tagger_run, tiny_data
) -> None:
    detector, _ = load_detector("hybrid")
    models = ArticleModels(tagger_run, tagger=detector)
    analyzer = Analyzer(detector, article_models=models).load()
    tagger = tagger_of(detector)
    assert tagger is not None and models.feature_tagger is tagger
    text = "\n\n".join(tiny_data.texts[:5])  # over GENRE_MIN_WORDS
    once = runs_for(tagger, [text])
    with counting_runs(tagger) as counter:
        result = analyzer.analyze(text)
    assert counter.runs == once
    assert result.genre is not None and "tagger" in result.genre.features
    (alone,) = models.predict([text])
    assert result.genre == alone.genre and result.frames == alone.frames


def test_another_tagger_version_falls_back_with_a_note(tagger_run, tmp_path, tiny_data) -> None:
    config = json.loads((tagger_run / "config.json").read_text(encoding="utf-8"))
    config["tagger_sha256"] = "0" * 64
    moved = tmp_path / "model"
    moved.mkdir()
    for path in tagger_run.iterdir():
        (moved / path.name).write_bytes(path.read_bytes())
    (moved / "config.json").write_text(json.dumps(config), encoding="utf-8")
    models = ArticleModels(moved, tagger=Tagger()).load()
    assert models.features == {"genre": "tfidf", "frames": "tfidf"}
    (pred,) = models.predict([tiny_data.texts[0]])
    assert pred.note is not None and "another version of the tagger" in pred.note
    assert [n.code for n in pred.notices()] == ["article_models"]


def test_another_model_running_the_spans_reads_the_shipped_tagger(
    tagger_run, tmp_path, tiny_data
) -> None:
    """--model DIR runs the spans: the features still come from the tagger trained on."""
    other = tmp_path / "other-model"
    other.mkdir()
    for path in default_model_dir().iterdir():
        (other / path.name).write_bytes(path.read_bytes())
    with (other / "model.onnx").open("ab") as fh:
        fh.write(b"\0")  # another file, another sha256 (it is never loaded here)
    runs = Tagger(other, threads=1)
    models = ArticleModels(tagger_run, tagger=runs).load()
    assert models.note is None and "tagger" in models.features["genre"]
    assert models.feature_tagger is not runs
    assert models.feature_tagger is not None
    assert models.feature_tagger.path == default_model_dir()
    assert models.feature_tagger.threads == 1
