"""The article report: technique spans with their voice, signals, a summary, genre and frames.

An :class:`Analysis` is what :func:`spinscope.analyze` returns and what every renderer
(:mod:`spinscope.render`) draws. It serialises to the JSON described by
``spinscope/resources/analysis.schema.json`` (:data:`ANALYSIS_SCHEMA_VERSION`); field names are
stable within a schema version. :func:`build_analysis` assembles one from a document and the
detector's spans, and takes the genre and frames from the article models
(:mod:`spinscope.article`); it runs no model.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from spinscope.coverage import Coverage
from spinscope.document import Document, Span
from spinscope.explanations import SIGNALS, Explanation, explain
from spinscope.signals.language import (
    MIN_LETTERS,
    MIN_SENTENCES,
    MIN_WORDS,
    SUPPORTED_LANGUAGES,
    LanguageCheck,
    check_language,
    language_name,
)
from spinscope.signals.names import NameVariant, NameVariants, find_name_variants
from spinscope.signals.quotes import Quotation, find_quotations, quotation_covering
from spinscope.signals.repetition import RepeatedPhrase, repeated_phrases
from spinscope.taxonomy import CATEGORIES, FRAME_TITLES, TECHNIQUES, category_of, technique
from spinscope.tidy import tidy_spans

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ANALYSIS_SCHEMA_VERSION",
    "Analysis",
    "ChargedSentence",
    "DetectorInfo",
    "FrameScore",
    "GenreSignal",
    "Notice",
    "Summary",
    "TechniqueSpan",
    "build_analysis",
]

#: Version of the JSON layout of :meth:`Analysis.to_dict`; bumped on any incompatible change.
ANALYSIS_SCHEMA_VERSION = 1

#: How many sentences the summary lists as the most charged.
TOP_SENTENCES = 3

#: Below this many likely spans, every surface shows the coverage note first.
FEW_SPANS = 3

_TECHNIQUE_ORDER = {name: i for i, name in enumerate(TECHNIQUES)}
_CATEGORY_ORDER = {name: i for i, name in enumerate(CATEGORIES)}


@dataclass(frozen=True)
class TechniqueSpan:
    """One technique found in the article.

    ``quoted`` is true when the span lies inside reported speech (then ``speaker`` is who is
    said to speak, when found): those words are the speaker's, not the author's. ``scare_quote``
    is true when the span covers scare quotes. ``score`` is the detector's confidence in
    ``[0, 1]`` (the tagger's is calibrated: an estimated probability that the span is right).
    ``tier`` is ``"likely"`` for a span scored at or above the detector's threshold and
    ``"possible"`` for one between the detector's ``possible_floor`` and the threshold: shown
    apart, counted apart, and never among the most charged sentences.
    """

    start: int
    end: int
    text: str
    technique: str
    category: str
    score: float
    quoted: bool = False
    speaker: str | None = None
    scare_quote: bool = False
    source: str = ""
    evidence: str | None = None
    tier: str = "likely"
    #: techniques of the same category the model rates nearly as high over this span: it
    #: cannot tell them apart, so the report names the category and these as uncertain
    alternatives: tuple[str, ...] = ()

    def __len__(self) -> int:
        return self.end - self.start

    @property
    def label(self) -> str:
        """What a reader is told: the technique, or the category when the model cannot tell.

        "Loaded language", or "Attack on Reputation (name calling or labelling, or doubt: the
        model cannot tell which)".
        """
        if not self.alternatives:
            return self.title
        names = [self.title.lower(), *(technique(t).title.lower() for t in self.alternatives)]
        listed = (
            ", ".join(names[:-1]) + ", or " + names[-1] if len(names) > 2 else " or ".join(names)
        )
        return f"{self.category} ({listed}: the model cannot tell which)"

    @property
    def title(self) -> str:
        """The technique's name for a reader ("Loaded language")."""
        return technique(self.technique).title

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "technique": self.technique,
            "title": self.title,
            "category": self.category,
            "score": round(self.score, 4),
            "quoted": self.quoted,
            "speaker": self.speaker,
            "scare_quote": self.scare_quote,
            "source": self.source,
            "evidence": self.evidence,
            "tier": self.tier,
            "alternatives": list(self.alternatives),
        }


#: The tier of a span at or above the threshold, and of one between the floor and it.
LIKELY, POSSIBLE = "likely", "possible"


@dataclass(frozen=True)
class Notice:
    """Something the reader should know before trusting the report (a warning).

    Codes: ``unsupported_language``, ``model_language``, ``mixed_language``,
    ``unknown_language``, ``too_short``, ``genre_withheld``,
    ``name_variants``, ``detector``, ``article_models`` (reports written before language
    detection may also hold ``not_english``).
    """

    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class DetectorInfo:
    """Which detector produced the spans, with what threshold, and any note about it.

    ``threshold`` is the score from which a span is ``likely`` (the value in use: the user's,
    or the model's tuned one); ``possible_floor`` the lowest score of a ``possible`` span
    (``None``: no possible tier).
    """

    name: str
    threshold: float | None = None
    note: str | None = None
    #: the languages the detector was trained on (ISO codes); ``None`` when not known
    languages: tuple[str, ...] | None = None
    possible_floor: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "threshold": self.threshold,
            "note": self.note,
            "languages": list(self.languages) if self.languages is not None else None,
            "possible_floor": self.possible_floor,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DetectorInfo:
        """Inverse of :meth:`to_dict` (reports saved before ``languages`` existed load too)."""
        langs = data.get("languages")
        return cls(
            data["name"],
            data.get("threshold"),
            data.get("note"),
            tuple(langs) if langs is not None else None,
            data.get("possible_floor"),
        )


