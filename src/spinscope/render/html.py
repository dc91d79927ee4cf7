r"""The report as one self-contained HTML page: no network requests, no CDN, works offline.

The article is drawn with every technique span highlighted in its category's colour (overlaps
get a double underline); hovering, focusing (Tab) or clicking a highlight shows what the
technique is, why it persuades and what to ask. Checkboxes filter by category and hide quoted
speech; a bar chart summarises the counts; the page prints cleanly.

Safety: every piece of article text and metadata goes through :func:`html.escape`; the report
data is embedded as JSON in ``<script type="application/json">`` with ``<``, ``>`` and ``&``
written as ``\u003c``, ``\u003e`` and ``\u0026``; the script builds tooltips with
``textContent`` only; and a Content-Security-Policy allows only the page's own script (by hash)
and no network access at all.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from spinscope.analysis import Analysis, TechniqueSpan
from spinscope.explanations import CATEGORY_EXPLANATIONS, Explanation
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


def embed_json(data: Any) -> str:
    """``data`` as JSON safe to place inside a ``<script>`` element (no ``<``, ``>``, ``&``)."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        raw.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _cat(category: str) -> str:
    return f"c{CATEGORIES.index(category)}" if category in CATEGORIES else "cx"


def _article(analysis: Analysis) -> str:
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
            out.append(f'<span class="q-{q.kind}" title="{_e(who)}">')
        piece = _e(analysis.text[seg.start : seg.end])
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
                f'aria-label="{_e(label)}: {piece}"',
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
    return "".join(out).strip("\n")


def _language_attributes(analysis: Analysis) -> str:
    """``lang`` (for screen readers, fonts and hyphenation) and ``dir`` of the article text."""
    code = analysis.language
    # dir="auto": right-to-left scripts (Arabic, Hebrew) run the right way
    return f' lang="{_e(code)}" dir="auto"' if code is not None else ' dir="auto"'


def _facts(analysis: Analysis) -> str:
    meta = analysis.metadata
    parts: list[str] = []
    if analysis.url:
        parts.append(f"from {_e(analysis.url)}")
    elif meta.get("source"):
        parts.append(f"from {_e(meta['source'])}")
    for key, label in (("author", "by"), ("sitename", "site:"), ("date", "dated")):
        if meta.get(key):
            parts.append(f"{label} {_e(meta[key])}")
    detector = analysis.detector
    shown = detector.name + (
        f", threshold {detector.threshold:g}" if detector.threshold is not None else ""
    )
    parts.append(f"detector: {_e(shown)}")
    parts.append(f"{analysis.summary.sentences} sentences, {len(analysis.text):,} characters")
    parts.append(f"language: {_e(language_line(analysis))}")
    return " · ".join(parts)


def _warnings(analysis: Analysis) -> str:
    if not analysis.warnings:
        return ""
    items = "".join(f'<li data-code="{_e(w.code)}">{_e(w.message)}</li>' for w in analysis.warnings)
    return (
        '<section class="warnings" role="note" aria-labelledby="warnings-title">'
        f'<h2 id="warnings-title">Before you read</h2><ul>{items}</ul></section>'
    )


def _controls(analysis: Analysis) -> str:
    counts = analysis.summary.by_category
    chips = []
    for category in CATEGORIES:
        n = counts.get(category, 0)
        chips.append(
            f'<label class="chip" title="{_e(CATEGORY_EXPLANATIONS[category].what)}">'
            f'<input type="checkbox" checked data-category="{_e(category)}">'
            f'<span class="swatch {_cat(category)}" aria-hidden="true"></span>{_e(category)}'
            f' <span class="count">{n}</span></label>'
        )
    quoted = ""
    if analysis.summary.quoted_spans:
        quoted = (
            '<label class="chip"><input type="checkbox" checked id="show-quoted">'
            f'Quoted speech <span class="count">{analysis.summary.quoted_spans}</span></label>'
        )
    if analysis.possible_spans:
        quoted += (
            '<label class="chip"><input type="checkbox" checked id="show-possible">'
            f'Possible <span class="count">{len(analysis.possible_spans)}</span></label>'
        )
    legend = (
        '<span class="legend-note"><span class="q-speech">dotted italic</span>: quoted speech '
        '· <span class="q-scare">wavy</span>: scare quotes '
        '· <span class="hl overlap c5">double underline</span>: overlapping techniques '
        '· <span class="hl possible c5">dashed</span>: possible (less certain)</span>'
    )
    return (
        '<nav class="controls" aria-label="Filter the highlights">'
        f"<fieldset><legend>Show</legend>{''.join(chips)}{quoted}</fieldset>{legend}</nav>"
    )


