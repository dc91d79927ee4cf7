r"""The report as one self-contained HTML page: no network requests, no CDN, works offline.

The article is drawn with every technique span highlighted in its category's colour (overlaps
get a double underline); hovering, focusing (Tab) or clicking a highlight shows what the
technique is, why it persuades and what to ask. Checkboxes filter by category and hide quoted
speech; a bar chart summarises the counts; the page prints cleanly.

The page is the template ``report.html.j2`` (:mod:`spinscope.render.templates`), drawn from
plain data prepared here. Safety: the template environment escapes every piece of article text
and metadata; the only markup made here is the article with its highlights, built segment by
segment from escaped text; the report data is embedded as JSON in
``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\u003c``,
``\u003e`` and ``\u0026``; the script builds tooltips with ``textContent`` only; and a
Content-Security-Policy allows only the page's own script (by hash) and no network access at
all.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from markupsafe import Markup, escape

from spinscope.analysis import Analysis, TechniqueSpan
from spinscope.explanations import CATEGORY_EXPLANATIONS
from spinscope.render.common import (
    confidence,
    coverage_heading,
    coverage_rows,
    frames_line,
    genre_line,
    language_line,
    paragraph_locator,
    possible_line,
    segments,
)
from spinscope.render.templates import embed_json, render
from spinscope.taxonomy import CATEGORIES

__all__ = ["embed_json", "render_html", "report_csp"]

_HOW_TO_READ = (
    "Highlights mark words that read as a persuasion technique. A highlight is a prompt to look "
    "closer, not a verdict; the percentage is the detector's confidence that it is right. "
    "Hover over, tab to or click a highlight for an explanation. Striped, italic highlights lie "
    "inside quotations: they are the words of the person quoted, not the author's. Dashed "
    "underlines without a background are possible findings: less certain, counted apart."
)


@lru_cache(maxsize=2)
def _asset(name: str) -> str:
    return (
        resources.files("spinscope")
        .joinpath("resources")
        .joinpath("report")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )


def _cat(category: str) -> str:
    return f"c{CATEGORIES.index(category)}" if category in CATEGORIES else "cx"


def _article(analysis: Analysis) -> Markup:
    """The article text with its quotations and highlights: the one piece of markup built here.

    Tags open and close segment by segment (a highlight can cross another's edge), which a
    template cannot express; every piece of text and every attribute value in it goes through
    :func:`markupsafe.escape`, and the rest are fixed tags, classes and numbers.
    """
    spans = analysis.spans
    possible = [s.tier == "possible" for s in spans]
    first: dict[int, list[int]] = {}
    last: dict[int, list[int]] = {}
    for i, span in enumerate(spans):
        first.setdefault(span.start, []).append(i)
        last.setdefault(span.end, []).append(i)
    # quotations wrap the highlights: their edges are cut points, so the tags nest properly
    quotes = [q for q in analysis.quotations if q.kind in ("speech", "scare")]
    opens = {q.start: q for q in quotes}
    closes = {q.end for q in quotes}
    out: list[str] = []
    for seg in segments(analysis.text, spans, [e for q in quotes for e in (q.start, q.end)]):
        if seg.start in opens:
            q = opens[seg.start]
            if q.kind == "speech":
                who = f"Quoted speech: {q.speaker}" if q.speaker else "Quoted speech (unattributed)"
            else:
                who = "Scare quotes: the author doubts or mocks this word"
            out.append(f'<span class="q-{q.kind}" title="{escape(who)}">')
        piece = escape(analysis.text[seg.start : seg.end])
        if not seg.spans:
            out.append(piece)
        else:
            top = min(seg.spans, key=lambda i: (possible[i], len(spans[i]), i))
            classes = ["hl", _cat(spans[top].category)]
            if possible[top]:
                classes.append("possible")
            elif len(seg.spans) > 1:
                classes.append("overlap")
            if spans[top].quoted:
                classes.append("quoted")
            label = "; ".join(
                f"{spans[i].title}{' (quoted)' if spans[i].quoted else ''}"
                f"{' (possible)' if possible[i] else ''}"
                for i in seg.spans
            )
            starting = [i for i in first.get(seg.start, []) if i in seg.spans]
            attrs = [
                f'class="{" ".join(classes)}"',
                f'data-spans="{" ".join(map(str, seg.spans))}"',
                'tabindex="0"',
                'role="button"',
                f'aria-label="{escape(label)}: {piece}"',
            ]
            if starting:
                attrs.append(f'data-first="{" ".join(map(str, starting))}"')
            out.append(f"<mark {' '.join(attrs)}>{piece}</mark>")
        for i in sorted(last.get(seg.end, []), key=lambda i: -spans[i].start):
            out.append(
                f'<sup class="tag" data-span="{i}" aria-hidden="true">{i + 1}'
                f"{'q' if spans[i].quoted else ''}"
                f"{'?' if spans[i].tier == 'possible' else ''}</sup>"
            )
        if seg.end in closes:
            out.append("</span>")
    # safe: text and attribute values above are escaped; everything else is fixed markup
    return Markup("".join(out).strip("\n"))


def _facts(analysis: Analysis) -> list[str]:
    """Where the article comes from and how it was analysed, as phrases (joined with " · ")."""
    meta = analysis.metadata
    parts: list[str] = []
    if analysis.url:
        parts.append(f"from {analysis.url}")
    elif meta.get("source"):
        parts.append(f"from {meta['source']}")
    for key, label in (("author", "by"), ("sitename", "site:"), ("date", "dated")):
        if meta.get(key):
            parts.append(f"{label} {meta[key]}")
    detector = analysis.detector
    shown = detector.name + (
        f", threshold {detector.threshold:g}" if detector.threshold is not None else ""
    )
    parts.append(f"detector: {shown}")
    parts.append(f"{analysis.summary.sentences} sentences, {len(analysis.text):,} characters")
    parts.append(f"language: {language_line(analysis)}")
    return parts


def _chips(analysis: Analysis) -> list[dict[str, Any]]:
    """One filter checkbox per category, with its count."""
    counts = analysis.summary.by_category
    return [
        {
            "category": category,
            "cls": _cat(category),
            "what": CATEGORY_EXPLANATIONS[category].what,
            "n": counts.get(category, 0),
        }
        for category in CATEGORIES
    ]


def _coverage(analysis: Analysis) -> dict[str, Any] | None:
    """The coverage statement; ``prominent`` (at the top, highlighted) when few spans were found."""
    heading = coverage_heading(analysis)
    if heading is None:
        return None
    return {"heading": heading, "rows": coverage_rows(analysis), "prominent": analysis.few_found}


def _bars(rows: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    """Bars of a chart: label, colour class, count and width (a share of the longest)."""
    most = max((n for _, _, n in rows), default=0)
    return [
        {"label": label, "cls": cls, "n": n, "width": f"{100 * n / most:.1f}"}
        for label, cls, n in rows
    ]


def _span_item(number: int, span: TechniqueSpan, para: int) -> dict[str, Any]:
    extra = []
    if span.quoted:
        extra.append(f"said by {span.speaker or 'an unattributed speaker'}")
    if span.scare_quote:
        extra.append("scare quotes")
    return {
        "number": number,
        "cls": _cat(span.category),
        "label": span.label,
        "category": span.category,
        "confidence": confidence(span),
        "paragraph": para,
        "extra": extra,
        "text": span.text,
    }


def _lists(analysis: Analysis) -> dict[str, Any]:
    """The numbered span lists, the scare quotes and the quotations, each with its paragraph."""
    where = paragraph_locator(analysis)
    numbered = list(enumerate(analysis.spans, start=1))
    likely = [(n, s) for n, s in numbered if s.tier != "possible"]
    text = analysis.text
    return {
        "author": [_span_item(n, s, where(s.start)) for n, s in likely if not s.quoted],
        "quoted": [_span_item(n, s, where(s.start)) for n, s in likely if s.quoted],
        "possible": [_span_item(n, s, where(s.start)) for n, s in numbered if s.tier == "possible"],
        "possible_note": possible_line(analysis) or "",
        "scare": [(text[q.start : q.end], where(q.start)) for q in analysis.scare_quotes],
        "speech": [
            (q.speaker or "Unattributed", text[q.start : q.end], where(q.start))
            for q in analysis.quotations
            if q.kind == "speech"
        ],
    }


def _summary(analysis: Analysis) -> dict[str, Any]:
    """The summary panel's charts and sentences (the counts are read from the analysis)."""
    s = analysis.summary
    titles = {sp.technique: sp for sp in analysis.spans}
    return {
        "summary": s,
        "category_bars": _bars([(c, _cat(c), n) for c, n in s.by_category.items()]),
        "technique_bars": _bars(
            [(titles[t].title, _cat(titles[t].category), n) for t, n in s.by_technique.items()]
        ),
        "charged": [
            (sent.text, ", ".join(titles[t].title for t in sent.techniques))
            for sent in s.charged_sentences
        ],
        "genre": genre_line(analysis),
        "frames": frames_line(analysis),
    }


def _explanations(analysis: Analysis) -> list[dict[str, str]]:
    """A card for each technique and signal found."""
    return [
        {
            "name": name,
            "cls": _cat(e.category),
            "title": e.title,
            "category": e.category if e.category in CATEGORIES else "Signal",
            "what": e.what,
            "why": e.why,
            "example": e.example,
            "ask": e.ask,
        }
        for name, e in analysis.explanations.items()
    ]


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"
    )