@dataclass(frozen=True)
class GenreSignal:
    """What kind of piece the article is (SemEval-2023 subtask 1), with calibrated probabilities.

    ``probabilities`` cover the genres the model can tell apart (opinion, reporting and satire
    for the shipped models); a genre in ``not_detected`` is never predicted (an older model
    without satire). The probabilities assume a fixed genre mix before reading (stored with the
    model, mostly reporting), not the training mix (mostly opinion), which is not the mix of
    real news. ``features`` names what the model read (``tfidf``, ``tagger``, ``style``);
    ``cv_macro_f1`` is its cross-validated score in the article's language, so a reader can
    see how far to trust it.
    """

    label: str
    probabilities: Mapping[str, float]
    not_detected: tuple[str, ...] = ()
    features: str = ""
    cv_macro_f1: float | None = None

    @property
    def confidence(self) -> float:
        """The probability of :attr:`label`."""
        return float(self.probabilities[self.label])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "label": self.label,
            "probabilities": {k: round(float(v), 4) for k, v in self.probabilities.items()},
            "not_detected": list(self.not_detected),
            "features": self.features,
            "cv_macro_f1": None if self.cv_macro_f1 is None else round(self.cv_macro_f1, 4),
        }


@dataclass(frozen=True)
class FrameScore:
    """One of the 14 SemEval-2023 frames and its calibrated probability for the article.

    ``selected`` is true when the score reaches the frame model's decision threshold (the frames
    a subtask-2 prediction lists).
    """

    frame: str
    score: float
    selected: bool = False

    @property
    def title(self) -> str:
        """The frame's name for a reader ("Crime and punishment")."""
        return FRAME_TITLES.get(self.frame, self.frame.replace("_", " "))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "frame": self.frame,
            "score": round(float(self.score), 4),
            "selected": self.selected,
        }


@dataclass(frozen=True)
class ChargedSentence:
    """A sentence and the weight of the techniques in it (the sum of their scores)."""

    start: int
    end: int
    text: str
    charge: float
    techniques: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "charge": round(self.charge, 4),
            "techniques": list(self.techniques),
        }


@dataclass(frozen=True)
class Summary:
    """Counts and highlights of an article's techniques.

    Everything counts the ``likely`` spans only: ``by_technique`` and ``by_category`` count
    them, most frequent first (ties in taxonomy order); ``author_spans`` and ``quoted_spans``
    split them by voice. A sentence "carries" a technique when a span overlaps it. The most
    charged sentences weigh only the author's own words (spans outside reported speech).
    ``possible_spans`` and ``possible_by_technique`` count the ``possible`` spans apart.
    """

    spans: int
    author_spans: int
    quoted_spans: int
    by_technique: Mapping[str, int]
    by_category: Mapping[str, int]
    sentences: int
    sentences_with_technique: int
    author_sentences_with_technique: int
    charged_sentences: tuple[ChargedSentence, ...]
    repeated_phrases: tuple[RepeatedPhrase, ...]
    possible_spans: int = 0
    possible_by_technique: Mapping[str, int] = field(default_factory=dict)

    @property
    def sentence_share(self) -> float:
        """The share of sentences carrying at least one technique."""
        return self.sentences_with_technique / self.sentences if self.sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "spans": self.spans,
            "author_spans": self.author_spans,
            "quoted_spans": self.quoted_spans,
            "by_technique": dict(self.by_technique),
            "by_category": dict(self.by_category),
            "sentences": self.sentences,
            "sentences_with_technique": self.sentences_with_technique,
            "author_sentences_with_technique": self.author_sentences_with_technique,
            "sentence_share": round(self.sentence_share, 4),
            "charged_sentences": [s.to_dict() for s in self.charged_sentences],
            "repeated_phrases": [p.to_dict() for p in self.repeated_phrases],
            "possible_spans": self.possible_spans,
            "possible_by_technique": dict(self.possible_by_technique),
        }


