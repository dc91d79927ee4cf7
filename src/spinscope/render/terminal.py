"""The article report in a terminal: Rich colours per category, or plain text when piped.

The article is shown with each technique span highlighted in its category's colour and
followed by its number (``[3]``); in plain text, where there is no colour, a span reads
``[the words][3]``. Below it: spans in the author's own words, spans inside quotations (kept
apart: they are the speaker's words), possible spans, scare quotes, the summary, the article's
genre and frames (rough guesses, with their measured accuracy), what the detector checks, and
what each technique found means.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from spinscope.analysis import Analysis, TechniqueSpan
from spinscope.explanations import CATEGORY_EXPLANATIONS, Explanation
from spinscope.render.common import (
    CATEGORY_TERMINAL,
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

__all__ = [
    "print_report",
    "printed",
    "render_terminal",
    "report_renderable",
    "terminal_report",
]

_HOW_TO_READ = (
    "A highlight marks words that read as a persuasion technique. It is a prompt to look "
    "closer, not a verdict: the percentage is the detector's confidence that the mark is right."
)
_BAR = 30


def _title(analysis: Analysis) -> Text:
    head = Text("spinscope report", style="bold")
    if analysis.title:
        head.append(" · ")
        head.append(analysis.title, style="bold")
    return head


def _facts(analysis: Analysis) -> Text:
    meta = analysis.metadata
    parts = []
    if analysis.url:
        parts.append(f"url: {analysis.url}")
    elif meta.get("source"):
        parts.append(f"source: {meta['source']}")
    for key in ("author", "date", "sitename"):
        if meta.get(key):
            parts.append(f"{key}: {meta[key]}")
    s = analysis.summary
    parts.append(f"{len(analysis.text):,} characters, {s.sentences} sentences")
    parts.append(f"language: {language_line(analysis)}")
    detector = analysis.detector
    shown = detector.name + (
        f" (threshold {detector.threshold:g})" if detector.threshold is not None else ""
    )
    parts.append(f"detector: {shown}")
    return Text(" · ".join(parts), style="dim")


def _genre_and_frames(analysis: Analysis) -> RenderableType | None:
    """The article's genre and frames, one line each, or ``None`` without them."""
    lines: list[RenderableType] = []
    genre = genre_line(analysis)
    if genre is not None:
        lines.append(Text.assemble(("Genre: ", "bold"), genre))
    frames = frames_line(analysis)
    if frames is not None:
        lines.append(Text.assemble(("Frames: ", "bold"), frames))
    return Group(*lines) if lines else None


def _warnings(analysis: Analysis) -> RenderableType | None:
    if not analysis.warnings:
        return None
    lines: list[RenderableType] = [Text("Warnings", style="bold yellow")]
    for w in analysis.warnings:
        lines.append(_indent(Text.assemble(("! ", "bold yellow"), w.message), 2))
    return Group(*lines)


def _legend() -> Text:
    out = Text("Legend: ", style="bold")
    for category in CATEGORIES:
        out.append(f" {category} ", style=CATEGORY_TERMINAL[category])
        out.append(" ")
    out.append("  italic = quoted speech (the speaker's words, not the author's)", style="italic")
    out.append("  underlined, no background = possible (less certain)", style="underline")
    return out


def _tag(number: int, quoted: bool, possible: bool = False) -> str:
    return f"[{number}{'q' if quoted else ''}{'?' if possible else ''}]"


def _possible(span: TechniqueSpan) -> bool:
    return span.tier == "possible"


def _style(span: TechniqueSpan) -> str:
    """A likely span on its category's background; a possible one only underlined in it."""
    colour = CATEGORY_TERMINAL[span.category].split()[-1]
    return f"underline {colour}" if _possible(span) else CATEGORY_TERMINAL[span.category]


