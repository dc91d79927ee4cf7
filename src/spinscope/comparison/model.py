"""What a comparison holds: the articles' profiles, aligned sentences and wording differences.

:class:`Comparison` is to several articles what :class:`~spinscope.analysis.Analysis` is to one,
and is described by the JSON Schema ``spinscope/resources/comparison.schema.json``
(:data:`COMPARISON_SCHEMA_VERSION`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from spinscope.analysis import Analysis, Notice

__all__ = [
    "COMPARISON_SCHEMA_VERSION",
    "MIN_SENTENCE_WORDS",
    "AlignedPair",
    "ArticleProfile",
    "ComparedArticle",
    "Comparison",
    "Failure",
    "Sentence",
    "WordingDifference",
    "alignable",
    "comparison_schema",
]

#: Version of the comparison JSON layout.
COMPARISON_SCHEMA_VERSION = 1
#: The most articles one comparison takes (columns a reader can follow side by side), and
#: their default labels.
MAX_ARTICLES = 4
LABELS = "ABCD"
#: Sentences shorter than this (in words) are not aligned (bylines, datelines).
MIN_SENTENCE_WORDS = 4
#: What counts as a word (letters or digits, inner apostrophes kept).
WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


def alignable(text: str) -> bool:
    """Whether a sentence is long enough to be aligned (:data:`MIN_SENTENCE_WORDS` words)."""
    return len(WORD.findall(text)) >= MIN_SENTENCE_WORDS


def comparison_schema() -> dict[str, Any]:
    """The JSON Schema of :meth:`Comparison.to_dict` (``resources/comparison.schema.json``)."""
    from importlib import resources

    path = resources.files("spinscope") / "resources" / "comparison.schema.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _r(x: float) -> float:
    return round(float(x), 4)


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: ``[start, end)`` in its text, and its counterparts.

    ``counterparts`` maps the label of each other article to the index of the sentence there
    that tells the same thing (at most one per article), and ``similarity`` to their cosine.
    """

    index: int
    start: int
    end: int
    text: str
    counterparts: Mapping[str, int] = field(default_factory=dict)
    similarity: Mapping[str, float] = field(default_factory=dict)

    @property
    def shared(self) -> bool:
        """Whether another article tells the same thing."""
        return bool(self.counterparts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "counterparts": dict(self.counterparts),
            "similarity": {k: _r(v) for k, v in self.similarity.items()},
        }


@dataclass(frozen=True)
class ArticleProfile:
    """How one article persuades, in figures that can be set side by side.

    ``density`` is the share of the author's own characters (outside reported speech, spaces
    left out) inside a likely technique span; ``density_with_quotes`` counts quoted words too.
    ``loaded_words`` are the texts of the author's loaded-language and name-calling spans of
    at most :data:`~spinscope.comparison.core.LOADED_WORDS_MAX` words, most frequent first;
    ``sources`` the speakers of the quoted speech with their quotation counts (``None`` for
    quotations whose speaker was not found).
    """

    words: int
    density: float
    density_with_quotes: float
    spans_per_1000_words: float
    techniques: Mapping[str, int]
    categories: Mapping[str, int]
    sources: tuple[tuple[str | None, int], ...]
    loaded_words: tuple[tuple[str, int], ...]
    genre: str | None
    shared_sentences: int
    sentences: int

    @property
    def shared_share(self) -> float:
        """The share of the article's sentences that another article also tells."""
        return self.shared_sentences / self.sentences if self.sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "words": self.words,
            "density": _r(self.density),
            "density_with_quotes": _r(self.density_with_quotes),
            "spans_per_1000_words": _r(self.spans_per_1000_words),
            "techniques": dict(self.techniques),
            "categories": dict(self.categories),
            "sources": [{"speaker": s, "quotations": n} for s, n in self.sources],
            "loaded_words": [{"text": t, "count": n} for t, n in self.loaded_words],
            "genre": self.genre,
            "sentences": self.sentences,
            "shared_sentences": self.shared_sentences,
            "shared_share": _r(self.shared_share),
        }


