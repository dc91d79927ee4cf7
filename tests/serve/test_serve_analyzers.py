"""A threshold per request gives exactly what an Analyzer built with that threshold gives."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from serve_support import ARTICLE

from spinscope.analyzer import Analyzer
from spinscope.serve.analyzers import AnalyzerPool
from spinscope.tagger.model import default_model_dir


@pytest.fixture(scope="module")
def pool() -> AnalyzerPool:
    if not (default_model_dir() / "model.onnx").is_file():
        pytest.skip("the tagger's model is not installed")
    return AnalyzerPool(Analyzer(), size=3).load()


@pytest.mark.parametrize("threshold", [None, 0.0, 0.1, 0.3, 0.6, 1.0])
def test_pool_matches_a_fresh_analyzer(pool: AnalyzerPool, threshold) -> None:
    got = pool.analyze(ARTICLE, threshold=threshold).to_dict()
    expected = Analyzer(threshold=threshold).load().analyze(ARTICLE).to_dict()
    assert got == expected


def test_pool_shares_the_model_and_bounds_its_cache(pool: AnalyzerPool) -> None:
    base_tagger = pool.base.load()._model.tagger
    for t in (0.11, 0.12, 0.13, 0.14):
        pool.analyze(ARTICLE, threshold=t)
    assert len(pool._by_threshold) == 3
    for analyzer in pool._by_threshold.values():
        assert analyzer._model.tagger._session is base_tagger._session
        # one copy of the genre and frame models, whatever the threshold
        assert analyzer.loaded_article_models is pool.base.loaded_article_models


def test_a_threshold_reuses_the_tagger_outputs_for_genre_and_frames(
    pool: AnalyzerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinscope.tagger.model import Tagger

    runs = []
    article_probs = Tagger.article_probs

    def counted(self, *args, **kwargs):
        runs.append(self.threshold)
        return article_probs(self, *args, **kwargs)

    monkeypatch.setattr(Tagger, "article_probs", counted)
    analysis = pool.analyze(ARTICLE, threshold=0.42)
    assert analysis.genre is not None
    assert runs == [0.42]  # the tagger ran once, for spans and article models alike


def test_requests_at_once_get_what_they_get_one_at_a_time(pool: AnalyzerPool) -> None:
    thresholds = [None, 0.05, 0.3] * 2
    alone = {t: pool.analyze(ARTICLE, threshold=t).to_dict() for t in thresholds}
    with ThreadPoolExecutor(3) as executor:
        got = list(executor.map(lambda t: pool.analyze(ARTICLE, threshold=t), thresholds))
    assert [a.to_dict() for a in got] == [alone[t] for t in thresholds]


def test_pool_with_the_baseline_filters_on_score() -> None:
    pool = AnalyzerPool(Analyzer("baseline")).load()
    low = pool.analyze(ARTICLE, threshold=0.0)
    high = pool.analyze(ARTICLE, threshold=0.8)
    assert high.spans == tuple(s for s in low.spans if s.score >= 0.8)
    assert high.detector.threshold == 0.8
