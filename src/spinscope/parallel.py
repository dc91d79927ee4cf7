"""Predict or analyse many articles in several processes (``--workers N``).

Each worker process loads the detector once, with its share of the cores
(:func:`~spinscope.analyzer.cores_per_worker`), and predicts whole chunks of articles; the
parent reads the articles, hands out the chunks and puts the rows back in article order, so
the file written is the one a single process writes. Processes start with ``spawn``: nothing of
the parent (an onnxruntime session, its threads) is inherited.

Only the tasks whose rows follow the articles one by one run in parallel (``si``, ``flc``,
``st1``, ``st2``); ``tc`` and ``st3`` follow a template's order and run in one process.
:func:`analyze_in_parallel` does the same for ``spinscope analyze`` with many inputs: each
worker reads and analyses whole sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from spinscope.document import Document
from spinscope.errors import InputError, SpinscopeError

__all__ = ["PARALLEL_TASKS", "analyze_in_parallel", "chunked", "parallel_rows"]

#: The tasks :func:`parallel_rows` can split across processes.
PARALLEL_TASKS: tuple[str, ...] = ("si", "flc", "st1", "st2")

#: Articles per chunk at most: small enough to keep every worker busy to the end.
MAX_CHUNK = 8

_WORKER: dict[str, Any] = {}


def _pool(
    workers: int, jobs: int, initializer: Callable[..., None], settings: tuple[Any, ...]
) -> ProcessPoolExecutor:
    """Up to ``workers`` spawned processes, no more than ``jobs``.

    Each runs ``initializer(*settings, threads)``, ``threads`` being its share of the cores.
    """
    import multiprocessing

    from spinscope.analyzer import cores_per_worker

    return ProcessPoolExecutor(
        max_workers=max(1, min(workers, jobs)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=initializer,
        initargs=(*settings, cores_per_worker(workers)),
    )


def chunked(n: int, workers: int) -> list[range]:
    """Split ``range(n)`` into consecutive chunks, about four per worker, ``MAX_CHUNK`` at most."""
    if n <= 0:
        return []
    size = max(1, min(MAX_CHUNK, -(-n // (4 * max(1, workers)))))
    return [range(lo, min(n, lo + size)) for lo in range(0, n, size)]


def _init(
    task: str, detector: str | None, threshold: float | None, model: str | None, threads: int
) -> None:
    """Remember what the worker is to load: the first chunk loads it (:func:`_load`).

    Nothing may fail here: an error in a pool's initializer breaks the whole pool and hides
    the error, while one raised by a chunk reaches the parent as it is.
    """
    _WORKER["settings"] = (task, detector, threshold, model, threads)


def _load() -> None:
    """Load, once per worker, what its task runs: a detector or the article models."""
    if "models" in _WORKER or "detector" in _WORKER:
        return
    task, detector, threshold, model, threads = _WORKER["settings"]
    from spinscope.signals.language import preload

    preload()  # the language identifier loads while the model does
    if task in ("st1", "st2"):
        from spinscope.article.models import ArticleModels
        from spinscope.predict import article_tagger

        tagger = article_tagger(detector, model, threads)
        _WORKER["models"] = ArticleModels(tagger=tagger).load()
    else:
        from spinscope.predict import load_detector

        _WORKER["detector"], _ = load_detector(
            detector, threshold=threshold, threads=threads, model=model
        )


def _rows(
    task: str,
    articles: list[tuple[str, str, dict[str, Any]]],
    language: str | None,
    taxonomy: str,
    min_score: float | None,
) -> tuple[list[Any], list[str | None], str, str | None]:
    from spinscope.predict import article_languages, article_rows, predict_rows

    _load()
    docs = [Document(doc_id, text, meta) for doc_id, text, meta in articles]
    codes = article_languages(docs, language)
    if task in ("st1", "st2"):
        models = _WORKER["models"]
        used = models.features["genre" if task == "st1" else "frames"]
        rows = article_rows(task, docs, models, codes=codes)
        return rows, codes, f"article models ({used})", models.note
    detector = _WORKER["detector"]
    rows = predict_rows(task, docs, detector, taxonomy=taxonomy, min_score=min_score)
    return rows, codes, detector.name, None


def parallel_rows(
    task: str,
    docs: Sequence[Document],
    workers: int,
    *,
    detector: str | None = None,
    threshold: float | None = None,
    model: str | None = None,
    taxonomy: str = "semeval2023",
    min_score: float | None = None,
    language: str | None = None,
) -> tuple[list[Any], list[str | None], str, str | None]:
    """The rows of ``task`` for ``docs`` predicted by ``workers`` processes, and more.

    Returns the rows in article order, each article's language code, what predicted them (a
    detector's name, or the article models and their features) and the note to show about it,
    if any.
    ``detector``, ``threshold`` and ``model`` are what each worker passes to
    :func:`~spinscope.predict.load_detector` (or, for ``st1`` and ``st2``, to the article
    models). ``language`` is every article's ISO code, else the workers detect each one (the
    article models' calibration; the caller's note on languages).
    """
    if task not in PARALLEL_TASKS:
        raise InputError(
            f"task {task!r} cannot be split across processes (only {', '.join(PARALLEL_TASKS)}); "
            "drop --workers."
        )
    if workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}.")
    chunks = chunked(len(docs), workers)
    pool = _pool(workers, len(chunks), _init, (task, detector, threshold, model))
    try:
        futures = [
            pool.submit(
                _rows,
                task,
                # documents hold read-only mappings, which do not pickle: send their parts
                [(docs[i].id, docs[i].text, dict(docs[i].metadata)) for i in chunk],
                language,
                taxonomy,
                min_score,
            )
            for chunk in chunks
        ]
        rows: list[Any] = []
        codes: list[str | None] = []
        name, note = "", None
        for future in futures:
            chunk_rows, chunk_codes, name, note = future.result()
            rows.extend(chunk_rows)
            codes.extend(chunk_codes)
        return rows, codes, name, note
    except BrokenProcessPool:
        raise SpinscopeError(
            "a worker process died (out of memory, or killed) and nothing was written; run "
            "again with fewer --workers."
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------------------- analyze


def _analyser() -> Any:
    """The worker's :class:`~spinscope.analyzer.Analyzer`, loaded by its first source."""
    if "analyzer" not in _WORKER:
        from spinscope.analyzer import Analyzer

        detector, threshold, model, threads = _WORKER["settings"]
        _WORKER["analyzer"] = Analyzer(
            detector, threshold=threshold, model=model, threads=threads
        ).load()
    return _WORKER["analyzer"]


