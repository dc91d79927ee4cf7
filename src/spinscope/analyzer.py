"""Analyse articles: :func:`load` an :class:`Analyzer` once, or call :func:`analyze` directly.

The default detector is the trained tagger; when its model is not installed the rule-based
baseline stands in, and every :class:`~spinscope.analysis.Analysis` says so in its warnings.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from spinscope.analysis import Analysis, DetectorInfo, Notice, build_analysis
from spinscope.coverage import Coverage
from spinscope.detectors.base import Detector
from spinscope.document import Document, Span
from spinscope.errors import InputError, SpinscopeError
from spinscope.signals.language import check_language, language_code

if TYPE_CHECKING:
    from spinscope.article.models import ArticlePrediction

__all__ = [
    "FALLBACK_NOTE",
    "Analyzer",
    "SourceResult",
    "analyze",
    "analyze_sources",
    "cores_per_worker",
    "load",
]


#: Shown in every report made by the baseline because the tagger's model is missing.
FALLBACK_NOTE = (
    "spinscope's trained model is not installed, so these findings come from the rule-based "
    "baseline, which finds far fewer techniques and is less reliable. Reinstall spinscope to "
    "get the model, or choose the baseline explicitly to hide this note."
)


class Analyzer:
    """Holds a loaded detector and turns articles into :class:`Analysis` reports.

    Args:
        detector: ``"tagger"``, ``"baseline"``, ``None`` (the tagger when its model is
            installed, else the baseline with a note), or a detector object.
        threshold: the tagger's decision threshold; for the baseline, the minimum span score.
        article_models: whether to add the article's genre and frames
            (:mod:`spinscope.article`); or the :class:`~spinscope.article.ArticleModels` to
            use. The shipped ones read the detector's tagger when they need its features.
        threads: the most onnxruntime threads the tagger uses (default: one per core, up to
            4); set it when several processes share the cores.
        model: a model folder (``spinscope train`` writes one) for the tagger to load instead
            of the shipped model, with ``detector`` ``"hybrid"`` (the default then) or
            ``"tagger"``.

    An analyzer may be shared between threads: analyses run one at a time (the model uses
    every core for each, and the article models read the tagger's latest outputs).

    """

    def __init__(
        self,
        detector: str | Detector | None = None,
        *,
        threshold: float | None = None,
        article_models: bool | Any = True,
        threads: int | None = None,
        model: str | os.PathLike[str] | None = None,
    ) -> None:
        self.detector = detector
        self.model = model
        self.threshold = threshold
        self.article_models = article_models
        self.threads = threads
        self._model: Detector | None = None
        #: the detector that decodes down to the possible floor (``_model`` when no floor)
        self._spans_model: Detector | None = None
        self._floor: float | None = None
        self._note: str | None = None
        self._articles: Any = None
        self._articles_note: str | None = None
        self._lock = threading.Lock()  # loading only: analyses share nothing mutable

    def load(self) -> Analyzer:
        """Load the detector (once); raise :class:`~spinscope.errors.ModelError` if broken."""
        with self._lock:
            if self._model is None:
                self._load()
        return self

    def _load(self) -> None:
        from spinscope.signals.language import preload

        preload()  # every analysis detects the language: load the identifier meanwhile
        if self.detector is None or isinstance(self.detector, str):
            from spinscope.detectors.registry import load_detector

            self._model, note = load_detector(
                self.detector, threshold=self.threshold, threads=self.threads, model=self.model
            )
            if note:
                self._note = FALLBACK_NOTE
        else:
            self._model = self.detector
        self._load_tiers()
        self._load_article_models()

    def _load_tiers(self) -> None:
        """Decode down to the model's ``possible_floor`` when it lies below the threshold.

        Spans are proposed the same way at every threshold, so the two tiers are a split by
        score: ``likely`` from the threshold up, ``possible`` from the floor to it.
        """
        from spinscope.detectors.registry import tagger_of

        model = self._model
        self._spans_model = model
        tagger = tagger_of(model) if model is not None else None
        derive = getattr(model, "with_floor", None)
        if tagger is None or derive is None:
            return
        cfg = tagger.decode_config_for()
        floor = cfg.possible_floor
        if floor is not None and floor < cfg.threshold:
            self._floor = floor
            self._spans_model = derive(floor)

    def _load_article_models(self) -> None:
        """Load the genre and frame models; a missing folder is a note, a broken one an error."""
        if self.article_models is False:
            return
        from spinscope.article.models import ArticleModels

        if isinstance(self.article_models, ArticleModels):
            self._articles = self.article_models.load()
            return
        models = ArticleModels(tagger=self._model)
        if not (models.path / "config.json").is_file():
            self._articles_note = (
                f"the genre and frame models are not installed (no config.json in "
                f"{models.path}), so this report has no genre or frames. Reinstall spinscope, "
                "or retrain them with spinscope train-article --install."
            )
            return
        self._articles = models.load()

    @property
    def loaded_article_models(self) -> Any:
        """The loaded genre and frame models (``None`` when off or not installed).

        An analyzer for another threshold can take them as its ``article_models``: they do
        not depend on the threshold, and one copy in memory serves both.
        """
        return self.load()._articles

    @property
    def info(self) -> DetectorInfo:
        """Which detector runs, with what threshold, and the note about a fallback."""
        model = self.load()._model
        assert model is not None
        from spinscope.detectors.registry import tagger_of

        threshold = self.threshold
        if threshold is None:  # a detector object passed in may carry its own
            own = getattr(model, "threshold", None)
            threshold = float(own) if isinstance(own, int | float) else None
        tagger = tagger_of(model)
        if threshold is None and tagger is not None:  # the model's tuned one
            threshold = tagger.decode_config_for().threshold
        langs = getattr(model, "languages", None)
        return DetectorInfo(
            model.name,
            threshold,
            self._note,
            tuple(langs) if langs is not None else None,
            self._floor,
        )

    @property
    def coverage(self) -> Coverage | None:
        """What the detector can find (:mod:`spinscope.coverage`); ``None`` when unknown."""
        model = self.load()._model
        found = getattr(model, "coverage", None)
        return found if isinstance(found, Coverage) else None

    def _min_score(self) -> float | None:
        model = self.load()._model
        assert model is not None
        # the tagger applies its threshold itself; other detectors are filtered on score
        return self.threshold if model.name not in ("tagger", "hybrid") else None

    def analyze(
        self,
        article: str | Document,
        *,
        title: str | None = None,
        url: str | None = None,
        language: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Analysis:
        """Analyse one article (text or :class:`~spinscope.document.Document`).

        ``language`` is the article's ISO 639-1 code; by default it is detected. An unknown
        code raises :class:`~spinscope.errors.InputError`; a code spinscope is not trained on
        (``es``) is accepted, and the report warns about it. ``progress(done, total)`` hears
        how far the model is (in windows; only a tagger-based detector reports).
        """
        return self.analyze_many(
            [article], titles=[title], urls=[url], language=language, progress=progress
        )[0]

    def analyze_many(
        self,
        articles: Sequence[str | Document],
        *,
        titles: Sequence[str | None] | None = None,
        urls: Sequence[str | None] | None = None,
        language: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Analysis]:
        """Analyse several articles, batched (``language``: the ISO code of every article)."""
        code = language_code(language) if language is not None else None
        docs = [_as_document(a, i) for i, a in enumerate(articles)]
        self.load()
        checks = [check_language(d.text, code) for d in docs]
        # a chunk at a time, so that the model's outputs held at once stay bounded
        found = [
            pair
            for b in range(0, len(docs), 16)
            for pair in self._predict(
                docs[b : b + 16], progress, [c.code for c in checks[b : b + 16]]
            )
        ]
        floor = self._min_score()
        info = self.info
        coverage = self.coverage
        out = []
        for i, (doc, (spans, article)) in enumerate(zip(docs, found, strict=True)):
            kept = [s for s in spans if floor is None or s.score >= floor]
            notes = list(article.notices()) if article is not None else []
            if self._articles_note:
                notes.append(Notice("article_models", self._articles_note))
            out.append(
                build_analysis(
                    doc,
                    kept,
                    info,
                    title=titles[i] if titles else None,
                    url=urls[i] if urls else None,
                    genre=article.genre if article is not None else None,
                    frames=article.frames if article is not None else None,
                    frames_cv_micro_f1=(
                        article.frames_cv_micro_f1 if article is not None else None
                    ),
                    notes=notes,
                    language=code,
                    coverage=coverage,
                    language_check=checks[i],
                )
            )
        return out

    def _predict(
        self,
        docs: Sequence[Document],
        progress: Callable[[int, int], None] | None = None,
        languages: Sequence[str | None] | None = None,
    ) -> list[tuple[list[Span], ArticlePrediction | None]]:
        """Each document's spans, and its genre and frames from the article models (if on).

        A detector built on the tagger gets the tagger's outputs, computed here once, and the
        article models get the same outputs when they read that tagger. ``languages`` (one
        ISO code or ``None`` per document) choose the article models' per-language figures.
        """
        from spinscope.detectors.registry import tagger_of

        model = self._model
        decoder = self._spans_model or model
        assert model is not None and decoder is not None
        docs = [_without_surrogates(d) for d in docs]
        texts = [d.text for d in docs]
        tagger = tagger_of(model)
        probs = None
        if tagger is not None:
            probs = tagger.article_probs(texts, progress=progress)
            spans = decoder.predict(docs, probs=probs)  # type: ignore[call-arg]
        else:
            spans = decoder.predict(docs)
        if self._articles is None:
            return [(doc_spans, None) for doc_spans in spans]
        feature_tagger = self._articles.feature_tagger
        reads = tagger is not None and feature_tagger is not None and tagger.shares(feature_tagger)
        signals = self._articles.predict(texts, probs=probs if reads else None, languages=languages)
        return list(zip(spans, signals, strict=True))

    def __repr__(self) -> str:
        threads = f", threads={self.threads!r}" if self.threads is not None else ""
        return (
            f"Analyzer(detector={self.detector!r}, threshold={self.threshold!r}, "
            f"article_models={self.article_models!r}{threads})"
        )


#: Lone UTF-16 surrogates: a Python str (or JSON) may hold them, a tokenizer refuses them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(doc: Document) -> Document:
    """``doc`` with lone surrogates replaced by U+FFFD for the detectors.

    The same length, so the spans found count in the original text, which the report keeps.
    """
    if _SURROGATE.search(doc.text) is None:
        return doc
    return Document(doc.id, _SURROGATE.sub("\ufffd", doc.text), doc.metadata, doc.layers)


def _as_document(article: str | Document, index: int = 0) -> Document:
    if isinstance(article, Document):
        doc = article
    elif isinstance(article, str):
        doc = Document("article" if index == 0 else f"article{index + 1}", article)
    else:
        raise InputError(
            f"analyze() takes article text (str) or a Document, got {type(article).__name__}"
        )
    if not doc.text.strip():
        raise InputError(
            f"article {doc.id!r} is empty or whitespace only: there is nothing to analyse. "
            "Pass the article's text."
        )
    return doc


def cores_per_worker(workers: int) -> int:
    """The cores each of ``workers`` processes gets: the ``threads`` to give their analyzers.

    Several processes each running the model on every core would fight for the cores.
    """
    return max(1, (os.cpu_count() or 1) // workers)


def load(
    detector: str | Detector | None = None,
    *,
    threshold: float | None = None,
    article_models: bool | Any = True,
    threads: int | None = None,
) -> Analyzer:
    """A loaded :class:`Analyzer`, to reuse across calls (the model loads once)."""
    return Analyzer(
        detector, threshold=threshold, article_models=article_models, threads=threads
    ).load()


@lru_cache(maxsize=1)
def _default() -> Analyzer:
    return load()


def analyze(
    article: str | Document,
    *,
    title: str | None = None,
    url: str | None = None,
    language: str | None = None,
) -> Analysis:
    """Analyse one article with the default detector (loaded on first call, then cached).

    ``language`` is the article's ISO 639-1 code; by default it is detected.
    """
    return _default().analyze(article, title=title, url=url, language=language)


@dataclass(frozen=True)
class SourceResult:
    """What became of one input: its analysis, or the error that stopped it."""

    source: str
    analysis: Analysis | None = None
    error: SpinscopeError | None = None


def analyze_sources(
    sources: Iterable[str],
    analyzer: Analyzer,
    *,
    language: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    **read_options: Any,
) -> Iterator[SourceResult]:
    """Read and analyse each source (a path, a URL or ``-``); one failure does not stop the rest.

    ``language`` is the ISO 639-1 code of every source (default: detected for each);
    ``read_options`` go to :func:`spinscope.ingest.read_source` (``allow_private``,
    ``timeout``, ``max_bytes``). ``progress(source, done, total)`` hears how far the model is
    on each source (in windows).
    """
    from spinscope.ingest import read_source

    code = language_code(language) if language is not None else None
    for source in sources:
        try:
            doc = read_source(source, **read_options)
            hear = (lambda d, t, s=source: progress(s, d, t)) if progress is not None else None
            yield SourceResult(source, analyzer.analyze(doc, language=code, progress=hear))
        except SpinscopeError as err:
            yield SourceResult(source, error=err)
