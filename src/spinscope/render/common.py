"""What every rendering shares: category colours, span numbers, and the text cut at span edges."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from spinscope.analysis import Analysis, TechniqueSpan
from spinscope.segment import paragraphs
from spinscope.signals.language import language_name
from spinscope.taxonomy import CATEGORIES

__all__ = [
    "CATEGORY_COLOURS",
    "CATEGORY_TERMINAL",
    "Segment",
    "confidence",
    "coverage_heading",
    "coverage_rows",
    "frames_line",
    "genre_line",
    "language_line",
    "paragraph_locator",
    "possible_line",
    "report_file_name",
    "segments",
]

#: A colour per category (the Okabe-Ito palette, readable with colour-blindness).
CATEGORY_COLOURS: dict[str, str] = {
    "Attack on Reputation": "#D55E00",
    "Justification": "#0072B2",
    "Simplification": "#009E73",
    "Distraction": "#CC79A7",
    "Call": "#E69F00",
    "Manipulative Wording": "#8C6BB1",
}

#: The terminal style of each category (background and text, readable in light and dark).
CATEGORY_TERMINAL: dict[str, str] = {
    "Attack on Reputation": "black on #F4A582",
    "Justification": "black on #92C5DE",
    "Simplification": "black on #A6DBA0",
    "Distraction": "black on #F1B6DA",
    "Call": "black on #FEE08B",
    "Manipulative Wording": "black on #C2A5CF",
}

assert set(CATEGORY_COLOURS) == set(CATEGORIES) == set(CATEGORY_TERMINAL)


@dataclass(frozen=True)
class Segment:
    """A stretch ``[start, end)`` of the text covered by the same spans (their indices)."""

    start: int
    end: int
    spans: tuple[int, ...]


def segments(text: str, spans: Sequence[TechniqueSpan], cuts: Iterable[int] = ()) -> list[Segment]:
    """Cut ``text`` at every span edge (and at ``cuts``); each piece lists the spans covering it.

    Overlapping spans give pieces covered by several spans; the pieces tile the whole text.
    """
    edges = {0, len(text), *(c for c in cuts if 0 <= c <= len(text))}
    for span in spans:
        edges.add(span.start)
        edges.add(span.end)
    points = sorted(edges)
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, span in enumerate(spans):
        starts.setdefault(span.start, []).append(i)
        ends.setdefault(span.end, []).append(i)
    active: set[int] = set()
    out = []
    for a, b in pairwise(points):
        for i in ends.get(a, ()):
            active.discard(i)
        active.update(starts.get(a, ()))
        if b > a:
            out.append(Segment(a, b, tuple(sorted(active))))
    return out


def paragraph_locator(analysis: Analysis) -> Callable[[int], int]:
    """A function giving the 1-based paragraph (non-empty line) holding a character offset."""
    starts = [p.start for p in paragraphs(analysis.text)]
    return lambda offset: max(1, bisect_right(starts, offset))


def confidence(span: TechniqueSpan) -> str:
    """The span's score as a percentage for a reader ("72%")."""
    return f"{span.score:.0%}"


def coverage_heading(analysis: Analysis) -> str | None:
    """The coverage statement's lead for a reader; ``None`` when the detector's is unknown.

    When few spans were found it says first that this does not mean the article is clean.
    """
    cov = analysis.coverage
    if cov is None:
        return None
    lead = ""
    if analysis.few_found:
        found = len(analysis.likely_spans)
        lead = (
            "No technique was found with confidence. "
            if found == 0
            else f"Only {found} technique span{'s' if found != 1 else ''} found with confidence. "
        ) + "That does not mean the article is free of persuasion: "
    return lead + cov.summary


def coverage_rows(analysis: Analysis) -> list[tuple[str, str]]:
    """``(technique title, dev precision)`` for each technique the detector can find."""
    cov = analysis.coverage
    if cov is None:
        return []
    return [
        (f.title, f"{f.precision:.0%}" if f.precision is not None else "not measured")
        for f in cov.found
    ]


