"""Retraining and cross-validation on the real SemEval-2023 articles (needs the data root)."""

from __future__ import annotations

import json

import pytest

from spinscope.corpora.datapath import data_root
from spinscope.errors import DataRootError
from spinscope.taxonomy import FRAMES, GENRES

pytest.importorskip("sklearn")

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def root():  # type: ignore[no-untyped-def]
    try:
        found = data_root(None)
    except DataRootError:
        pytest.skip("no data root")
    if not (found / "semeval2023" / "en" / "train-labels-subtask-1.txt").is_file():
        pytest.skip("no SemEval-2023 English data under the data root")
    return found


def test_data_has_the_documented_counts(root) -> None:  # type: ignore[no-untyped-def]
    from spinscope.article.train import load_article_data

    data = load_article_data(root)
    assert len(data) == 426
    assert {g: data.genres.count(g) for g in GENRES} == {
        "opinion": 382,
        "reporting": 41,
        "satire": 3,
    }
    assert int(data.frames[:, FRAMES.index("Political")].sum()) == 229
    everything = load_article_data(root, ("en", "fr", "de", "it", "pl", "ru"))
    assert len(everything) == 1025
    assert {g: everything.genres.count(g) for g in GENRES} == {
        "opinion": 805,
        "reporting": 175,
        "satire": 45,
    }
    assert int(everything.language_mask("de").sum()) == 97
    assert everything.languages[0] == "en" and everything.languages[-1] == "ru"


def test_retraining_writes_a_cv_report(root, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from spinscope.article.models import ArticleModels
    from spinscope.article.train import train_article_command

    lines: list[str] = []
    # TF-IDF only, two languages and one repeat: seconds, not minutes
    report = train_article_command(
        root, tmp_path, repeats=1, use_tagger=False, languages=("en", "fr"), echo=lines.append
    )
    saved = json.loads((tmp_path / "cv_report.json").read_text(encoding="utf-8"))
    assert saved["genre"]["chosen"] == saved["frames"]["chosen"] == "tfidf"
    genre = saved["genre"]["candidates"]["tfidf"]
    frames = saved["frames"]["candidates"]["tfidf"]
    assert set(genre["per_class"]) == set(GENRES)
    assert genre["per_class"]["satire"]["support"] == 10
    # figures per language, their mean, and the articles the tagger never saw
    assert genre["en"]["articles"] == 426 and genre["fr"]["articles"] == 119
    mean = (genre["en"]["macro_f1"] + genre["fr"]["macro_f1"]) / 2
    assert genre["macro_f1_language_mean"] == pytest.approx(mean)
    assert 0 < genre["unseen"]["articles"] < 545
    assert 0.1 < genre["macro_f1"] < 1 and frames["micro_f1"] > 0.5
    assert "one_threshold" in frames and "training_mix" in genre
    assert report["model_bytes"] < 4 * 1024 * 1024
    assert "grouped cross-validation" in lines[0]
    models = ArticleModels(tmp_path / "model", tagger=None).load()
    assert models.languages == ("en", "fr")
    assert models.genre_labels == GENRES
    assert 0 < models.frame_threshold < 1 and len(models.frame_thresholds) == len(FRAMES)
    assert models.features == {"genre": "tfidf", "frames": "tfidf"}