def _coverage(analysis: Analysis) -> str:
    """The coverage statement; ``prominent`` (at the top, highlighted) when few spans were found."""
    heading = coverage_heading(analysis)
    if heading is None:
        return ""
    rows = "".join(f"<tr><td>{_e(t)}</td><td>{_e(p)}</td></tr>" for t, p in coverage_rows(analysis))
    table = (
        "<table><thead><tr><th>Technique it can find</th><th>Precision on the development "
        f"articles</th></tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else ""
    )
    cls = "coverage prominent" if analysis.few_found else "coverage"
    return (
        f'<section class="{cls}" id="coverage" role="note" aria-labelledby="coverage-title">'
        f'<h2 id="coverage-title">What this detector checks</h2><p>{_e(heading)}</p>'
        f"<details><summary>Techniques it can find, with their precision</summary>{table}"
        "</details></section>"
    )


def _bars(rows: list[tuple[str, str, int]]) -> str:
    if not rows:
        return '<p class="stat">No technique found.</p>'
    most = max(n for _, _, n in rows)
    items = "".join(
        f'<li><span class="label" title="{_e(label)}">{_e(label)}</span>'
        f'<span class="track"><span class="fill {cls}" style="width:{100 * n / most:.1f}%">'
        f'</span></span><span class="n">{n}</span></li>'
        for label, cls, n in rows
    )
    return f'<ul class="bars">{items}</ul>'


def _genre_and_frames(analysis: Analysis) -> str:
    genre, frames = genre_line(analysis), frames_line(analysis)
    if genre is None and frames is None:
        return ""
    parts = [
        '<section class="article-signals" aria-labelledby="signals-title">'
        '<h2 id="signals-title">Genre and framing</h2>'
    ]
    if genre is not None:
        parts.append(f'<p class="stat" id="genre"><strong>Genre:</strong> {_e(genre)}</p>')
    if frames is not None:
        parts.append(f'<p class="stat" id="frames"><strong>Frames:</strong> {_e(frames)}</p>')
    parts.append(
        '<p class="note">Frames are the angles the article takes on its subject (SemEval-2023); '
        "the percentages are the models' calibrated probabilities.</p></section>"
    )
    return "".join(parts)


def _summary(analysis: Analysis) -> str:
    s = analysis.summary
    titles = {sp.technique: sp for sp in analysis.spans}
    parts = [
        '<section aria-labelledby="summary-title"><h2 id="summary-title">Summary</h2>',
        f'<p class="stat"><strong>{s.spans}</strong> technique span{"s" if s.spans != 1 else ""}'
        f": {s.author_spans} in the author's own words, {s.quoted_spans} inside quotations"
        + (f"; not counted: {s.possible_spans} possible" if s.possible_spans else "")
        + ".</p>",
        f'<p class="stat"><strong>{s.sentence_share:.0%}</strong> of sentences '
        f"({s.sentences_with_technique} of {s.sentences}) carry at least one technique.</p>",
        '<h3 class="minor">By category</h3>',
        _bars([(c, _cat(c), n) for c, n in s.by_category.items()]),
        '<h3 class="minor">By technique</h3>',
        _bars([(titles[t].title, _cat(titles[t].category), n) for t, n in s.by_technique.items()]),
        "</section>",
    ]
    if s.charged_sentences:
        items = "".join(
            f'<li>{_e(sent.text)}<span class="which">'
            f"{_e(', '.join(titles[t].title for t in sent.techniques))}</span></li>"
            for sent in s.charged_sentences
        )
        parts.append(
            '<section aria-labelledby="charged-title"><h2 id="charged-title">Most charged '
            f'sentences</h2><ol class="sentences">{items}</ol></section>'
        )
    if s.repeated_phrases:
        items = "".join(f"<li>“{_e(p.phrase)}” ×{p.count}</li>" for p in s.repeated_phrases)
        parts.append(
            '<section aria-labelledby="repeated-title"><h2 id="repeated-title">Phrases repeated'
            f'</h2><ul class="phrases">{items}</ul></section>'
        )
    return "".join(parts)