@dataclass(frozen=True)
class Analysis:
    """The report on one article; see the module docstring."""

    id: str
    text: str
    title: str | None
    url: str | None
    metadata: Mapping[str, Any]
    detector: DetectorInfo
    spans: tuple[TechniqueSpan, ...]
    quotations: tuple[Quotation, ...]
    name_variants: tuple[NameVariants, ...]
    #: the article's language and how it was found; :attr:`language` is its code
    language_check: LanguageCheck
    warnings: tuple[Notice, ...]
    summary: Summary
    version: str = field(default="")
    #: the article's genre, ``None`` when the article models did not run
    genre: GenreSignal | None = None
    #: all 14 frames, highest score first; ``None`` when the article models did not run
    frames: tuple[FrameScore, ...] | None = None
    #: which techniques the detector can find, with dev precision; ``None`` when unknown
    coverage: Coverage | None = None
    #: the frame model's cross-validated micro-F1, shown with the frames; ``None``: unknown
    frames_cv_micro_f1: float | None = None

    @property
    def language(self) -> str | None:
        """The article's language as an ISO 639-1 code ("fr"), ``None`` when unknown."""
        return self.language_check.code

    @property
    def selected_frames(self) -> tuple[FrameScore, ...]:
        """The frames whose score reaches the frame model's threshold, highest first."""
        return tuple(f for f in self.frames or () if f.selected)

    @property
    def likely_spans(self) -> tuple[TechniqueSpan, ...]:
        """The spans at or above the threshold."""
        return tuple(s for s in self.spans if s.tier == LIKELY)

    @property
    def possible_spans(self) -> tuple[TechniqueSpan, ...]:
        """The spans between the possible floor and the threshold."""
        return tuple(s for s in self.spans if s.tier == POSSIBLE)

    @property
    def author_spans(self) -> tuple[TechniqueSpan, ...]:
        """Likely spans in the author's own voice (outside reported speech)."""
        return tuple(s for s in self.likely_spans if not s.quoted)

    @property
    def quoted_spans(self) -> tuple[TechniqueSpan, ...]:
        """Likely spans inside reported speech."""
        return tuple(s for s in self.likely_spans if s.quoted)

    @property
    def few_found(self) -> bool:
        """Whether so few likely spans were found that the coverage note comes first."""
        return len(self.likely_spans) < FEW_SPANS

    def __repr__(self) -> str:
        """A one-line summary (the text and spans are too long to print whole)."""
        title = f" title={self.title!r}" if self.title else ""
        return (
            f"<Analysis id={self.id!r}{title} language={self.language!r} "
            f"chars={len(self.text)} spans={len(self.likely_spans)} likely + "
            f"{len(self.possible_spans)} possible>"
        )

    def likely_only(self) -> Analysis:
        """The report without its ``possible`` spans (their count stays in the summary)."""
        return replace(self, spans=self.likely_spans)

    @property
    def scare_quotes(self) -> tuple[Quotation, ...]:
        """The quotations that are scare quotes."""
        return tuple(q for q in self.quotations if q.kind == "scare")

    @property
    def techniques(self) -> tuple[str, ...]:
        """The techniques found (likely or possible), in taxonomy order."""
        return tuple(sorted({s.technique for s in self.spans}, key=_TECHNIQUE_ORDER.__getitem__))

    @property
    def explanations(self) -> dict[str, Explanation]:
        """What each technique found or named as an alternative means, and each signal present."""
        named = {t for s in self.spans for t in (s.technique, *s.alternatives)}
        out = {name: explain(name) for name in sorted(named, key=_TECHNIQUE_ORDER.__getitem__)}
        if any(q.kind == "speech" for q in self.quotations):
            out["quoted_speech"] = SIGNALS["quoted_speech"]
        if self.scare_quotes:
            out["scare_quotes"] = SIGNALS["scare_quotes"]
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict following ``analysis.schema.json``."""
        return {
            "schema_version": ANALYSIS_SCHEMA_VERSION,
            "spinscope_version": self.version,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "metadata": dict(self.metadata),
            "detector": self.detector.to_dict(),
            "language": self.language_check.to_dict(),
            "warnings": [w.to_dict() for w in self.warnings],
            "text": self.text,
            "spans": [s.to_dict() for s in self.spans],
            "quotations": [q.to_dict(self.text) for q in self.quotations],
            "name_variants": [g.to_dict() for g in self.name_variants],
            "summary": self.summary.to_dict(),
            "explanations": {k: e.to_dict() for k, e in self.explanations.items()},
            "genre": self.genre.to_dict() if self.genre is not None else None,
            "frames": [f.to_dict() for f in self.frames] if self.frames is not None else None,
            "coverage": self.coverage.to_dict() if self.coverage is not None else None,
            "frames_cv_micro_f1": self.frames_cv_micro_f1,
        }

    def to_json(self, **kwargs: Any) -> str:
        """Serialise to JSON (``ensure_ascii=False`` unless overridden)."""
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    def spans_frame(self) -> pd.DataFrame:
        """The spans as a pandas DataFrame with pyarrow-backed columns, one row per span.

        Columns: ``start``, ``end``, ``technique``, ``category``, ``score``, ``tier``,
        ``quoted``, ``speaker``, ``text``, ``paragraph`` and ``sentence`` (the 1-based numbers
        of the paragraph, a non-empty line, and of the sentence holding the span's start). An
        analysis without spans gives an empty frame with the same columns and dtypes. Needs
        the ``pandas`` extra (see :func:`spinscope.dataframes.spans_frame`).
        """
        from spinscope.dataframes import spans_frame

        return spans_frame(self)

    def _repr_html_(self) -> str:
        """The article with its highlights as an HTML fragment, for a Jupyter cell.

        Jupyter calls this when an analysis is a cell's last value (as displaCy draws
        entities): the title, a one-line summary (spans, techniques, genre), the colour of each
        category, and the text with every span highlighted in its category's colour and the
        technique in a tooltip (``title``). A text longer than
        :data:`NOTEBOOK_TEXT_LIMIT` characters is cut after a line near that length, with a
        note on how to see all of it. No script, no ``<html>`` or ``<head>``: the stylesheet
        applies inside the fragment only (it never restyles the notebook), and the highlights
        carry their colours inline, so they keep them where a viewer strips stylesheets.
        """
        return _notebook_html(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Analysis:
        """Rebuild an analysis from :meth:`to_dict`'s output (a saved report).

        ``from_dict(d).to_dict() == d`` for any ``d`` that :meth:`to_dict` wrote; derived
        fields (titles, explanations, counts, ``sentence_share``) are recomputed, not read.
        Scores keep the rounding of the JSON. Raises :class:`~spinscope.errors.InputError` when
        ``data`` is not such a dict.
        """
        from spinscope.errors import InputError

        version = data.get("schema_version") if isinstance(data, Mapping) else None
        if version != ANALYSIS_SCHEMA_VERSION:
            raise InputError(
                f"cannot read an analysis with schema_version {version!r}; this spinscope "
                f"reads version {ANALYSIS_SCHEMA_VERSION}. Analyse the article again."
            )
        try:
            return _analysis_from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            # AttributeError: a list where a mapping belongs (``"language": [...]``)
            raise InputError(
                f"the analysis {data.get('id')!r} is not a complete spinscope analysis "
                f"({type(err).__name__}: {err}). Analyse the article again."
            ) from None


# ------------------------------------------------------------------------------- reading


def _pairs(items: Sequence[Mapping[str, Any]]) -> tuple[tuple[int, int], ...]:
    return tuple((int(o["start"]), int(o["end"])) for o in items)


def _analysis_from_dict(data: Mapping[str, Any]) -> Analysis:
    summary = data["summary"]
    genre = data.get("genre")
    frames = data.get("frames")
    return Analysis(
        id=str(data["id"]),
        text=str(data["text"]),
        title=data["title"],
        url=data["url"],
        metadata=dict(data["metadata"]),
        detector=DetectorInfo.from_dict(data["detector"]),
        spans=tuple(
            TechniqueSpan(
                start=s["start"],
                end=s["end"],
                text=s["text"],
                technique=s["technique"],
                category=s["category"],
                score=float(s["score"]),
                quoted=s["quoted"],
                speaker=s["speaker"],
                scare_quote=s["scare_quote"],
                source=s["source"],
                evidence=s["evidence"],
                tier=s.get("tier", LIKELY),
                alternatives=tuple(s.get("alternatives", ())),
            )
            for s in data["spans"]
        ),
        quotations=tuple(
            Quotation(
                q["start"],
                q["end"],
                q["kind"],
                q["speaker"],
                q["speaker_start"],
                q["speaker_end"],
                q["cue"],
            )
            for q in data["quotations"]
        ),
        name_variants=tuple(
            NameVariants(
                tuple(
                    NameVariant(v["form"], _pairs(v["occurrences"]), v.get("count", 0))
                    for v in g["variants"]
                )
            )
            for g in data["name_variants"]
        ),
        language_check=LanguageCheck.from_dict(data["language"]),
        warnings=tuple(Notice(w["code"], w["message"]) for w in data["warnings"]),
        summary=Summary(
            spans=summary["spans"],
            author_spans=summary["author_spans"],
            quoted_spans=summary["quoted_spans"],
            by_technique=dict(summary["by_technique"]),
            by_category=dict(summary["by_category"]),
            sentences=summary["sentences"],
            sentences_with_technique=summary["sentences_with_technique"],
            author_sentences_with_technique=summary["author_sentences_with_technique"],
            charged_sentences=tuple(
                ChargedSentence(
                    c["start"], c["end"], c["text"], float(c["charge"]), tuple(c["techniques"])
                )
                for c in summary["charged_sentences"]
            ),
            repeated_phrases=tuple(
                RepeatedPhrase(p["phrase"], _pairs(p["occurrences"]), p.get("count", 0))
                for p in summary["repeated_phrases"]
            ),
            possible_spans=int(summary.get("possible_spans", 0)),
            possible_by_technique=dict(summary.get("possible_by_technique", {})),
        ),
        version=str(data["spinscope_version"]),
        genre=(
            GenreSignal(
                label=genre["label"],
                probabilities=dict(genre["probabilities"]),
                not_detected=tuple(genre["not_detected"]),
                features=genre["features"],
                cv_macro_f1=genre["cv_macro_f1"],
            )
            if genre is not None
            else None
        ),
        frames=(
            tuple(FrameScore(f["frame"], float(f["score"]), f["selected"]) for f in frames)
            if frames is not None
            else None
        ),
        coverage=(
            Coverage.from_dict(data["coverage"]) if data.get("coverage") is not None else None
        ),
        frames_cv_micro_f1=data.get("frames_cv_micro_f1"),
    )


# ------------------------------------------------------------------------------- building


def _technique_spans(
    text: str,
    spans: Sequence[Span],
    quotations: Sequence[Quotation],
    threshold: float | None = None,
) -> tuple[TechniqueSpan, ...]:
    out = []
    for span in sorted(set(spans)):
        if span.end <= span.start:
            continue
        quote = quotation_covering(quotations, span.start, span.end, "speech")
        scare = any(
            q.kind == "scare" and q.start < span.end and span.start < q.end for q in quotations
        )
        evidence = span.meta.get("evidence")
        out.append(
            TechniqueSpan(
                start=span.start,
                end=span.end,
                text=text[span.start : span.end],
                technique=span.label,
                category=str(span.meta.get("category") or category_of(span.label)),
                score=float(span.score),
                quoted=quote is not None,
                speaker=quote.speaker if quote is not None else None,
                scare_quote=scare,
                source=span.source,
                evidence=str(evidence) if evidence is not None else None,
                tier=LIKELY if threshold is None or span.score >= threshold else POSSIBLE,
                alternatives=tuple(span.meta.get("alternatives", ())),
            )
        )
    return tuple(out)


def _counts(names: Sequence[str], order: Mapping[str, int]) -> dict[str, int]:
    counts = Counter(names)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)))))


def _narration(
    text: str, sentence: Span, quotations: Sequence[Quotation], spans: Sequence[TechniqueSpan]
) -> tuple[int, int] | None:
    """Where a charged sentence's author voice is: the sentence, or its narration.

    A sentence that is mostly reported speech is not the author's ("“…,” she added, to loud
    applause."): the part outside the quotation that holds the author's spans is judged on its
    own. ``None`` when that part holds none of them.
    """
    start, end = sentence.start, sentence.end
    quoted = [
        (max(q.start, start), min(q.end, end))
        for q in quotations
        if q.kind == "speech" and q.start < end and start < q.end
    ]
    inside = sum(b - a for a, b in quoted)
    if 2 * inside <= end - start:
        return start, end
    pieces: list[tuple[int, int]] = []
    cursor = start
    for a, b in sorted(quoted):
        if a > cursor:
            pieces.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < end:
        pieces.append((cursor, end))
    best: tuple[float, tuple[int, int]] | None = None
    for a, b in pieces:
        weight = sum(s.score for s in spans if not s.quoted and a <= s.start and s.end <= b)
        if weight > 0 and (best is None or weight > best[0]):
            best = (weight, (a, b))
    if best is None:
        return None
    a, b = best[1]
    while a < b and (text[a].isspace() or text[a] in ",;:–—-"):
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if b > a else None


def _summary(
    text: str,
    sentences: Sequence[Span],
    every_span: Sequence[TechniqueSpan],
    quotations: Sequence[Quotation] = (),
) -> Summary:
    spans = [s for s in every_span if s.tier == LIKELY]
    possible = [s for s in every_span if s.tier == POSSIBLE]
    carrying: set[int] = set()
    author_carrying: set[int] = set()
    charge: dict[int, float] = defaultdict(float)
    techniques: dict[int, set[str]] = {}
    # spans and sentences are sorted: walk them together
    first = 0
    for span in spans:
        while first < len(sentences) and sentences[first].end <= span.start:
            first += 1
        k = first
        while k < len(sentences) and sentences[k].start < span.end:
            if span.start < sentences[k].end:
                carrying.add(k)
                if not span.quoted:
                    author_carrying.add(k)
                    charge[k] += span.score
                    techniques.setdefault(k, set()).add(span.technique)
            k += 1
    candidates = []
    for k in charge:
        where = _narration(text, sentences[k], quotations, spans) if charge[k] > 0 else None
        if where is None:
            continue
        a, b = where
        whole = (a, b) == (sentences[k].start, sentences[k].end)
        mine = [s for s in spans if not s.quoted and s.start < b and a < s.end]
        shown = charge[k] if whole else sum(s.score for s in mine)
        names = techniques[k] if whole else {s.technique for s in mine}
        candidates.append(
            ChargedSentence(
                a, b, text[a:b], shown, tuple(sorted(names, key=_TECHNIQUE_ORDER.__getitem__))
            )
        )
    # ranked by the charge shown (a narrowed sentence shows only its narration's)
    charged = sorted(candidates, key=lambda c: (-c.charge, c.start))[:TOP_SENTENCES]
    return Summary(
        spans=len(spans),
        author_spans=sum(1 for s in spans if not s.quoted),
        quoted_spans=sum(1 for s in spans if s.quoted),
        by_technique=_counts([s.technique for s in spans], _TECHNIQUE_ORDER),
        by_category=_counts([s.category for s in spans], _CATEGORY_ORDER),
        sentences=len(sentences),
        sentences_with_technique=len(carrying),
        author_sentences_with_technique=len(author_carrying),
        charged_sentences=tuple(charged),
        repeated_phrases=repeated_phrases(text),
        possible_spans=len(possible),
        possible_by_technique=_counts([s.technique for s in possible], _TECHNIQUE_ORDER),
    )


def _named(code: str) -> str:
    return f"{language_name(code)} ({code})"


_SUPPORTED_NAMES = (
    ", ".join(str(language_name(c)) for c in SUPPORTED_LANGUAGES[:-1])
    + f" and {language_name(SUPPORTED_LANGUAGES[-1])}"
)


def _language_notices(language: LanguageCheck) -> list[Notice]:
    """What the reader should know about the article's language (nothing for a supported one)."""
    out = []
    if language.code is None:
        if language.letters == 0:
            out.append(
                Notice(
                    "unknown_language",
                    "This text has no letters (only digits, symbols or emoji), so its language "
                    "is unknown and there are no words for the model to read. Give the "
                    "article's text.",
                )
            )
        elif language.source == "detected" and language.letters >= MIN_LETTERS:
            out.append(
                Notice(
                    "unknown_language",
                    "spinscope cannot tell which language this text is in (it reads as codes, "
                    "symbols or lists rather than prose), so its findings are unreliable. If "
                    "it is an article, give its language (--language, or language in the API).",
                )
            )
    elif not language.supported:
        said = (
            f"The language was given as {_named(language.code)}"
            if language.source == "given"
            else f"This text looks like {_named(language.code)}"
        )
        fix = (
            " If that is wrong, give the language (--language, or language in the API)."
            if language.source == "detected"
            else ""
        )
        out.append(
            Notice(
                "unsupported_language",
                f"{said}, a language spinscope was not trained on (it reads {_SUPPORTED_NAMES}: "
                f"{', '.join(SUPPORTED_LANGUAGES)}). The analysis ran, but its findings are "
                f"unreliable: missing techniques prove nothing.{fix}",
            )
        )
    if language.code is not None and language.others:
        shares = language.shares
        others = ", ".join(f"{_named(c)} {shares[c]:.0%}" for c in language.others)
        unsupported = [
            str(language_name(c)) for c in language.others if c not in SUPPORTED_LANGUAGES
        ]
        caveat = (
            f" spinscope was not trained on {' or '.join(unsupported)}: findings in those "
            "passages are unreliable."
            if unsupported
            else ""
        )
        out.append(
            Notice(
                "mixed_language",
                f"This text mixes languages: mostly {_named(language.code)} "
                f"({shares[language.code]:.0%} of its letters), also {others}. It is reported "
                f"as {language_name(language.code)}.{caveat}",
            )
        )
    return out


