from __future__ import annotations

import json

import numpy as np
import pytest

from spinscope.article import ArticleModels
from spinscope.taxonomy import FRAMES

pytest.importorskip("sklearn")

from spinscope.article.train import (
    CANDIDATES,
    TrainSettings,
    _choose,
    cross_validate,
    format_report,
    stratified_folds,
    train_article_models,
)


def test_stratified_folds_spread_every_label() -> None:
    labels = ["a"] * 10 + ["b"] * 4 + ["c"] * 3
    folds = stratified_folds(labels, 3, seed=1)
    assert sorted(np.bincount(folds).tolist()) == [5, 6, 6]
    for label in "abc":
        members = folds[[i for i, y in enumerate(labels) if y == label]]
        assert (
            np.bincount(members, minlength=3).max() - np.bincount(members, minlength=3).min() <= 1
        )
    assert (stratified_folds(labels, 3, seed=1) == folds).all()


def test_the_baseline_wins_unless_beaten_beyond_the_noise() -> None:
    def fig(score: float, sd: float) -> dict[str, float]:
        return {"micro_f1": score, "micro_f1_std": sd}

    close = {"tfidf": fig(0.68, 0.01), "tagger": fig(0.685, 0.002)}
    assert _choose(close, "micro_f1") == "tfidf"
    clear = {"tfidf": fig(0.68, 0.01), "tagger": fig(0.70, 0.002), "both": fig(0.705, 0.03)}
    assert _choose(clear, "micro_f1") == "tagger"


def test_smoke_run_writes_models_that_load_and_predict(tiny_run, tiny_data) -> None:
    report, out = tiny_run
    assert (out / "cv_report.json").is_file()
    saved = json.loads((out / "cv_report.json").read_text(encoding="utf-8"))
    assert saved["genre"]["chosen"] == "tfidf" and list(saved["genre"]["candidates"]) == ["tfidf"]
    per_class = saved["genre"]["candidates"]["tfidf"]["per_class"]
    assert set(per_class) == {"opinion", "reporting", "satire"}
    assert set(saved["frames"]["candidates"]["tfidf"]["per_class"]) == set(FRAMES)
    text = format_report(report)
    assert "genre: 1 x 3-fold" in text and "Crime_and_punishment" in text
    models = ArticleModels(out / "model").load()
    preds = models.predict(list(tiny_data.texts))
    assert len(preds) == len(tiny_data)
    # the training articles are easy: the model should get most genres right
    right = sum(p.genre.label == g for p, g in zip(preds, tiny_data.genres, strict=True))
    assert right >= 9


def test_every_candidate_with_tagger_features(tiny_data) -> None:
    rng = np.random.default_rng(3)
    tagger = rng.normal(size=(len(tiny_data), 12)).astype(np.float32)
    settings = TrainSettings(folds=3, repeats=2, min_df=1)
    report, raw = cross_validate(tiny_data, tagger, settings)
    for task in ("genre", "frames"):
        assert list(report[task]["candidates"]) == list(CANDIDATES)
        primary = report[task]["primary"]
        for figures in report[task]["candidates"].values():
            assert len(figures[f"{primary}_repeats"]) == 2
            assert 0 <= figures[primary] <= 1
    assert raw["frames"][("tfidf", "tagger")].shape == (len(tiny_data), len(FRAMES))


def test_a_tagger_model_falls_back_without_the_tagger(tiny_data, tmp_path) -> None:
    # force a tagger-reading model by making tagger features the only signal
    tagger = np.array(
        [[1.0 if g == "reporting" else -1.0, 0.0] for g in tiny_data.genres], dtype=np.float32
    )
    report = train_article_models(
        tiny_data,
        tagger,
        tmp_path,
        settings=TrainSettings(folds=3, repeats=1, min_df=5),
        tagger_sha256="0" * 64,
    )
    config = json.loads((tmp_path / "model" / "config.json").read_text(encoding="utf-8"))
    assert config["fallback"] == {"genre": "genre-tfidf", "frames": "frames-tfidf"}
    assert report["genre"]["chosen"] != "tfidf"
    models = ArticleModels(tmp_path / "model", tagger=None).load()
    assert models.features["genre"] == "tfidf"
    (pred,) = models.predict([tiny_data.texts[0]])
    assert pred.note is None and pred.genre.features == "tfidf"