def _span_item(number: int, span: TechniqueSpan, para: int) -> str:
    extra = []
    if span.quoted:
        extra.append(f"said by {_e(span.speaker or 'an unattributed speaker')}")
    if span.scare_quote:
        extra.append("scare quotes")
    more = f" · {' · '.join(extra)}" if extra else ""
    return (
        f'<li data-span="{number - 1}"><span class="num">{number}</span>'
        f'<span class="swatch {_cat(span.category)}" aria-hidden="true"></span> '
        f'<span class="label">{_e(span.label)}</span> '
        f'<span class="meta">{_e(span.category)} · {confidence(span)} · paragraph {para}'
        f"{more}</span>"
        f'<button type="button" class="jump" data-target="{number - 1}">show</button>'
        f'<span class="quote">{_e(span.text)}</span></li>'
    )


def _span_lists(analysis: Analysis) -> str:
    where = paragraph_locator(analysis)
    numbered = list(enumerate(analysis.spans, start=1))
    likely = [(n, s) for n, s in numbered if s.tier != "possible"]
    author = [_span_item(n, s, where(s.start)) for n, s in likely if not s.quoted]
    quoted = [_span_item(n, s, where(s.start)) for n, s in likely if s.quoted]
    possible = [_span_item(n, s, where(s.start)) for n, s in numbered if s.tier == "possible"]
    parts = [
        f'<h2 class="section" id="author-spans">In the author\'s own words ({len(author)})</h2>',
        f'<ol class="spanlist">{"".join(author)}</ol>'
        if author
        else '<p class="note">None found with confidence.</p>',
    ]
    if quoted:
        parts += [
            f'<h2 class="section" id="quoted-spans">Inside quotations ({len(quoted)})</h2>',
            '<p class="note">These words belong to the person or document the article quotes. '
            "Reporting them is not the same as saying them; the choice of whom to quote is "
            "still the author's.</p>",
            f'<ol class="spanlist">{"".join(quoted)}</ol>',
        ]
    if possible:
        parts += [
            f'<h2 class="section" id="possible-spans">Possible, less certain ({len(possible)})'
            "</h2>",
            f'<p class="note">{_e(possible_line(analysis) or "")}</p>',
            f'<ol class="spanlist possible">{"".join(possible)}</ol>',
        ]
    scare = analysis.scare_quotes
    if scare:
        items = "".join(
            f"<li>{_e(analysis.text[q.start : q.end])} "
            f'<span class="meta">paragraph {where(q.start)}</span></li>'
            for q in scare
        )
        parts += [
            f'<h2 class="section" id="scare-quotes">Scare quotes ({len(scare)})</h2>',
            '<p class="note">Quotation marks the author puts around a word, not to quote '
            "anyone but to doubt or mock it.</p>",
            f'<ul class="spanlist">{items}</ul>',
        ]
    speech = [q for q in analysis.quotations if q.kind == "speech"]
    if speech:
        items = "".join(
            f'<li><span class="label">{_e(q.speaker or "Unattributed")}:</span> '
            f"{_e(analysis.text[q.start : q.end])} "
            f'<span class="meta">paragraph {where(q.start)}</span></li>'
            for q in speech
        )
        parts += [
            f'<h2 class="section" id="quotations">Quotations ({len(speech)})</h2>',
            f'<ul class="spanlist">{items}</ul>',
        ]
    return "".join(parts)