def report_csp() -> str:
    """The report's Content-Security-Policy (as in its ``<meta>``), for a server to send too."""
    return _csp(_asset("report.js"))


def render_html(analysis: Analysis, *, nav: Sequence[tuple[str, str]] = ()) -> str:
    """The whole report as one HTML document (a string).

    ``nav`` is a row of ``(label, href)`` links drawn above the report (a server's own pages);
    without it the page is the standalone report.
    """
    from spinscope import __version__

    script = _asset("report.js")
    data = analysis.to_dict()
    data["categories"] = list(CATEGORIES)
    title = analysis.title or analysis.id
    return render(
        "report.html.j2",
        analysis=analysis,
        version=__version__,
        # safe: fixed directives and a base64 digest, so no ", < or &; left as it is so that
        # the <meta> reads exactly as the header a server sends (report_csp)
        csp=Markup(_csp(script)),
        # safe: the package's own stylesheet and script, inlined as they are (escaping would
        # break them, and the CSP hashes the script's exact text)
        css=Markup(_asset("report.css")),
        script=Markup(script),
        nav=list(nav),
        title=title,
        headline_in_text=analysis.text.lstrip().startswith(title),
        facts=_facts(analysis),
        coverage=_coverage(analysis),
        how_to_read=_HOW_TO_READ,
        chips=_chips(analysis),
        article=_article(analysis),
        explanations=_explanations(analysis),
        data=data,
        **_summary(analysis),
        **_lists(analysis),
    )