def _article(analysis: Analysis, plain: bool) -> Text:
    spans = analysis.spans
    out = Text()
    ends: dict[int, list[int]] = {}
    opening: dict[int, int] = {}
    for i, span in enumerate(spans):
        ends.setdefault(span.end, []).append(i)
        opening[span.start] = opening.get(span.start, 0) + 1
    speech = [(q.start, q.end) for q in analysis.quotations if q.kind == "speech"]
    for seg in segments(analysis.text, spans, [e for q in speech for e in q]):
        inside = any(a <= seg.start < b for a, b in speech)
        if plain and seg.start in opening:
            out.append("[" * opening[seg.start])
        piece = analysis.text[seg.start : seg.end]
        if seg.spans:
            # the shortest covering span decides the colour: it is the one on top
            top = min(seg.spans, key=lambda i: (_possible(spans[i]), len(spans[i]), i))
            style = _style(spans[top])
            if len(seg.spans) > 1 and not _possible(spans[top]):
                style += " underline"
            if spans[top].quoted or inside:
                style += " italic"
            out.append(piece, style=style)
        else:
            out.append(piece, style="italic" if inside else "")
        # inner spans close first
        for i in sorted(ends.get(seg.end, []), key=lambda i: -spans[i].start):
            tag = _tag(i + 1, spans[i].quoted, _possible(spans[i]))
            out.append("]" + tag if plain else tag, style="" if plain else "dim")
    while out.plain.startswith("\n"):
        out = out[1:]
    out.rstrip()
    return out


def _indent(renderable: RenderableType, left: int) -> Padding:
    return Padding(renderable, (0, 0, 0, left), expand=False)


def _span_line(number: int, span: TechniqueSpan, para: int) -> RenderableType:
    head = Text(f"{_tag(number, span.quoted, _possible(span))} ")
    head.append(f" {span.label} ", style=_style(span))
    # a category-level label already names the category: do not repeat it
    category = "" if span.alternatives else f"{span.category} · "
    head.append(f"  {category}{confidence(span)} · ¶{para}", style="dim")
    body = Text(_clip(span.text, 160), style="italic" if span.quoted else "")
    if span.quoted:
        body.append(f"  (said by: {span.speaker or 'unattributed'})", style="dim")
    if span.scare_quote:
        body.append("  (scare quotes)", style="dim")
    return _indent(Group(head, _indent(body, 4)), 2)


def _clip(text: str, n: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1].rstrip() + "…"


def _span_lists(analysis: Analysis) -> list[RenderableType]:
    where = paragraph_locator(analysis)
    numbered = list(enumerate(analysis.spans, start=1))
    likely = [(n, s) for n, s in numbered if not _possible(s)]
    possible = [(n, s) for n, s in numbered if _possible(s)]
    author = [(n, s) for n, s in likely if not s.quoted]
    quoted = [(n, s) for n, s in likely if s.quoted]
    out: list[RenderableType] = []
    out.append(Text(f"In the author's own words ({len(author)})", style="bold"))
    if author:
        out.extend(_span_line(n, s, where(s.start)) for n, s in author)
    else:
        out.append(Text("  none found with confidence", style="dim"))
    if quoted:
        out.append(Text(""))
        out.append(
            Text.assemble(
                (f"Inside quotations ({len(quoted)})", "bold"),
                (" — the words of the person or document quoted, reported by the article", "dim"),
            )
        )
        out.extend(_span_line(n, s, where(s.start)) for n, s in quoted)
    if possible:
        out.append(Text(""))
        out.append(
            Text.assemble(
                (f"Possible, less certain ({len(possible)})", "bold"),
                (" — " + (possible_line(analysis) or ""), "dim"),
            )
        )
        out.extend(_span_line(n, s, where(s.start)) for n, s in possible)
    scare = analysis.scare_quotes
    if scare:
        out.append(Text(""))
        out.append(
            Text.assemble(
                (f"Scare quotes ({len(scare)})", "bold"),
                (" — quotation marks the author puts around a word to doubt or mock it", "dim"),
            )
        )
        for q in scare:
            out.append(_indent(Text(f"{analysis.text[q.start : q.end]}  (¶{where(q.start)})"), 2))
    speech = [q for q in analysis.quotations if q.kind == "speech"]
    if speech:
        out.append(Text(""))
        out.append(Text(f"Quotations ({len(speech)})", style="bold"))
        for q in speech:
            who = q.speaker or "unattributed"
            out.append(
                _indent(
                    Text.assemble(
                        (f"{who}: ", "bold"),
                        _clip(analysis.text[q.start : q.end], 160),
                        (f"  (¶{where(q.start)})", "dim"),
                    ),
                    2,
                )
            )
    return out


