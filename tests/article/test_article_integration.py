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
        pytest.skip("no SemEval-2023 English data")
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


def test_retraining_writes_a_cv_report(root, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from spinscope.article.models import ArticleModels
    from spinscope.article.train import train_article_command

    lines: list[str] = []
    # TF-IDF only and one repeat: seconds, not minutes (the tagger's features take ~2 min)
    report = train_article_command(root, tmp_path, repeats=1, use_tagger=False, echo=lines.append)
    saved = json.loads((tmp_path / "cv_report.json").read_text(encoding="utf-8"))
    assert saved["genre"]["chosen"] == saved["frames"]["chosen"] == "tfidf"
    genre = saved["genre"]["candidates"]["tfidf"]
    frames = saved["frames"]["candidates"]["tfidf"]
    assert set(genre["per_class"]) == set(GENRES)
    assert genre["per_class"]["satire"]["predicted"] == 0  # satire is never predicted
    assert genre["macro_f1"] > 0.3 and frames["micro_f1"] > 0.6
    assert report["model_bytes"] < 2 * 1024 * 1024
    assert "per class" in lines[0]
    models = ArticleModels(tmp_path / "model", tagger=None).load()
    assert 0 < models.frame_threshold < 1
    assert models.features == {"genre": "tfidf", "frames": "tfidf"}