def _model_language_notices(language: LanguageCheck, detector: DetectorInfo) -> list[Notice]:
    """A notice when the article is in a supported language the installed model never saw.

    spinscope supports six languages, but a model folder records the languages it was trained
    on (the first shipped model: English only).
    """
    trained = detector.languages
    if trained is None or language.code is None or not language.supported:
        return []
    if language.code in trained:
        return []
    names = " and ".join(str(language_name(c)) for c in trained)
    return [
        Notice(
            "model_language",
            f"This text is in {_named(language.code)}, but the {detector.name} detector in use "
            f"was trained on {names} only, so it finds little in other languages: missing "
            "techniques prove nothing.",
        )
    ]


def _notices(
    language: LanguageCheck,
    sentences: int,
    names: Sequence[NameVariants],
    detector: DetectorInfo,
) -> tuple[Notice, ...]:
    out = _language_notices(language)
    out.extend(_model_language_notices(language, detector))
    if language.words < MIN_WORDS or sentences < MIN_SENTENCES:
        out.append(
            Notice(
                "too_short",
                f"The text is too short to judge ({language.words} words, {sentences} "
                f"sentence{'s' if sentences != 1 else ''}). Techniques depend on context; "
                f"give the whole article (at least {MIN_WORDS} words).",
            )
        )
    out.extend(Notice("name_variants", g.message) for g in names)
    if detector.note:
        out.append(Notice("detector", detector.note))
    return tuple(out)