def _bar(count: int, most: int, plain: bool) -> str:
    n = max(1, round(_BAR * count / most)) if most else 0
    return ("#" if plain else "█") * n


def _summary(analysis: Analysis, plain: bool) -> list[RenderableType]:
    s = analysis.summary
    out: list[RenderableType] = [Text("Summary", style="bold")]
    out.append(
        _indent(
            Text(
                f"{s.spans} technique span{'s' if s.spans != 1 else ''}: {s.author_spans} in "
                f"the author's own words, {s.quoted_spans} inside quotations. "
                f"{s.sentences_with_technique} of {s.sentences} sentences "
                f"({s.sentence_share:.0%}) carry at least one technique "
                f"({s.author_sentences_with_technique} in the author's own words)."
                + (
                    f" Not counted: {s.possible_spans} possible span"
                    f"{'s' if s.possible_spans != 1 else ''}."
                    if s.possible_spans
                    else ""
                )
            ),
            2,
        )
    )
    if s.by_category:
        out.append(Text("\n  By category", style="bold"))
        most = max(s.by_category.values())
        width = max(len(c) for c in s.by_category)
        for category, count in s.by_category.items():
            line = Text(f"  {category:<{width}}  ")
            line.append(_bar(count, most, plain), style=CATEGORY_TERMINAL[category].split()[-1])
            line.append(f" {count}")
            out.append(line)
    if s.by_technique:
        out.append(Text("\n  By technique", style="bold"))
        titles = {sp.technique: sp for sp in analysis.spans}
        most = max(s.by_technique.values())
        width = max(len(titles[t].title) for t in s.by_technique)
        for name, count in s.by_technique.items():
            span = titles[name]
            line = Text(f"  {span.title:<{width}}  ")
            line.append(
                _bar(count, most, plain), style=CATEGORY_TERMINAL[span.category].split()[-1]
            )
            line.append(f" {count}")
            out.append(line)
    if s.charged_sentences:
        out.append(Text("\n  Most charged sentences (author's own words)", style="bold"))
        for sent in s.charged_sentences:
            titles_ = ", ".join(
                next(sp.title for sp in analysis.spans if sp.technique == t)
                for t in sent.techniques
            )
            out.append(_indent(Text(f"• {_clip(sent.text, 220)}"), 2))
            out.append(_indent(Text(titles_, style="dim"), 4))
    if s.repeated_phrases:
        out.append(Text("\n  Phrases repeated in the article", style="bold"))
        phrases = ", ".join(f"“{p.phrase}” ×{p.count}" for p in s.repeated_phrases)
        out.append(_indent(Text(phrases), 2))
    return out


def _coverage(analysis: Analysis) -> list[RenderableType]:
    """The coverage statement: bold and yellow when few spans were found, dim otherwise."""
    heading = coverage_heading(analysis)
    if heading is None:
        return []
    few = analysis.few_found
    out: list[RenderableType] = [
        Text("What this detector checks", style="bold yellow" if few else "bold"),
        _indent(Text(heading, style="" if few else "dim"), 2),
    ]
    rows = coverage_rows(analysis)
    if rows:
        width = max(len(t) for t, _ in rows)
        out.append(_indent(Text("Can find (precision on the development articles):"), 2))
        out.extend(_indent(Text(f"{t:<{width}}  {p}", style="dim"), 4) for t, p in rows)
    return out


