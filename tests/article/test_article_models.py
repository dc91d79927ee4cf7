from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from article_support import ARTICLES

from spinscope.article import ArticleModels, FrameClassifier, GenreClassifier
from spinscope.article.models import default_article_models_dir
from spinscope.errors import InputError, ModelError
from spinscope.taxonomy import FRAMES

TEXTS = [text for _, _, text in ARTICLES[:3]]


@pytest.fixture(scope="module")
def shipped() -> ArticleModels:
    return ArticleModels(tagger=None).load()


def test_shipped_models_are_small_and_complete() -> None:
    folder = default_article_models_dir()
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["genre_labels"] == ["opinion", "reporting"]
    assert config["not_detected"] == ["satire"]
    assert 0 < config["frame_threshold"] < 1
    assert sum(p.stat().st_size for p in folder.iterdir()) <= 2 * 1024 * 1024


def test_genre_probabilities_sum_to_one() -> None:
    genre = GenreClassifier(tagger=None).load()
    p = genre.predict(TEXTS)
    assert p.shape == (3, 2) and genre.labels == ("opinion", "reporting")
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
    assert ((p >= 0) & (p <= 1)).all()
    assert set(genre.predict_labels(TEXTS)) <= {"opinion", "reporting"}
    assert genre.predict([]).shape == (0, 2)


def test_frame_probabilities_lie_in_unit_interval() -> None:
    frames = FrameClassifier(tagger=None).load()
    p = frames.predict(TEXTS)
    assert p.shape == (3, len(FRAMES))
    assert ((p >= 0) & (p <= 1)).all()
    for row, chosen in zip(p, frames.predict_labels(TEXTS), strict=True):
        assert chosen == tuple(f for f, s in zip(FRAMES, row, strict=True) if s >= frames.threshold)
    assert frames.predict([]).shape == (0, len(FRAMES))


def test_predictions_carry_sorted_frames_and_the_satire_caveat(shipped: ArticleModels) -> None:
    (pred,) = shipped.predict([TEXTS[0]])
    assert pred.genre.label in pred.genre.probabilities
    assert pred.genre.not_detected == ("satire",)
    assert pred.genre.features == "tfidf"
    scores = [f.score for f in pred.frames]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(FRAMES)
    assert all(f.selected == (f.score >= shipped.frame_threshold) for f in pred.frames)
    assert shipped.predict([]) == []


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