#: The fewest words for which the genre and frames are given: the models were trained on
#: whole articles (the shortest of the 1,025 training articles has 88 words), and a headline or
#: a post of a few sentences does not show what kind of piece it comes from.
GENRE_MIN_WORDS = 80


def _genre_withheld(language: LanguageCheck, sentences: int) -> str | None:
    """Why the genre and frames are not shown (``None``: they are).

    They mean nothing for a text too short to judge (under :data:`GENRE_MIN_WORDS` words: a
    headline, a post, a teaser) or in a language the article models were not trained for.
    """
    if language.words < GENRE_MIN_WORDS or sentences < MIN_SENTENCES:
        return (
            f"No genre or frames: the text is too short to judge what kind of piece it is "
            f"({language.words} words; the genre and frame models need at least "
            f"{GENRE_MIN_WORDS}, a few paragraphs of an article)."
        )
    if language.code is None or not language.supported:
        return (
            "No genre or frames: the article models do not read this text's language, so "
            "their figures would mean nothing."
        )
    return None


def _headline(text: str) -> str | None:
    """The first line of ``text`` when it reads as a headline (short, no final full stop)."""
    line = text.lstrip().split("\n", 1)[0].strip()
    if 0 < len(line) <= 200 and line[-1] not in ".,;:" and "\n" in text.strip():
        return line
    return None


