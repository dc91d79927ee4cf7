"""The document model: text exactly as read, with named layers of character-offset spans.

A :class:`Document` never changes; methods that add annotations return a new one. Offsets count
Unicode code points of :attr:`Document.text` (a BOM, if the file had one, is character 0), start
inclusive, end exclusive, as in the SemEval files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from spinscope.errors import InputError, SpanOffsetError

__all__ = ["SCHEMA_VERSION", "Document", "Span"]

#: Version of the JSON layout written by :meth:`Document.to_json`.
SCHEMA_VERSION = 1


def _freeze(meta: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(meta or {}))


@dataclass(frozen=True, order=True)
class Span:
    """A labelled character range ``[start, end)`` of a document's text.

    Spans sort by ``(start, end, label)``; ``score``, ``source`` and ``meta`` take no part in
    ordering, equality or hashing beyond ``score`` and ``source``.
    """

    start: int
    end: int
    label: str = ""
    score: float = 1.0
    source: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not (isinstance(self.start, int) and isinstance(self.end, int)):
            raise SpanOffsetError(
                f"span offsets must be integers, got {self.start!r}, {self.end!r}"
            )
        if self.start < 0 or self.end < self.start:
            raise SpanOffsetError(
                f"span [{self.start}, {self.end}) is invalid: need 0 <= start <= end"
            )
        object.__setattr__(self, "meta", _freeze(self.meta))

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """Whether the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def text_in(self, text: str) -> str:
        """The characters of ``text`` this span covers."""
        return text[self.start : self.end]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label}
        out["score"] = self.score
        if self.source:
            out["source"] = self.source
        if self.meta:
            out["meta"] = dict(self.meta)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Span:
        """Inverse of :meth:`to_dict`."""
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            label=str(data.get("label", "")),
            score=float(data.get("score", 1.0)),
            source=str(data.get("source", "")),
            meta=dict(data.get("meta", {})),
        )


@dataclass(frozen=True)
class Document:
    """An article: its id, its text exactly as read, metadata, and named span layers."""

    id: str
    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False)
    layers: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise InputError(f"document {self.id!r}: text must be str, got {type(self.text)}")
        object.__setattr__(self, "metadata", _freeze(self.metadata))
        layers = {}
        for name, spans in dict(self.layers).items():
            layers[name] = tuple(sorted(spans))
            self._check_spans(name, layers[name])
        object.__setattr__(self, "layers", MappingProxyType(layers))

    def __hash__(self) -> int:
        return hash((self.id, self.text))

    def _check_spans(self, layer: str, spans: Iterable[Span]) -> None:
        n = len(self.text)
        for span in spans:
            if span.end > n:
                raise SpanOffsetError(
                    f"article {self.id!r}, layer {layer!r}: span [{span.start}, {span.end}) "
                    f"{span.label!r} ends after the text ({n} characters)"
                )

    def with_layer(self, name: str, spans: Iterable[Span]) -> Document:
        """A copy with layer ``name`` set to ``spans`` (replacing any layer of that name)."""
        return Document(self.id, self.text, self.metadata, {**self.layers, name: tuple(spans)})

    def layer(self, name: str) -> tuple[Span, ...]:
        """The spans of layer ``name``, sorted; empty if the layer is absent."""
        return self.layers.get(name, ())

    def span_text(self, span: Span) -> str:
        """The text a span covers."""
        return self.text[span.start : span.end]

    @property
    def paragraphs(self) -> tuple[Span, ...]:
        """Paragraph spans: the ``paragraphs`` layer if set, else computed from the text."""
        if "paragraphs" in self.layers:
            return self.layers["paragraphs"]
        from spinscope.segment import paragraphs

        return paragraphs(self.text)

    @property
    def sentences(self) -> tuple[Span, ...]:
        """Sentence spans: the ``sentences`` layer if set, else computed from the text."""
        if "sentences" in self.layers:
            return self.layers["sentences"]
        from spinscope.segment import sentences

        return sentences(self.text)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with ``schema_version``."""
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "text": self.text,
            "metadata": dict(self.metadata),
            "layers": {k: [s.to_dict() for s in v] for k, v in self.layers.items()},
        }

    def to_json(self, **kwargs: Any) -> str:
        """Serialise to JSON (``ensure_ascii=False`` unless overridden)."""
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        """Inverse of :meth:`to_dict`; refuses a newer ``schema_version``."""
        version = data.get("schema_version") if isinstance(data, Mapping) else None
        if version != SCHEMA_VERSION:
            raise InputError(
                f"document JSON has schema_version {version!r}; this spinscope reads "
                f"{SCHEMA_VERSION}. Upgrade spinscope or re-export the document."
            )
        try:
            return cls(
                id=str(data["id"]),
                text=data["text"],
                metadata=dict(data.get("metadata", {})),
                layers={
                    k: tuple(Span.from_dict(s) for s in v)
                    for k, v in data.get("layers", {}).items()
                },
            )
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise InputError(
                f"the document JSON {data.get('id')!r} is not a complete spinscope document "
                f"({type(err).__name__}: {err}). Re-export the document."
            ) from None

    @classmethod
    def from_json(cls, raw: str) -> Document:
        """Inverse of :meth:`to_json`; :class:`InputError` when ``raw`` is not such JSON."""
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as err:
            raise InputError(f"the document is not valid JSON ({err}).") from None
        return cls.from_dict(data)