@dataclass(frozen=True)
class ComparedArticle:
    """One compared article: its label (A, B, ...), input, analysis, sentences and profile."""

    label: str
    source: str
    analysis: Analysis
    sentences: tuple[Sentence, ...]
    profile: ArticleProfile

    @property
    def title(self) -> str:
        """The article's title; else its input when that says more than the label."""
        if self.analysis.title:
            return self.analysis.title
        return self.source if self.source != self.label else "(untitled)"

    @property
    def unique_sentences(self) -> tuple[Sentence, ...]:
        """The sentences no other article tells, too-short ones (bylines) included."""
        return tuple(s for s in self.sentences if not s.shared)

    @property
    def added_sentences(self) -> tuple[Sentence, ...]:
        """What this article adds: the sentences long enough to align that no other tells."""
        return tuple(s for s in self.unique_sentences if alignable(s.text))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the full analysis included)."""
        return {
            "label": self.label,
            "source": self.source,
            "title": self.analysis.title,
            "language": self.analysis.language,
            "profile": self.profile.to_dict(),
            "sentences": [s.to_dict() for s in self.sentences],
            "analysis": self.analysis.to_dict(),
        }


@dataclass(frozen=True)
class WordingDifference:
    """A technique span in one sentence whose counterpart sentence words it without one.

    ``counterpart_text`` is what the other article says in its place: the words that replace
    the span when both sentences are in one language and the change can be traced word by
    word ("protesters" for "radicals"), else the whole counterpart sentence (``whole_sentence``).
    """

    label: str
    sentence: int
    start: int
    end: int
    text: str
    technique: str
    category: str
    other_label: str
    other_sentence: int
    counterpart_text: str
    whole_sentence: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "label": self.label,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "technique": self.technique,
            "category": self.category,
            "other_label": self.other_label,
            "other_sentence": self.other_sentence,
            "counterpart_text": self.counterpart_text,
            "whole_sentence": self.whole_sentence,
        }


@dataclass(frozen=True)
class AlignedPair:
    """Two sentences of two articles that tell the same thing, and how their wording differs."""

    label_a: str
    sentence_a: int
    label_b: str
    sentence_b: int
    similarity: float
    differences: tuple[WordingDifference, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "a": {"label": self.label_a, "sentence": self.sentence_a},
            "b": {"label": self.label_b, "sentence": self.sentence_b},
            "similarity": _r(self.similarity),
            "differences": [d.to_dict() for d in self.differences],
        }


@dataclass(frozen=True)
class Failure:
    """An input that could not be read or analysed, and why."""

    source: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"source": self.source, "message": self.message}


@dataclass(frozen=True)
class Comparison:
    """Two to four articles about one story, side by side (see the module docstring).

    ``overlap`` maps ``"A-B"`` to the share of the shorter article's sentences that have a
    counterpart in the other; ``ranking`` lists the labels from the most to the least
    persuasion-dense (by :attr:`ArticleProfile.density`).
    """

    articles: tuple[ComparedArticle, ...]
    pairs: tuple[AlignedPair, ...]
    overlap: Mapping[str, float]
    threshold: float
    encoder: str
    warnings: tuple[Notice, ...] = ()
    failures: tuple[Failure, ...] = ()
    version: str = ""

    def __repr__(self) -> str:
        """A one-line summary (the articles are too long to print whole)."""
        labels = ", ".join(a.label for a in self.articles)
        return (
            f"<Comparison articles=[{labels}] pairs={len(self.pairs)} "
            f"differences={len(self.differences)} most_persuasive={self.most_persuasive!r}>"
        )

    def article(self, label: str) -> ComparedArticle:
        """The article with ``label``."""
        for a in self.articles:
            if a.label == label:
                return a
        raise KeyError(label)

    @property
    def ranking(self) -> tuple[str, ...]:
        """Labels from the most to the least persuasion-dense article."""
        return tuple(
            a.label for a in sorted(self.articles, key=lambda a: (-a.profile.density, a.label))
        )

    @property
    def most_persuasive(self) -> str:
        """The label of the most persuasion-dense article."""
        return self.ranking[0]

    @property
    def differences(self) -> tuple[WordingDifference, ...]:
        """Every wording difference, pair by pair."""
        return tuple(d for p in self.pairs for d in p.differences)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, valid against ``comparison.schema.json``."""
        return {
            "schema_version": COMPARISON_SCHEMA_VERSION,
            "spinscope_version": self.version,
            "encoder": self.encoder,
            "threshold": _r(self.threshold),
            "articles": [a.to_dict() for a in self.articles],
            "pairs": [p.to_dict() for p in self.pairs],
            "overlap": {k: _r(v) for k, v in self.overlap.items()},
            "ranking": list(self.ranking),
            "most_persuasive": self.most_persuasive,
            "warnings": [w.to_dict() for w in self.warnings],
            "failures": [f.to_dict() for f in self.failures],
        }

    def to_json(self, **kwargs: Any) -> str:
        """The comparison as JSON (``kwargs`` go to :func:`json.dumps`)."""
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    def _repr_html_(self) -> str:
        """The comparison as an HTML fragment, for a Jupyter cell.

        The page of :func:`spinscope.render.compare.render_comparison_html`, embedded as a
        fragment rather than in an ``<iframe srcdoc=...>``: GitHub's notebook viewer and
        Jupyter's sanitizer (for a notebook opened but not yet run, so not trusted) both drop
        iframes, which would leave an empty output, while a fragment stays readable everywhere.
        Its stylesheets are rewritten so that every rule applies inside the fragment only (the
        notebook keeps its own look), and its JSON data block is left out (the page runs no
        script). Where a viewer strips the stylesheet too (GitHub), the profile and the
        aligned sentences still read as plain tables, with each technique in its highlight's
        tooltip.
        """
        from spinscope.analysis import _page_fragment
        from spinscope.render.compare import render_comparison_html

        return _page_fragment(render_comparison_html(self))
