from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from article_support import ARTICLES

from spinscope.article import ArticleModels, FrameClassifier, GenreClassifier
from spinscope.article.models import Head, LinearModel, default_article_models_dir
from spinscope.errors import InputError, ModelError
from spinscope.taxonomy import FRAMES, GENRES

TEXTS = [text for _, _, text in ARTICLES[:3]]


@pytest.fixture(scope="module")
def shipped() -> ArticleModels:
    return ArticleModels(tagger=None).load()


def test_shipped_models_are_small_and_complete() -> None:
    folder = default_article_models_dir()
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["format"] == 2
    assert config["genre_labels"] == list(GENRES) and config["not_detected"] == []
    assert config["languages"] == ["en", "fr", "de", "it", "pl", "ru"]
    assert 0 < config["frame_threshold"] < 1
    assert len(config["frame_thresholds"]) == len(FRAMES)
    assert all(0 < t < 1 for t in config["frame_thresholds"])
    assert sum(config["genre_prior"].values()) == pytest.approx(1.0, abs=1e-3)
    for task in ("genre", "frames"):
        assert set(config["cv"][task]["by_language"]) == set(config["languages"])
    assert sum(p.stat().st_size for p in folder.iterdir()) <= 4 * 1024 * 1024


def test_genre_probabilities_sum_to_one() -> None:
    genre = GenreClassifier(tagger=None).load()
    p = genre.predict(TEXTS)
    assert p.shape == (3, 3) and genre.labels == GENRES
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert ((p >= 0) & (p <= 1)).all()
    assert set(genre.predict_labels(TEXTS)) <= set(GENRES)
    assert genre.predict([]).shape == (0, 3)


def test_each_language_has_its_own_genre_calibration() -> None:
    genre = GenreClassifier(tagger=None).load()
    pooled = genre.predict(TEXTS)
    english = genre.predict(TEXTS, ["en"] * 3)
    german = genre.predict(TEXTS, ["de"] * 3)
    assert not np.allclose(english, german)
    # a language without its own calibration uses the one over all languages
    np.testing.assert_allclose(genre.predict(TEXTS, ["es", None, "xx"]), pooled, atol=1e-6)
    with pytest.raises(InputError, match="languages"):
        genre.predict(TEXTS, ["en"])


def test_frame_probabilities_lie_in_unit_interval() -> None:
    frames = FrameClassifier(tagger=None).load()
    p = frames.predict(TEXTS)
    assert p.shape == (3, len(FRAMES))
    assert ((p >= 0) & (p <= 1)).all()
    thresholds = frames.thresholds
    assert thresholds.shape == (len(FRAMES),) and len(set(thresholds.tolist())) > 1
    for row, chosen in zip(p, frames.predict_labels(TEXTS), strict=True):
        expected = tuple(f for f, s, t in zip(FRAMES, row, thresholds, strict=True) if s >= t)
        assert chosen == expected
    assert frames.predict([]).shape == (0, len(FRAMES))


def test_predictions_carry_sorted_frames_and_three_genres(shipped: ArticleModels) -> None:
    (pred,) = shipped.predict([TEXTS[0]])
    assert pred.genre.label in pred.genre.probabilities
    assert pred.genre.not_detected == ()
    assert pred.genre.features == "tfidf"
    scores = [f.score for f in pred.frames]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(FRAMES)
    threshold = dict(zip(FRAMES, shipped.frame_thresholds.tolist(), strict=True))
    assert all(f.selected == (f.score >= threshold[f.frame]) for f in pred.frames)
    assert shipped.predict([]) == []


def test_a_format_1_folder_is_still_read(tmp_path) -> None:
    # the first layout: a binary genre model (reporting against opinion), one frame threshold
    shipped = default_article_models_dir()
    shutil.copy(shipped / "tfidf.json", tmp_path / "tfidf.json")
    config = json.loads((shipped / "config.json").read_text(encoding="utf-8"))
    frames_file = config["models"][config["fallback"]["frames"]]["file"]
    shutil.copy(shipped / frames_file, tmp_path / "frames.npz")
    size = len(json.loads((shipped / "tfidf.json").read_text(encoding="utf-8"))["terms"])
    one = np.ones(1, dtype=np.float32)
    genre = LinearModel(
        (
            Head(
                ("tfidf",),
                np.zeros(size, dtype=np.float32),
                np.ones(size, dtype=np.float32),
                np.zeros((1, size), dtype=np.float32),
                np.full(1, 0.5, dtype=np.float32),
                one,
                0 * one,
            ),
        ),
        one,
        0 * one,
    )
    np.savez(tmp_path / "genre.npz", **genre.to_arrays())  # type: ignore[arg-type]
    old = {
        "format": 1,
        "genre_labels": ["opinion", "reporting"],
        "not_detected": ["satire"],
        "frame_threshold": 0.3,
        "use": {"genre": "g", "frames": "f"},
        "fallback": {"genre": "g", "frames": "f"},
        "models": {
            "g": {"task": "genre", "file": "genre.npz", "heads": [["tfidf"]]},
            "f": {"task": "frames", "file": "frames.npz", "heads": [["tfidf"]]},
        },
    }
    (tmp_path / "config.json").write_text(json.dumps(old), encoding="utf-8")
    models = ArticleModels(tmp_path, tagger=None).load()
    (pred,) = models.predict([TEXTS[0]])
    assert pred.genre.label == "reporting" and pred.genre.not_detected == ("satire",)
    assert pred.genre.probabilities["reporting"] == pytest.approx(1 / (1 + np.exp(-0.5)))
    assert all(f.selected == (f.score >= 0.3) for f in pred.frames)
    assert models.languages == ("en",)


def test_empty_text_is_refused(shipped: ArticleModels) -> None:
    with pytest.raises(InputError, match="empty"):
        shipped.predict(["  "])


def test_missing_and_corrupt_folders_are_model_errors(tmp_path) -> None:
    with pytest.raises(ModelError, match="missing"):
        ArticleModels(tmp_path).load()
    broken = tmp_path / "broken"
    shutil.copytree(default_article_models_dir(), broken)
    config = json.loads((broken / "config.json").read_text(encoding="utf-8"))
    (broken / "config.json").write_text(json.dumps(config | {"format": 99}), encoding="utf-8")
    with pytest.raises(ModelError, match="format"):
        ArticleModels(broken).load()
    (broken / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (broken / config["models"][config["use"]["genre"]]["file"]).write_bytes(b"not npz")
    with pytest.raises(ModelError, match="could not be loaded"):
        ArticleModels(broken).load()