def build_analysis(
    doc: Document,
    spans: Sequence[Span],
    detector: DetectorInfo,
    *,
    title: str | None = None,
    url: str | None = None,
    genre: GenreSignal | None = None,
    frames: Sequence[FrameScore] | None = None,
    notes: Sequence[Notice] = (),
    language: str | None = None,
    coverage: Coverage | None = None,
    frames_cv_micro_f1: float | None = None,
    language_check: LanguageCheck | None = None,
) -> Analysis:
    """Assemble the :class:`Analysis` of ``doc`` from a detector's ``spans`` (no model runs).

    ``title`` and ``url`` default to the document's metadata; a plain-text article with no
    title takes its first line when that reads as a headline. ``genre`` and ``frames`` come
    from the article models (:mod:`spinscope.article`); frames are sorted by score. ``notes``
    are added to the warnings. ``language`` (an ISO 639-1 code) is the article's language;
    by default it is detected (:func:`~spinscope.signals.language.check_language`).
    A span scored below ``detector.threshold`` is a ``possible`` one; ``coverage`` is the
    detector's coverage statement. ``language_check``, the result of
    :func:`~spinscope.signals.language.check_language` on the text when the caller already
    has it, saves detecting the language again.
    """
    from spinscope import __version__

    text = doc.text
    meta = dict(doc.metadata)
    title = title or meta.pop("title", None) or _headline(text)
    url = url or meta.pop("url", None)
    meta.pop("title", None)
    meta.pop("url", None)
    quotations = find_quotations(text)
    if language_check is None:
        language_check = check_language(text, language)
    names = find_name_variants(text, language_check.code)
    sentences = doc.sentences
    technique_spans = _technique_spans(
        text, tidy_spans(text, spans, sentences), quotations, detector.threshold
    )
    notes = list(notes)
    withheld = _genre_withheld(language_check, len(sentences))
    if withheld is not None and (genre is not None or frames is not None):
        genre, frames, frames_cv_micro_f1 = None, None, None
        notes.append(Notice("genre_withheld", withheld))
    return Analysis(
        id=doc.id,
        text=text,
        title=str(title) if title else None,
        url=str(url) if url else None,
        metadata=meta,
        detector=detector,
        spans=technique_spans,
        quotations=quotations,
        name_variants=names,
        language_check=language_check,
        warnings=(*_notices(language_check, len(sentences), names, detector), *notes),
        summary=_summary(text, sentences, technique_spans, quotations),
        version=__version__,
        genre=genre,
        frames=(
            tuple(sorted(frames, key=lambda f: (-f.score, f.frame))) if frames is not None else None
        ),
        coverage=coverage,
        frames_cv_micro_f1=frames_cv_micro_f1 if frames is not None else None,
    )


# ------------------------------------------------------------------------------- notebook display

#: Texts longer than this (in characters) are cut in a notebook cell (:meth:`Analysis._repr_html_`).
NOTEBOOK_TEXT_LIMIT = 3_000

#: The class of a notebook fragment's outer element: every rule of its stylesheet starts with it.
NOTEBOOK_CLASS = "spinscope-nb"

#: How many techniques the summary line names before "and N more".
_NOTEBOOK_TECHNIQUES = 6

