from __future__ import annotations

import json

import numpy as np
import pytest

from spinscope.article import ArticleModels
from spinscope.taxonomy import FRAMES

pytest.importorskip("sklearn")

from spinscope.article.train import (
    CANDIDATES,
    ArticleData,
    TrainSettings,
    _choose,
    _frame_thresholds,
    cross_validate,
    format_report,
    story_groups,
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


def test_grouped_folds_keep_a_story_in_one_fold() -> None:
    labels = ["a"] * 12 + ["b"] * 6
    groups = [0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 10, 11, 12, 13]
    for seed in range(5):
        folds = stratified_folds(labels, 3, seed=seed, groups=groups)
        for g in set(groups):
            assert len({int(folds[i]) for i, x in enumerate(groups) if x == g}) == 1
        assert set(folds.tolist()) == {0, 1, 2}


def test_story_groups_join_near_copies_within_a_language_only() -> None:
    story = "The council voted on Tuesday to close the old bridge over the river for repairs."
    texts = (
        story,
        story + " Work starts in May.",
        "Farmers protested against the new water tax outside the ministry on Friday.",
        story,  # the same words, but filed under another language: not joined
    )
    data = ArticleData(
        ("1", "2", "3", "4"),
        texts,
        ("reporting",) * 4,
        np.zeros((4, len(FRAMES)), dtype=np.int_),
        ("en", "en", "en", "fr"),
    )
    groups = story_groups(data, 0.5)
    assert groups[0] == groups[1]
    assert len({groups[0], groups[2], groups[3]}) == 3


def test_frames_with_enough_examples_get_their_own_threshold() -> None:
    rng = np.random.default_rng(0)
    y = np.zeros((200, 3), dtype=np.int_)
    y[:60, 0] = 1  # common frame, scored low: its best threshold is low
    y[:3, 2] = 1  # rare frame: keeps the global threshold
    p = rng.uniform(0.0, 0.1, size=(200, 3))
    p[:60, 0] = rng.uniform(0.15, 0.25, size=60)
    p[:80, 1] = 0.9
    p[80:, 1] = rng.uniform(0.3, 0.4, size=120)  # the common frame's negatives push the
    y[:80, 1] = 1  # global threshold above frame 0's scores
    thresholds, glob = _frame_thresholds(y, p, min_positives=40)
    assert glob >= 0.4
    assert 0.1 <= thresholds[0] <= 0.15
    assert thresholds[2] == glob
    assert 0.4 <= thresholds[1] <= 0.9


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
    assert models.genre_labels == ("opinion", "reporting", "satire")
    preds = models.predict(list(tiny_data.texts))
    assert len(preds) == len(tiny_data)
    for p in preds:
        assert abs(sum(p.genre.probabilities.values()) - 1.0) < 1e-5
        assert p.genre.not_detected == ()
    # the training articles are easy: the model should get most genres right, satire included
    right = sum(p.genre.label == g for p, g in zip(preds, tiny_data.genres, strict=True))
    assert right >= 12
    assert any(p.genre.label == "satire" for p in preds)
    config = json.loads((out / "model" / "config.json").read_text(encoding="utf-8"))
    assert len(config["frame_thresholds"]) == len(FRAMES)
    assert abs(sum(config["genre_prior"].values()) - 1.0) < 1e-3


def test_the_deployment_prior_moves_probability_towards_reporting(tiny_data, tmp_path) -> None:
    runs = {}
    for name, prior in (("mix", None), ("news", (0.1, 0.85, 0.05))):
        out = tmp_path / name
        train_article_models(
            tiny_data,
            None,
            out,
            settings=TrainSettings(folds=3, repeats=1, min_df=1, genre_prior=prior),
        )
        runs[name] = ArticleModels(out / "model").load().predict(list(tiny_data.texts))
    for mix, news in zip(runs["mix"], runs["news"], strict=True):
        assert news.genre.probabilities["reporting"] > mix.genre.probabilities["reporting"]


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
    assert raw["frames"][("tagger", "style")].shape == (len(tiny_data), len(FRAMES))
    assert raw["genre"][("tfidf",)].shape == (len(tiny_data), 3)


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