def _explanation(e: Explanation, style: str) -> RenderableType:
    head = Text()
    head.append(f" {e.title} ", style=style)
    category = e.category if e.category in CATEGORIES else "signal"
    head.append(f"  {category}", style="dim")
    body = Text()
    for label, value in (
        ("What it is", e.what),
        ("Why it persuades", e.why),
        ("Example", e.example),
        ("Ask yourself", e.ask),
    ):
        body.append(f"{label}: ", style="bold")
        body.append(value + "\n")
    body.rstrip()
    return Group(head, _indent(body, 2))


def _explanations(analysis: Analysis) -> list[RenderableType]:
    found = analysis.explanations
    if not found:
        return []
    out: list[RenderableType] = [Text("What these mean", style="bold")]
    shown_categories: set[str] = set()
    for e in found.values():
        if e.category not in CATEGORY_EXPLANATIONS and "signals" not in shown_categories:
            shown_categories.add("signals")
            out.append(Text("Signals (not techniques)", style="bold"))
        if e.category in CATEGORY_EXPLANATIONS and e.category not in shown_categories:
            shown_categories.add(e.category)
            out.append(
                Text.assemble(
                    (f"{e.category}: ", "bold"), (CATEGORY_EXPLANATIONS[e.category].what, "dim")
                )
            )
        style = CATEGORY_TERMINAL.get(e.category, "reverse")
        out.append(Padding(_explanation(e, style), (0, 0, 1, 2), expand=False))
    return out


def report_renderable(analysis: Analysis, *, plain: bool = False) -> RenderableType:
    """The whole report as one Rich renderable (``plain``: brackets mark the spans)."""
    parts: list[RenderableType] = [_title(analysis), _facts(analysis)]
    parts.append(Text(""))
    warnings = _warnings(analysis)
    if warnings is not None:
        parts += [warnings, Text("")]
    coverage = _coverage(analysis)
    if coverage and analysis.few_found:
        parts += [*coverage, Text("")]
    parts += [Text(_HOW_TO_READ, style="dim")]
    if not plain:
        parts.append(_legend())
    parts += [Rule(style="dim"), _article(analysis, plain), Rule(style="dim")]
    parts += _span_lists(analysis)
    parts += [Text("")]
    parts += _summary(analysis, plain)
    article = _genre_and_frames(analysis)
    if article is not None:  # below the findings: rough guesses, with their accuracy
        parts += [Text(""), article]
    if coverage and not analysis.few_found:
        parts += [Text(""), *coverage]
    explanations = _explanations(analysis)
    if explanations:
        parts += [Text(""), *explanations]
    return Group(*parts)


def render_terminal(analysis: Analysis, console: Console | None = None) -> None:
    """Print the report; plain text (spans in brackets) when ``console`` has no colour."""
    print_report(lambda plain: report_renderable(analysis, plain=plain), console)


def print_report(build: Callable[[bool], RenderableType], console: Console | None = None) -> None:
    """Print what ``build(plain)`` makes, plain (no colour, no padding) when ``console`` is."""
    console = console or Console(highlight=False)
    plain = console.no_color or console.color_system is None
    report = build(plain)
    if not plain:
        console.print(report, highlight=False, markup=False)
        return
    with console.capture() as captured:
        console.print(report, highlight=False, markup=False)
    # Rich pads wrapped lines to the full width; plain text should not carry those spaces.
    console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def terminal_report(analysis: Analysis, *, width: int = 100, colour: bool = False) -> str:
    """The report as a string: plain text, or with ANSI colour codes when ``colour``."""
    return printed(lambda console: render_terminal(analysis, console), width=width, colour=colour)


def printed(draw: Callable[[Console], None], *, width: int = 100, colour: bool = False) -> str:
    """What ``draw(console)`` prints, as a string: plain, or with ANSI colours when ``colour``."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        highlight=False,
        no_color=not colour,
    )
    draw(console)
    return buffer.getvalue()