_NOTEBOOK_CSS = {
    "": "font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
    "max-width:62rem;margin:4px 0",
    ".ss-title": "font-weight:600;font-size:1.05rem;margin:0 0 2px",
    ".ss-line": "margin:0 0 4px;opacity:.85",
    ".ss-by": "margin:0 0 4px;font-size:.9em",
    ".ss-key": "display:inline-block;margin-right:12px;white-space:nowrap",
    ".ss-swatch": "display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px",
    ".ss-notes": "margin:0 0 6px;font-size:.9em",
    ".ss-notes ul": "margin:2px 0;padding-left:20px",
    ".ss-text": "font-family:Georgia,'Times New Roman',serif;font-size:15px;line-height:1.7;"
    "overflow-wrap:anywhere;border-left:3px solid rgba(127,127,127,.35);padding:2px 0 2px 12px",
    ".ss-text mark": "cursor:help;border-radius:3px;padding:1px 0",
    ".ss-more": "margin:6px 0 0;font-size:.9em;opacity:.85",
    ".ss-more code": "font-size:.95em",
}


def _tint(colour: str, share: float = 0.72) -> str:
    """``colour`` (``#RRGGBB``) mixed with white: ``share`` is the part of white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in rgb)


def _scoped_css(css: str, scope: str, used: Collection[str] | None = None) -> str:
    """``css`` with every rule confined to the elements inside ``scope`` (a selector).

    Each selector gets ``scope`` in front; ``html``, ``body`` and ``:root`` become ``scope``
    itself, so variables and fonts set on the page are set on the fragment instead. ``@media``
    and ``@supports`` blocks are scoped inside; other at-rules are kept as they are. Comments
    go. With ``used`` (the class names and ``#ids`` that the markup holds), a selector naming
    any other class or id is dropped, and so is a rule left without selectors. Meant for the
    package's own stylesheets (no commas inside a selector's brackets, no braces inside
    strings), to draw one of its pages inside a notebook without restyling the notebook.
    """
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    out: list[str] = []
    i = 0
    while True:
        brace = css.find("{", i)
        if brace < 0:
            break
        depth, j = 0, brace
        for j in range(brace, len(css)):
            if css[j] == "{":
                depth += 1
            elif css[j] == "}":
                depth -= 1
                if depth == 0:
                    break
        prelude, body = " ".join(css[i:brace].split()), css[brace + 1 : j].strip()
        i = j + 1
        if prelude.startswith(("@media", "@supports")):
            inner = _scoped_css(body, scope, used)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        elif prelude:
            kept = [s.strip() for s in prelude.split(",") if _selector_used(s, used)]
            if kept:
                selectors = ",".join(_scoped_selector(s, scope) for s in kept)
                out.append(f"{selectors}{{{' '.join(body.split())}}}")
    return "\n".join(out)


def _selector_used(selector: str, used: Collection[str] | None) -> bool:
    """Whether every class and id that ``selector`` names is in ``used`` (always without it)."""
    if used is None:
        return True
    names = re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selector)
    ids = re.findall(r"(#-?[_a-zA-Z][\w-]*)", selector)
    return all(n in used for n in names) and all(n in used for n in ids)


def _scoped_selector(selector: str, scope: str) -> str:
    head, _, rest = selector.partition(" ")
    if head in ("html", "body", ":root"):
        return f"{scope} {rest}".rstrip() if rest else scope
    return f"{scope} {selector}"


def _notebook_css() -> str:
    return "\n".join(
        f".{NOTEBOOK_CLASS}{' ' + sel if sel else ''}{{{rule}}}"
        for sel, rule in _NOTEBOOK_CSS.items()
    )


def _mark_style(colour: str, possible: bool, quoted: bool, overlap: bool) -> str:
    """A highlight's inline style: inline so that a notebook's sanitizer keeps the colours."""
    if possible:
        style = f"background-color:transparent;color:inherit;border-bottom:2px dashed {colour}"
    else:
        line = "3px double #1d1d1f" if overlap else f"2px solid {colour}"
        style = f"background-color:{_tint(colour)};color:#1d1d1f;border-bottom:{line}"
    return style + (";font-style:italic" if quoted else "")


def _span_tooltip(span: TechniqueSpan) -> str:
    note = f"{span.label} ({span.score:.0%}"
    if span.tier == POSSIBLE:
        note += ", possible"
    if span.quoted:
        note += f", quoted: said by {span.speaker or 'an unattributed speaker'}"
    return note + ")"


def _notebook_cut(text: str, limit: int) -> int:
    """Where to cut ``text`` for a notebook: after a line near ``limit``, else after a word."""
    if len(text) <= limit:
        return len(text)
    cut = text.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = text.rfind(" ", 0, limit)
    return cut if cut > 0 else limit


def _notebook_article(analysis: Analysis, end: int) -> Any:
    """``analysis.text[:end]`` with its highlights, as ``Markup``; line breaks become ``<br>``.

    Every piece of text and every attribute value goes through :func:`markupsafe.escape`; the
    rest are fixed tags, colours from the package's palette and numbers.
    """
    from markupsafe import Markup, escape

    from spinscope.render.common import CATEGORY_COLOURS, segments

    text = analysis.text[:end]
    spans = [s for s in analysis.spans if s.end <= end]
    out: list[str] = []
    for seg in segments(text, spans):
        piece = str(escape(text[seg.start : seg.end])).replace("\n", "<br>\n")
        if not seg.spans:
            out.append(piece)
            continue
        top = spans[min(seg.spans, key=lambda i: (spans[i].tier == POSSIBLE, len(spans[i]), i))]
        style = _mark_style(
            CATEGORY_COLOURS.get(top.category, "#5f6368"),
            possible=top.tier == POSSIBLE,
            quoted=top.quoted,
            overlap=len(seg.spans) > 1,
        )
        tip = "; ".join(_span_tooltip(spans[i]) for i in seg.spans)
        names = " ".join(sorted({spans[i].technique for i in seg.spans}))
        out.append(
            f'<mark style="{style}" title="{escape(tip)}" '
            f'data-techniques="{escape(names)}">{piece}</mark>'
        )
    # safe: text and attribute values escaped above; the rest is fixed markup and palette colours
    return Markup("".join(out).strip())


def _notebook_summary(analysis: Analysis, most: int) -> str:
    """The one-line summary: spans, techniques and genre."""
    s = analysis.summary
    head = f"{s.spans} technique span{'s' if s.spans != 1 else ''}"
    if s.spans:
        head += f" ({s.author_spans} in the author's words, {s.quoted_spans} quoted)"
    if s.possible_spans:
        head += f"; {s.possible_spans} possible"
    names = [f"{technique(t).title} {n}" for t, n in s.by_technique.items()]
    if len(names) > most:
        names = [*names[:most], f"and {len(names) - most} more"]
    found = ", ".join(names) if names else "none found with confidence"
    genre = (
        f"{analysis.genre.label} ({analysis.genre.confidence:.0%})"
        if analysis.genre is not None
        else "not estimated"
    )
    return f"{head} · techniques: {found} · genre: {genre}"


_NOTEBOOK_TEMPLATE = """\
<div class="{{ cls }}">
<style>{{ css }}</style>
<div class="ss-title">{{ title }} <small style="font-weight:normal;opacity:.7">\
spinscope · {{ detector }} detector{% if language %} · {{ language }}{% endif %}</small></div>
<div class="ss-line">{{ summary }}</div>
{% if categories %}
<div class="ss-by">{% for name, colour, n in categories %}\
<span class="ss-key"><span class="ss-swatch" style="background-color:{{ colour }}"></span>\
{{ name }} {{ n }}</span>{% endfor %}</div>
{% endif %}
{% if warnings %}
<details class="ss-notes"><summary>Before you read ({{ warnings|length }} \
note{{ "s" if warnings|length != 1 else "" }})</summary><ul>
{% for warning in warnings %}
<li>{{ warning.message }}</li>
{% endfor %}
</ul></details>
{% endif %}
<div class="ss-text"{% if lang %} lang="{{ lang }}"{% endif %} dir="auto">{{ article }}</div>
{% if cut %}
<p class="ss-more">Showing the first {{ "{:,}".format(shown) }} of {{ "{:,}".format(total) }} \
characters ({{ shown_spans }} of {{ all_spans }} spans). To see all of it, save the full \
report and open it in a browser: <code>from spinscope.render.html import render_html</code>, \
then <code>Path("report.html").write_text(render_html(analysis), encoding="utf-8")</code>; or \
run <code>spinscope analyze ARTICLE --format html -o report.html</code>.</p>
{% endif %}
</div>
"""


@lru_cache(maxsize=1)
def _notebook_template() -> Any:
    """The fragment's template (a Jinja2 ``Template``), compiled once."""
    from spinscope.render.templates import environment

    return environment().from_string(_NOTEBOOK_TEMPLATE)


