"""One loaded model per process, and an analyzer for each threshold that requests ask for.

An :class:`~spinscope.analyzer.Analyzer` takes its threshold at construction: it decides which
spans are ``likely`` (the rest, down to the model's possible floor, are ``possible``) and which
rule spans the hybrid keeps. Each threshold gets its own analyzer, built in microseconds: a
shallow copy of the loaded tagger (same ONNX session and tokenizer) at that threshold
(:meth:`~spinscope.tagger.model.Tagger.with_threshold`). The rule-based baseline, whose
threshold is a plain score filter, is shared as it is.

Analyses share nothing mutable (inference remembers nothing between calls), so they need no
lock; one guards only the table of per-threshold analyzers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from spinscope.analysis import Analysis, DetectorInfo
from spinscope.analyzer import Analyzer
from spinscope.document import Document
from spinscope.errors import InputError

__all__ = ["AnalyzerPool"]


class AnalyzerPool:
    """The server's analyzers: the default one, loaded once, and one per requested threshold.

    ``size`` bounds how many per-threshold analyzers are kept (least recently used go).
    """

    def __init__(self, base: Analyzer, *, size: int = 8) -> None:
        self.base = base
        self.size = size
        self._by_threshold: OrderedDict[float, Analyzer] = OrderedDict()
        self._lock = threading.Lock()
        self._loaded = threading.Event()

    def load(self) -> AnalyzerPool:
        """Load the default analyzer's model (once)."""
        self.base.load()
        self._loaded.set()
        return self

    @property
    def ready(self) -> bool:
        """Whether the model is loaded."""
        return self._loaded.is_set()

    @property
    def info(self) -> DetectorInfo:
        """The default analyzer's detector."""
        return self.base.info

    def analyze(
        self,
        article: Document | str,
        *,
        threshold: float | None = None,
        title: str | None = None,
        url: str | None = None,
        language: str | None = None,
    ) -> Analysis:
        """Analyse one article at ``threshold`` (``None``: the default one). Blocks.

        ``language`` is the article's ISO 639-1 code (default: detected).
        """
        analyzer = self._for(threshold)
        return analyzer.analyze(article, title=title, url=url, language=language)

    def _for(self, threshold: float | None) -> Analyzer:
        if threshold is None or threshold == self.base.threshold:
            return self.base
        if not 0.0 <= threshold <= 1.0:
            raise InputError(f"threshold {threshold!r} is outside [0, 1].")
        with self._lock:
            found = self._by_threshold.get(threshold)
            if found is None:
                found = self._derive(threshold)
                self._by_threshold[threshold] = found
                while len(self._by_threshold) > self.size:
                    self._by_threshold.popitem(last=False)
            self._by_threshold.move_to_end(threshold)
            return found

    def _derive(self, threshold: float) -> Analyzer:
        from spinscope.detectors.hybrid import HybridDetector
        from spinscope.tagger.model import Tagger

        model: Any = self.base.load()._model
        # one copy of the genre and frame models for every threshold: a copy each made every
        # new threshold cost ~6 MiB, and replacing evicted ones fragmented the heap
        loaded = self.base.loaded_article_models
        articles = self.base.article_models if loaded is None else loaded
        if isinstance(model, HybridDetector | Tagger):
            detector: Any = model.with_threshold(threshold)
        elif isinstance(self.base.detector, str) or self.base.detector is None:
            # the baseline (chosen, or standing in for a missing model): cheap to load, and
            # loading it again keeps the fallback note
            return Analyzer(self.base.detector, threshold=threshold, article_models=articles).load()
        else:  # a detector object: shared; the analyzer filters its spans on score
            detector = model
        return Analyzer(detector, threshold=threshold, article_models=articles).load()