def possible_line(analysis: Analysis) -> str | None:
    """What the ``possible`` spans are, for a reader; ``None`` when there are none."""
    n = len(analysis.possible_spans)
    if not n:
        return None
    det = analysis.detector
    lo = f"{det.possible_floor:.0%}" if det.possible_floor is not None else "the floor"
    hi = f"{det.threshold:.0%}" if det.threshold is not None else "the threshold"
    return (
        f"{n} possible span{'s' if n != 1 else ''} (confidence from {lo} to below {hi}): "
        "less certain, drawn lighter, counted apart and left out of the summary."
    )


def language_line(analysis: Analysis) -> str:
    """The article's language for a reader: "French (fr)", "Spanish (es, not supported)".

    Also says when the language was given rather than detected, and names the other
    languages of a mixed text ("French (fr); also English"); "unknown" when it cannot be told.
    """
    check = analysis.language_check
    if check.code is None:
        return "unknown" if check.source == "detected" else "unknown, given"
    notes = [check.code]
    if check.source == "given":
        notes.append("given")
    if not check.supported:
        notes.append("not supported")
    line = f"{check.name} ({', '.join(notes)})"
    if check.others:
        line += "; also " + ", ".join(str(language_name(c)) for c in check.others)
    return line


def genre_line(analysis: Analysis) -> str | None:
    """The genre for a reader, with its caveats; ``None`` when the genre model did not run.

    For example: "reporting (81%; opinion 17%; satire 2%). Measured accuracy: cross-validated
    macro-F1 0.68 on French articles."
    """
    g = analysis.genre
    if g is None:
        return None
    others = "; ".join(
        f"{label} {p:.0%}" for label, p in g.probabilities.items() if label != g.label
    )
    caveats = []
    if g.cv_macro_f1 is not None:
        name = analysis.language_check.name if analysis.language_check.code else None
        where = f" on {name} articles" if name else ""
        caveats.append(f"cross-validated macro-F1 {g.cv_macro_f1:.2f}{where}")
    if g.not_detected:
        caveats.append(f"{', '.join(g.not_detected)} is not detected")
    tail = f" Measured accuracy: {'; '.join(caveats)}." if caveats else ""
    return f"{g.label} ({g.confidence:.0%}{'; ' + others if others else ''}).{tail}"


def frames_line(analysis: Analysis, most: int = 5) -> str | None:
    """The selected frames with their scores (at most ``most``); ``None`` without frames.

    When no frame reaches the threshold, the likeliest one is named instead.
    """
    if analysis.frames is None:
        return None
    chosen = analysis.selected_frames
    if not chosen:
        if not analysis.frames:
            return "none"
        top = analysis.frames[0]
        return f"none clearly (likeliest: {top.title} {top.score:.0%})" + _frames_caveat(analysis)
    shown = " · ".join(f"{f.title} {f.score:.0%}" for f in chosen[:most])
    more = f" · and {len(chosen) - most} more" if len(chosen) > most else ""
    return shown + more + _frames_caveat(analysis)


def _frames_caveat(analysis: Analysis) -> str:
    f1 = analysis.frames_cv_micro_f1
    if f1 is None:
        return ""
    name = analysis.language_check.name if analysis.language_check.code else None
    where = f" on {name} articles" if name else ""
    return f". Measured accuracy: cross-validated micro-F1 {f1:.2f}{where}."


#: Longest file-name stem, in UTF-8 bytes (file systems allow 255 bytes per name).
_MAX_NAME_BYTES = 150


def report_file_name(doc_id: str, taken: set[str], suffix: str = ".html") -> str:
    """A file name for ``doc_id``'s report, unique in ``taken`` (which it adds to).

    No separators, no leading dot, at most :data:`_MAX_NAME_BYTES` before ``suffix``, and
    unique even on a case-insensitive file system.
    """
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in doc_id).lstrip(".")
    while len(stem.encode("utf-8")) > _MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem or "article"
    name, n = stem, 1
    while name.casefold() in taken:
        n += 1
        name = f"{stem}-{n}"
    taken.add(name.casefold())
    return f"{name}{suffix}"