def _notebook_html(analysis: Analysis, limit: int | None = None) -> str:
    """The HTML fragment of :meth:`Analysis._repr_html_` (texts cut after ``limit`` characters)."""
    from markupsafe import Markup

    from spinscope.render.common import CATEGORY_COLOURS

    limit = NOTEBOOK_TEXT_LIMIT if limit is None else limit
    end = _notebook_cut(analysis.text, limit)
    cut = end < len(analysis.text)
    counts = analysis.summary.by_category
    html: str = _notebook_template().render(
        cls=NOTEBOOK_CLASS,
        # safe: the fixed rules of _NOTEBOOK_CSS; escaping would break the quoted font names
        css=Markup(_notebook_css()),
        title=analysis.title or analysis.id,
        detector=analysis.detector.name,
        language=language_name(analysis.language) if analysis.language else None,
        lang=analysis.language,
        summary=_notebook_summary(analysis, 3 if cut else _NOTEBOOK_TECHNIQUES),
        categories=[(c, CATEGORY_COLOURS[c], counts[c]) for c in CATEGORIES if counts.get(c)],
        warnings=analysis.warnings,
        article=_notebook_article(analysis, end),
        cut=cut,
        shown=end,
        total=len(analysis.text),
        shown_spans=sum(1 for s in analysis.spans if s.end <= end),
        all_spans=len(analysis.spans),
    )
    return html


def _page_fragment(page: str, scope: str = "spinscope-nb-page") -> str:
    """One of spinscope's self-contained HTML pages as a fragment for a notebook cell.

    The page's stylesheets are scoped to a ``<div class="{scope}">`` (:func:`_scoped_css`),
    less the rules for classes and ids the page does not use; its body goes inside that div
    (the body's own attributes on an inner ``<div>``), and its scripts go (the pages' JSON
    data blocks run nothing and would only make the notebook bigger). The page's content is
    kept as it is: its renderer escaped it.
    """
    css = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", page, flags=re.DOTALL))
    found = re.search(r"<body([^>]*)>(.*)</body>", page, flags=re.DOTALL)
    attrs, body = (found.group(1), found.group(2)) if found else ("", page)
    body = re.sub(r"<script\b[^>]*>.*?</script>\s*", "", body, flags=re.DOTALL)
    markup = attrs + body
    used = {c for names in re.findall(r'class="([^"]*)"', markup) for c in names.split()}
    used.update("#" + name for name in re.findall(r'id="([^"]*)"', markup))
    return (
        f'<div class="{scope}">\n<style>\n{_scoped_css(css, "." + scope, used)}\n</style>\n'
        f"<div{attrs}>{body.strip()}</div>\n</div>\n"
    )