def _explanation(name: str, e: Explanation) -> str:
    category = e.category if e.category in CATEGORIES else "Signal"
    return (
        f'<div class="expl {_cat(e.category)}" id="explain-{_e(name)}">'
        f'<h3>{_e(e.title)}</h3><p class="cat">{_e(category)}</p><dl>'
        f"<dt>What it is</dt><dd>{_e(e.what)}</dd>"
        f"<dt>Why it persuades</dt><dd>{_e(e.why)}</dd>"
        f"<dt>Example</dt><dd>{_e(e.example)}</dd>"
        f"<dt>Ask yourself</dt><dd>{_e(e.ask)}</dd></dl></div>"
    )


def _explanations(analysis: Analysis) -> str:
    found = analysis.explanations
    if not found:
        return ""
    cards = "".join(_explanation(name, e) for name, e in found.items())
    return (
        '<h2 class="section" id="explanations">What these techniques are</h2>'
        f'<div class="explanations">{cards}</div>'
    )


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"
    )


def report_csp() -> str:
    """The report's Content-Security-Policy (as in its ``<meta>``), for a server to send too."""
    return _csp(_asset("report.js"))


# Only drawn when a server passes links (spinscope serve): the standalone report has none.
_NAV_CSS = (
    ".site-nav{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;padding:.5rem 1rem;"
    "background:#1d2733;font:14px/1.4 system-ui,sans-serif}"
    ".site-nav a{color:#fff;text-decoration:underline}"
    ".site-nav a:focus{outline:3px solid #ffbf47;outline-offset:2px}"
    "@media print{.site-nav{display:none}}"
)


def _nav(links: Sequence[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = "".join(f'<a href="{_e(href)}">{_e(label)}</a>' for label, href in links)
    return f'<nav class="site-nav" aria-label="spinscope">{items}</nav>\n'


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
    return "".join(
        [
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{_csp(script)}">\n',
            '<meta name="referrer" content="no-referrer">\n',
            f'<meta name="generator" content="spinscope {_e(__version__)}">\n',
            f"<title>spinscope report: {_e(title)}</title>\n",
            f"<style>\n{_asset('report.css')}</style>\n",
            f"<style>{_NAV_CSS}</style>\n" if nav else "",
            "</head>\n<body>\n",
            _nav(nav),
            '<div class="page">\n<header>\n<p class="kicker">spinscope report</p>\n',
            # a headline that opens the article text is drawn there, with its highlights;
            # the page heading then stays for screen readers only
            (
                f'<h1 class="visually-hidden">{_e(title)}</h1>\n'
                if analysis.text.lstrip().startswith(title)
                else f"<h1>{_e(title)}</h1>\n"
            ),
            f'<p class="facts">{_facts(analysis)}</p>\n</header>\n',
            _warnings(analysis),
            _coverage(analysis) if analysis.few_found else "",
            f'<p class="how">{_e(_HOW_TO_READ)}</p>\n',
            _controls(analysis),
            '\n<div class="layout">\n<main>\n<h2 class="visually-hidden">Article</h2>\n',
            f'<div class="article" id="article"{_language_attributes(analysis)}>'
            f"{_article(analysis)}</div>\n</main>\n",
            f"<aside>{_summary(analysis)}{_genre_and_frames(analysis)}</aside>\n</div>\n",
            _span_lists(analysis),
            "" if analysis.few_found else _coverage(analysis),
            _explanations(analysis),
            "\n<footer>Made with spinscope "
            f"{_e(__version__)}. Explanations written by the spinscope authors; techniques "
            "follow the SemEval-2023 Task 3 taxonomy.</footer>\n</div>\n",
            '<div id="tip" role="tooltip" hidden></div>\n',
            f'<script type="application/json" id="spinscope-data">{embed_json(data)}</script>\n',
            f"<script>{script}</script>\n</body>\n</html>\n",
        ]
    )