def _init_analyser(
    detector: str | None, threshold: float | None, model: str | None, threads: int
) -> None:
    _WORKER["settings"] = (detector, threshold, model, threads)


def _analyse(
    source: str,
    article: tuple[str, str, dict[str, Any]] | None,
    language: str | None,
    read_options: dict[str, Any],
) -> Any:
    from spinscope.analyzer import SourceResult
    from spinscope.ingest import read_source

    try:
        doc = Document(*article) if article is not None else read_source(source, **read_options)
        return SourceResult(source, _analyser().analyze(doc, language=language))
    except SpinscopeError as err:
        return SourceResult(source, error=err)


def analyze_in_parallel(
    sources: Sequence[str],
    workers: int,
    *,
    detector: str | None = None,
    threshold: float | None = None,
    model: str | None = None,
    language: str | None = None,
    **read_options: Any,
) -> Iterator[Any]:
    """:func:`~spinscope.analyzer.analyze_sources` in ``workers`` processes, results in order.

    Each worker reads its sources (files, URLs) and analyses them with its own analyzer;
    standard input (``-``) is read here first. One failed source does not stop the others.
    """
    if workers < 1:  # checked now, not when the results are first read
        raise InputError(f"--workers must be at least 1, got {workers}.")
    return _analyze_in_parallel(
        sources, workers, detector, threshold, model, language, read_options
    )


def _analyze_in_parallel(
    sources: Sequence[str],
    workers: int,
    detector: str | None,
    threshold: float | None,
    model: str | None,
    language: str | None,
    read_options: dict[str, Any],
) -> Iterator[Any]:
    from spinscope.analyzer import SourceResult
    from spinscope.ingest import read_source

    articles: dict[int, tuple[str, str, dict[str, Any]]] = {}
    early: dict[int, Any] = {}
    for i, source in enumerate(sources):
        if source == "-":
            try:
                doc = read_source(source, **read_options)
                articles[i] = (doc.id, doc.text, dict(doc.metadata))
            except SpinscopeError as err:
                early[i] = SourceResult(source, error=err)
    pool = _pool(workers, len(sources), _init_analyser, (detector, threshold, model))
    try:
        futures = {
            i: pool.submit(_analyse, source, articles.get(i), language, read_options)
            for i, source in enumerate(sources)
            if i not in early
        }
        for i in range(len(sources)):
            yield early[i] if i in early else futures[i].result()
    except BrokenProcessPool:
        raise SpinscopeError(
            "a worker process died (out of memory, or killed); run again with fewer --workers."
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
