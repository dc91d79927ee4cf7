"""Turn per-token probabilities into technique spans.

Decoding is where a naive tagger loses most: thresholding each word piece alone gives many tiny
fragments. Here, per output column:

1. **Hysteresis**: a run starts at a token whose probability reaches ``high`` and extends over
   neighbours whose probability stays at or above ``low`` (``low = high * low_ratio``). With
   ``possible_high``, runs from that lower level that overlap no main run of their technique
   are proposed too (they are scored like the others, so most are ``possible`` spans).
2. **Gap merging**: runs of the same technique separated by at most ``max_gap`` characters of
   text are merged (METHODS.md: 10–40 characters helped the SemEval systems).
3. **Word snapping and trimming**: a span is widened to whole words and trimmed of surrounding
   whitespace and ``.,:;`` (the SemEval v2 gold trimming).
4. **Scoring**: a span's raw score is the mean probability of its tokens; a Platt mapping per
   technique, fitted on the development articles (and pulled towards the pooled mapping where a
   technique has few spans), turns it into an estimate of the share of the span that a gold span
   of the same technique covers, i.e. its expected precision
   (:class:`~spinscope.calibration.Calibration`). A threshold on this score keeps the spans
   expected to be at least that precise.
5. **Techniques the model cannot tell apart**: where another technique of the span's category
   has a mean probability over the span of at least :data:`ALTERNATIVE_RATIO` of the span's
   own, the span's ``meta["alternatives"]`` names it; the report then gives the category and
   says that the technique is uncertain.
6. **Repetition** is an article-level property: a model span of any technique whose normalised
   text already occurred earlier in the article also becomes a Repetition span, and a model
   Repetition span whose text occurs only once is dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from spinscope.calibration import Calibration
from spinscope.document import Span
from spinscope.tagger.labels import ANY, OUTPUTS
from spinscope.taxonomy import category_of

# Calibration is part of DecodeConfig's settings, so it is importable from here too
__all__ = [
    "ALTERNATIVE_RATIO",
    "Calibration",
    "DecodeConfig",
    "alternatives",
    "decode",
    "repetition_spans",
    "runs",
    "snap",
]

_TRIM_PUNCT = ".,:;\ufeff"


@dataclass
class DecodeConfig:
    """Decoding settings, chosen on the development articles and stored with the model."""

    high: float = 0.5
    low_ratio: float = 0.6
    max_gap: int = 10
    min_chars: int = 2
    #: unused since span identification uses ``si_high``; kept so stored configs still load
    any_high: float = 0.5
    high_by_technique: dict[str, float] = field(default_factory=dict)
    repetition_rule: bool = True
    calibration: Calibration = field(default_factory=Calibration)
    #: per-technique calibrations (fitted where the dev articles have enough spans)
    calibration_by_technique: dict[str, Calibration] = field(default_factory=dict)
    threshold: float = 0.0
    #: ``high`` for span identification (SI: any technique), where recall matters more
    si_high: float | None = None
    #: the lowest score shown as a ``possible`` span (below :attr:`threshold`): where the
    #: precision of the dev spans around that score falls under 10 % (``None``: no such tier)
    possible_floor: float | None = None
    #: a second, lower ``high``: runs that start only from it (none of the main runs of their
    #: technique overlaps them) are proposed too; scored like the others, they mostly land in
    #: the possible tier (``None``: no second level)
    possible_high: float | None = None

    def with_threshold(self, threshold: float) -> DecodeConfig:
        """The settings for a user's cut-off on calibrated scores.

        Only the cut-off moves: the spans proposed do not depend on it, so a span scored ``s``
        is shown at every threshold ``<= s`` and hidden at every threshold above it.
        """
        return replace(self, threshold=threshold)

    def for_possible(self) -> DecodeConfig:
        """The settings that keep the ``possible`` spans too (down to :attr:`possible_floor`).

        Spans at or above :attr:`threshold` are the likely ones; the caller tells them apart
        by score. Without a floor below the threshold, this is the config itself.
        """
        floor = self.possible_floor
        if floor is None or floor >= self.threshold:
            return self
        return replace(self, threshold=floor)

    def for_si(self) -> DecodeConfig:
        """The settings for span identification: ``si_high`` for every technique, no cut-off."""
        high = self.high if self.si_high is None else self.si_high
        return replace(self, high=high, high_by_technique={}, threshold=0.0, possible_high=None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DecodeConfig:
        """Inverse of :meth:`to_dict`."""
        data = dict(data)
        cal = Calibration(**data.pop("calibration", {}))
        by = {k: Calibration(**v) for k, v in data.pop("calibration_by_technique", {}).items()}
        return cls(calibration=cal, calibration_by_technique=by, **data)

    def calibrate(self, technique: str, raw: float) -> float:
        """The calibrated score of a span of ``technique`` with raw score ``raw``."""
        return self.calibration_by_technique.get(technique, self.calibration)(raw)


def runs(p: npt.NDArray[np.float32], high: float, low: float) -> list[tuple[int, int]]:
    """Token runs ``[i, j)`` holding a token ``>= high`` whose tokens are all ``>= low``."""
    q = np.asarray(p, dtype=np.float64)  # compared as Python floats are, whatever p's dtype
    above = q >= low
    if not above.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate(([False], above, [False])).astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    peaks = np.maximum.reduceat(q, starts)
    return [
        (int(i), int(j)) for i, j, peak in zip(starts, ends, peaks, strict=True) if peak >= high
    ]


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words, then trim whitespace and ``.,:;`` at both ends."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    n = len(text)
    while end < n and end > 0 and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    while start < end and (text[start].isspace() or text[start] in _TRIM_PUNCT):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _TRIM_PUNCT):
        end -= 1
    return start, end


def _merge(spans: list[_Run], text: str, max_gap: int) -> list[_Run]:
    """Merge runs whose gap is short and holds no line break."""
    out: list[_Run] = []
    for s in spans:
        if out:
            prev = out[-1]
            gap = text[prev.end : s.start]
            if s.start - prev.end <= max_gap and "\n" not in gap:
                out[-1] = _Run(
                    prev.start,
                    max(prev.end, s.end),
                    prev.psum + s.psum,
                    prev.n + s.n,
                    prev.first,
                    max(prev.last, s.last),
                )
                continue
        out.append(s)
    return out


@dataclass(frozen=True)
class _Run:
    """A span being built: characters ``[start, end)``, tokens ``[first, last)``."""

    start: int
    end: int
    psum: float
    n: int
    first: int
    last: int


#: A technique of the same category whose mean probability over a span reaches this share of
#: the span's own technique's is an alternative the model cannot tell apart from it.
ALTERNATIVE_RATIO = 0.8


def alternatives(mean: npt.NDArray[np.float32], technique: str) -> list[str]:
    """Techniques of ``technique``'s category the model rates nearly as high over a span.

    ``mean`` is the span's mean probability per output column.
    """
    own = float(mean[OUTPUTS.index(technique)])
    category = category_of(technique)
    return [
        name
        for k, name in enumerate(OUTPUTS)
        if name not in (ANY, technique)
        and category_of(name) == category
        and float(mean[k]) >= ALTERNATIVE_RATIO * own
    ]


_WORD = re.compile(r"\w+", re.UNICODE)


class _Words:
    """The words of a text, lower-cased, with their offsets: finds phrases without regexes.

    A phrase occurs where its words follow one another, whatever non-word characters separate
    them ("great country" matches "Great, country").
    """

    def __init__(self, text: str) -> None:
        found = list(_WORD.finditer(text))
        self.words = [m.group().lower() for m in found]
        self.starts = [m.start() for m in found]
        self.at: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(self.words):
            self.at[word].append(i)

    def occurrences(self, phrase: list[str]) -> list[int]:
        """The character offsets where the words of ``phrase`` occur, in order."""
        if not phrase:
            return []
        k = len(phrase)
        return [
            self.starts[i] for i in self.at.get(phrase[0], ()) if self.words[i : i + k] == phrase
        ]


def _phrase(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def repetition_spans(text: str, spans: Iterable[Span], words: _Words | None = None) -> list[Span]:
    """Repetition spans for model spans whose words occurred earlier in ``text``."""
    out: list[Span] = []
    seen: set[tuple[int, int]] = set()
    words = words if words is not None else _Words(text)
    for span in spans:
        phrase = _phrase(text[span.start : span.end])
        if len(" ".join(phrase)) < 4 or (span.start, span.end) in seen:
            continue
        where = words.occurrences(phrase)
        if where and where[0] < span.start:
            seen.add((span.start, span.end))
            out.append(
                Span(
                    span.start,
                    span.end,
                    "Repetition",
                    span.score,
                    span.source,
                    {"category": category_of("Repetition"), "rule": "repeated_phrase"},
                )
            )
    return out


def _column_runs(
    text: str,
    offsets: npt.NDArray[np.int64],
    p: npt.NDArray[np.float32],
    high: float,
    cfg: DecodeConfig,
) -> list[_Run]:
    """One technique column's runs from ``high``: hysteresis, word snapping, gap merging."""
    raw: list[_Run] = []
    for i, j in runs(p, high, high * cfg.low_ratio):
        s, e = snap(text, int(offsets[i, 0]), int(offsets[j - 1, 1]))
        if e > s:
            raw.append(_Run(s, e, float(p[i:j].sum()), j - i, i, j))
    return [r for r in _merge(raw, text, cfg.max_gap) if r.end - r.start >= cfg.min_chars]


