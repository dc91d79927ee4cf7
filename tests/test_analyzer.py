"""spinscope.analyzer with the shipped model: the tagger runs once, and threads may share it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from analysis_support import HARBOUR_ARTICLE
from model_support import counting_runs, runs_for
from spinscope.analyzer import Analyzer
from spinscope.detectors import tagger_of
from spinscope.document import Document
from spinscope.tagger.model import Tagger, default_model_dir

if not (default_model_dir() / "model.onnx").is_file():
    pytest.skip("the tagger's model is not installed", allow_module_level=True)

EXAMPLE = (Path(__file__).resolve().parents[1] / "examples" / "city-council.txt").read_text(
    encoding="utf-8"
)
LOADED = (
    "These corrupt, treacherous thugs are destroying our beloved nation with their disgusting "
    "lies. Only traitors would vote for this disgraceful plan, and every patriot knows it."
)
TEXTS = [EXAMPLE, HARBOUR_ARTICLE, LOADED]
ARTICLES = tuple(Document(name, text) for name, text in zip("abc", TEXTS, strict=True))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    """The default analyzer: the hybrid detector, with the genre and frame models."""
    return Analyzer().load()


def _tagger(analyzer: Analyzer) -> Tagger:
    tagger = tagger_of(analyzer._model)
    assert tagger is not None
    return tagger


def test_one_analysis_runs_the_model_once_per_article(analyzer: Analyzer) -> None:
    tagger = _tagger(analyzer)
    once = runs_for(tagger, [EXAMPLE])
    assert once > 1  # the example takes several windows: the count is not trivially one
    with counting_runs(tagger) as counter:
        result = analyzer.analyze(EXAMPLE)
    assert result.genre is not None and result.frames  # the article models ran too
    assert counter.runs == once
    with counting_runs(tagger) as counter:
        analyzer.analyze_many(TEXTS)
    assert counter.runs == runs_for(tagger, TEXTS)


def _analyses(analyzer: Analyzer, docs: tuple[Document, ...]) -> list[dict[str, Any]]:
    return [a.to_dict() for a in analyzer.analyze_many(docs)]


def test_threads_analysing_at_once_get_what_one_at_a_time_gets(analyzer: Analyzer) -> None:
    alone = {doc.id: analyzer.analyze(doc).to_dict() for doc in ARTICLES}
    orders = [ARTICLES, ARTICLES[::-1], (ARTICLES[1], ARTICLES[2], ARTICLES[0])]
    start = threading.Barrier(len(orders))
    got: dict[int, list[list[dict[str, Any]]]] = {i: [] for i in range(len(orders))}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            start.wait(timeout=60)
            for _ in range(2):
                got[i].append([analyzer.analyze(doc).to_dict() for doc in orders[i]])
            got[i].append(_analyses(analyzer, orders[i]))
        except BaseException as err:  # reported below, in the test's thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(orders))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    for i, order in enumerate(orders):
        assert len(got[i]) == 3
        for run in got[i]:
            assert run == [alone[doc.id] for doc in order]


def test_progress_reports_the_model_windows(tmp_path) -> None:
    from spinscope.analyzer import Analyzer, analyze_sources

    text = (
        "The council met on Monday and the mayor spoke about the harbour plan. " * 60 + "\n"
    ) * 3
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    heard: list[tuple[str, int, int]] = []
    analyzer = Analyzer("tagger", article_models=False).load()
    (result,) = analyze_sources(
        [str(path)], analyzer, progress=lambda s, d, t: heard.append((s, d, t))
    )
    assert result.analysis is not None
    assert heard and {s for s, _, _ in heard} == {str(path)}
    done = [d for _, d, _ in heard]
    assert done == sorted(done) and done[-1] == heard[-1][2] > 1  # every window, in order
    # the rule baseline runs no model and reports nothing
    quiet: list[int] = []
    Analyzer("baseline").load().analyze(text, progress=lambda d, t: quiet.append(d))
    assert quiet == []
