"""The detector interface: a pipeline component that marks technique spans in documents.

Modelled on spaCy pipeline components. :meth:`Detector.predict` computes spans without side
effects; :meth:`Detector.set_annotations` writes them into new documents (documents never
change). :class:`BaseDetector` implements everything but ``predict`` and ``classify``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Protocol, runtime_checkable

from spinscope.document import Document, Span
from spinscope.errors import InputError, SpanOffsetError

__all__ = ["DEFAULT_LAYER", "BaseDetector", "Detector", "check_spans"]

#: The layer detectors write technique spans into unless told otherwise.
DEFAULT_LAYER = "techniques"


@runtime_checkable
class Detector(Protocol):
    """A component that finds persuasion-technique spans.

    Each output :class:`~spinscope.document.Span` has ``label`` = a SemEval-2023 technique
    name, ``score`` in ``[0, 1]``, ``source`` = :attr:`name`, and ``meta["category"]``.
    """

    #: Identifies the detector; written into ``Span.source``.
    name: str

    def predict(self, docs: Sequence[Document]) -> list[list[Span]]:
        """Technique spans for each document, sorted, without changing anything."""
        ...

    def set_annotations(
        self,
        docs: Sequence[Document],
        predictions: Sequence[Sequence[Span]],
        layer: str = DEFAULT_LAYER,
    ) -> list[Document]:
        """New documents with ``predictions`` written to ``layer`` (replacing it)."""
        ...

    def __call__(self, doc: Document) -> Document:
        """``doc`` with this detector's spans in the default layer."""
        ...

    def pipe(self, docs: Iterable[Document], batch_size: int = 32) -> Iterator[Document]:
        """Annotate a stream of documents, ``batch_size`` at a time, in order."""
        ...

    def classify(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[str]:
        """One technique name for each given ``(start, end)`` span of ``doc`` (the TC task)."""
        ...


def check_spans(doc: Document, spans: Sequence[tuple[int, int]]) -> None:
    """Raise :class:`SpanOffsetError` unless every ``(start, end)`` lies inside ``doc.text``."""
    n = len(doc.text)
    for start, end in spans:
        if not (0 <= start <= end <= n):
            raise SpanOffsetError(
                f"article {doc.id!r}: span [{start}, {end}) does not lie inside the text "
                f"({n} characters); pass offsets counted on this document's text"
            )


class BaseDetector(ABC):
    """Implements :meth:`set_annotations`, :meth:`__call__` and :meth:`pipe` on ``predict``.

    Subclasses set :attr:`name` and write :meth:`predict` and :meth:`classify`.
    """

    name: str = "detector"

    @abstractmethod
    def predict(self, docs: Sequence[Document]) -> list[list[Span]]:
        """Technique spans for each document, sorted, without changing anything."""

    @abstractmethod
    def classify(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[str]:
        """One technique name for each given ``(start, end)`` span of ``doc`` (the TC task)."""

    def set_annotations(
        self,
        docs: Sequence[Document],
        predictions: Sequence[Sequence[Span]],
        layer: str = DEFAULT_LAYER,
    ) -> list[Document]:
        """New documents with ``predictions`` written to ``layer`` (replacing it)."""
        if len(docs) != len(predictions):
            raise InputError(
                f"{self.name}: got {len(docs)} documents but {len(predictions)} prediction "
                "lists; pass the output of predict() on the same documents"
            )
        return [doc.with_layer(layer, spans) for doc, spans in zip(docs, predictions, strict=True)]

    def __call__(self, doc: Document) -> Document:
        """``doc`` with this detector's spans in the default layer."""
        return self.set_annotations([doc], self.predict([doc]))[0]

    def pipe(self, docs: Iterable[Document], batch_size: int = 32) -> Iterator[Document]:
        """Annotate a stream of documents, ``batch_size`` at a time, in order."""
        if batch_size < 1:
            raise InputError(f"{self.name}: batch_size must be at least 1, got {batch_size}")
        it = iter(docs)
        while batch := list(islice(it, batch_size)):
            yield from self.set_annotations(batch, self.predict(batch))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