def decode(
    text: str,
    offsets: npt.NDArray[np.int64],
    probs: npt.NDArray[np.float32],
    cfg: DecodeConfig,
    source: str = "tagger",
) -> list[Span]:
    """Technique spans (labels from :data:`OUTPUTS`, column 0 excluded) for one article.

    Each span's ``score`` is calibrated; spans below ``cfg.threshold`` are dropped.
    """
    found: list[Span] = []
    if len(offsets) == 0:
        return found
    for k, name in enumerate(OUTPUTS):
        if name == ANY:
            continue
        high = cfg.high_by_technique.get(name, cfg.high)
        p = probs[:, k]
        strong = _column_runs(text, offsets, p, high, cfg)
        weak: list[_Run] = []
        if cfg.possible_high is not None and cfg.possible_high < high:
            weak = [
                r
                for r in _column_runs(text, offsets, p, cfg.possible_high, cfg)
                if not any(r.start < m.end and m.start < r.end for m in strong)
            ]
        for run in strong + weak:
            score = cfg.calibrate(name, run.psum / run.n)
            meta: dict[str, Any] = {"category": category_of(name)}
            others = alternatives(probs[run.first : run.last].mean(0), name)
            if others:
                meta["alternatives"] = others
            found.append(Span(run.start, run.end, name, round(score, 4), source, meta))
    if cfg.repetition_rule:
        words = _Words(text)
        kept = [
            s
            for s in found
            if s.label != "Repetition"
            or len(words.occurrences(_phrase(text[s.start : s.end]))) >= 2
        ]
        existing = {(s.start, s.end) for s in kept if s.label == "Repetition"}
        extra = [
            r
            for r in repetition_spans(text, [s for s in kept if s.label != "Repetition"], words)
            if (r.start, r.end) not in existing
        ]
        found = kept + extra
    return sorted(s for s in found if s.score >= cfg.threshold)
