"""A comparison of two to four articles, rendered: HTML page, Markdown, terminal, or JSON.

:func:`render_comparison_html` draws one self-contained page (template ``compare.html.j2``,
styled by the single-article report's ``report.css`` plus ``compare.css``, no script at all, a
Content-Security-Policy that forbids every network request): a header per article, a
side-by-side profile table, the warnings and failures, then the aligned view.
:func:`render_comparison_markdown` and :func:`render_comparison_terminal` give the same content
in compact form; :func:`render_comparison` picks a format by name.

**The aligned view** (:func:`aligned_rows`) has one column per article and one row per group
of sentences that tell the same thing; a sentence is on exactly one row, and a row holds at
most one sentence per article. Rows are built in three steps:

1. one row per sentence of the first article, in its order, holding the sentence and its
   counterparts (the sentences aligned with it);
2. each row then takes in, transitively, the counterparts of the sentences on it (B's
   sentence aligned with A's brings in the C sentence aligned with B's), when that article has
   no sentence on the row yet and the sentence is on no row yet;
3. the other articles' remaining sentences, article by article and each in its own order,
   start rows of their own (taking in their counterparts as in step 2), inserted just after
   the row holding the previous sentence of the same article, and after any rows inserted
   there before them; an article's first sentence goes to the top.

So the first article reads in order down its column, and every other article does too except
where the stories are told in a different order (a counterpart row decides where a sentence
sits); every cell carries its sentence's number (``B4``) so a reader can tell. A pair whose two
sentences end up on different rows (possible in step 2) is listed under the row of its first
sentence, and each cell names its counterparts that sit on another row. A sentence too short
to be aligned (a byline) also has a row of its own, marked "not compared" rather than "only
in A".

Highlights are the likely technique spans (possible ones are left out, as in the comparison's
figures), coloured by category, with the technique, confidence and speaker in a tooltip
(``title``); every piece of article text is escaped where the markup is built. The page also
carries :meth:`Comparison.to_dict` as a JSON data block (``<script type="application/json">``,
never run).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup, escape
from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from spinscope.analysis import Analysis, Notice, TechniqueSpan
from spinscope.comparison.model import (
    AlignedPair,
    ArticleProfile,
    ComparedArticle,
    Comparison,
    Sentence,
    WordingDifference,
    alignable,
)
from spinscope.errors import InputError, UnknownTechniqueError
from spinscope.render.common import (
    CATEGORY_TERMINAL,
    confidence,
    genre_line,
    language_line,
    segments,
)
from spinscope.render.html import _asset, _cat
from spinscope.render.markdown import escape_markdown
from spinscope.render.templates import render
from spinscope.taxonomy import technique

__all__ = [
    "COMPARISON_FORMATS",
    "AlignedRow",
    "aligned_rows",
    "comparison_csp",
    "comparison_renderable",
    "comparison_terminal_report",
    "describe_difference",
    "render_comparison",
    "render_comparison_html",
    "render_comparison_markdown",
    "render_comparison_terminal",
]

#: The formats :func:`render_comparison` knows.
COMPARISON_FORMATS: tuple[str, ...] = ("terminal", "json", "html", "markdown")

#: Unique sentences listed per article in the compact (Markdown, terminal) forms.
ADDED_SHOWN = 5

# No script on the page: nothing may run and nothing may be fetched.
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

_HOW_TO_READ = (
    "Each row holds sentences that tell the same thing; a sentence only one article tells "
    "has a row of its own. Highlights mark words that read as a persuasion technique "
    "(hover for its name and the detector's confidence): a prompt to look closer, not a "
    "verdict. Under a row, the wording differences: a technique one article uses where the "
    "other tells the same thing without it."
)


# ---------------------------------------------------------------------------------------------
# Shared pieces


@dataclass
class AlignedRow:
    """A row of the aligned view: at most one sentence per article (label to sentence index).

    ``pairs`` are the aligned pairs listed under this row (those whose first sentence is on
    it); ``inserted`` is true for a row that holds no sentence of the first article.
    """

    cells: dict[str, int]
    pairs: list[AlignedPair] = field(default_factory=list)
    inserted: bool = False

    @property
    def shared(self) -> bool:
        """Whether the row holds sentences of several articles."""
        return len(self.cells) > 1


def aligned_rows(comparison: Comparison) -> list[AlignedRow]:
    """The rows of the aligned view, in reading order (the module docstring gives the method)."""
    arts = {a.label: a for a in comparison.articles}
    if not comparison.articles:
        return []
    placed: set[tuple[str, int]] = set()

    def fill(row: AlignedRow) -> None:
        queue = list(row.cells.items())
        while queue:
            label, index = queue.pop(0)
            for other, j in arts[label].sentences[index].counterparts.items():
                if other in row.cells or other not in arts or (other, j) in placed:
                    continue
                row.cells[other] = j
                placed.add((other, j))
                queue.append((other, j))

    first = comparison.articles[0]
    rows: list[AlignedRow] = []
    for sent in first.sentences:  # step 1: the first article's order, direct counterparts
        cells = {first.label: sent.index}
        cells.update((o, j) for o, j in sent.counterparts.items() if o in arts)
        placed.update(cells.items())
        rows.append(AlignedRow(cells))
    for row in rows:  # step 2: counterparts of counterparts
        fill(row)
    for art in comparison.articles[1:]:  # step 3: the others' remaining sentences
        for sent in art.sentences:
            if (art.label, sent.index) in placed:
                continue
            row = AlignedRow({art.label: sent.index}, inserted=True)
            placed.add((art.label, sent.index))
            fill(row)
            at = 0
            if sent.index > 0:
                previous = (art.label, sent.index - 1)
                at = 1 + next(k for k, r in enumerate(rows) if previous in r.cells.items())
            while at < len(rows) and rows[at].inserted and art.label not in rows[at].cells:
                at += 1
            rows.insert(at, row)
    where = {(label, i): k for k, r in enumerate(rows) for label, i in r.cells.items()}
    for pair in comparison.pairs:
        home = where.get((pair.label_a, pair.sentence_a))
        if home is not None:
            rows[home].pairs.append(pair)
    return rows


def _technique_title(name: str) -> str:
    try:
        return technique(name).title
    except UnknownTechniqueError:
        return name


def describe_difference(d: WordingDifference, quote: Callable[[str], str] | None = None) -> str:
    """A wording difference as one sentence for a reader.

    "A says “radicals” (Name calling or labelling) where B says “protesters”.", or "where B
    leaves it out", or "where B's sentence has no such wording". ``quote`` formats a piece of
    article text (default: in curly quotes).
    """
    q = quote or (lambda s: f"“{s}”")
    head = f"{d.label} says {q(d.text)} ({_technique_title(d.technique)})"
    if d.whole_sentence:
        return f"{head} where {d.other_label}'s sentence has no such wording."
    if not d.counterpart_text:
        return f"{head} where {d.other_label} leaves it out."
    return f"{head} where {d.other_label} says {q(d.counterpart_text)}."


def _ref(label: str, index: int) -> str:
    """A sentence as a reader names it: "B4" (numbered from 1)."""
    return f"{label}{index + 1}"


def _sentence(comparison: Comparison, label: str, index: int) -> Sentence:
    return comparison.article(label).sentences[index]


def _added(article: ComparedArticle) -> list[Sentence]:
    """The sentences only this article tells (those long enough to be compared)."""
    return list(article.added_sentences)


def _warnings(comparison: Comparison) -> list[Notice]:
    """The warnings to show: ``input_failed`` ones are left out when the failures are listed.

    They say the same as the failures, which name the input apart.
    """
    if not comparison.failures:
        return list(comparison.warnings)
    return [w for w in comparison.warnings if w.code != "input_failed"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _percent(x: float) -> str:
    return f"{x:.1%}"


def _ranking_line(comparison: Comparison) -> str:
    """Which article persuades most in its own words, for a reader."""
    order = [comparison.article(label) for label in comparison.ranking]
    if all(a.profile.density == 0 for a in order):
        return "No article uses a technique in its own words, as far as the detector can tell."
    top, rest = order[0], order[1:]
    others = ", ".join(f"{a.label} ({_percent(a.profile.density)})" for a in rest)
    return (
        f"Most persuasion-dense in its own words: {top.label} ({_percent(top.profile.density)})"
        + (f", then {others}" if others else "")
        + "."
    )


def _overlap_line(comparison: Comparison, quote: Callable[[str], str] = str) -> str:
    """The overlap for a reader: "A–B 80% · A–C 25%".

    Each pair's share of the shorter article's sentences that are aligned. ``quote`` formats
    a label (labels are the caller's: Markdown escapes them).
    """
    arts = comparison.articles
    items = []
    for x, a in enumerate(arts):
        for b in arts[x + 1 :]:
            share = comparison.overlap.get(f"{a.label}-{b.label}")
            if share is not None:
                items.append(f"{quote(a.label)}–{quote(b.label)} {share:.0%}")
    return " · ".join(items)


def _sources(profile: ArticleProfile) -> list[str]:
    return [f"{who or 'unattributed'} ({n})" for who, n in profile.sources]


def _loaded(profile: ArticleProfile) -> list[str]:
    return [f"{text} ×{n}" if n > 1 else text for text, n in profile.loaded_words]


def _shared_line(profile: ArticleProfile) -> str:
    return (
        f"{profile.shared_sentences} of {profile.sentences} ({profile.shared_share:.0%})"
        if profile.sentences
        else "no sentence long enough to compare"
    )


#: The profile rows that hold article text (names, words), not figures: escaped in Markdown and
#: marked with the article's language in HTML.
_ARTICLE_TEXT_ROWS = frozenset({"Who is quoted", "Loaded words"})


def _profile_rows(comparison: Comparison) -> list[tuple[str, list[list[str]]]]:
    """The profile table as text: ``(measure, one list of lines per article)``."""
    arts = comparison.articles
    ps = [a.profile for a in arts]
    return [
        ("Words", [[f"{p.words:,}"] for p in ps]),
        ("Density, author's own words", [[_percent(p.density)] for p in ps]),
        ("Density, quotations included", [[_percent(p.density_with_quotes)] for p in ps]),
        ("Spans per 1,000 words (author's)", [[f"{p.spans_per_1000_words:.1f}"] for p in ps]),
        ("By category", [[f"{c} {n}" for c, n in p.categories.items()] for p in ps]),
        (
            "By technique",
            [[f"{_technique_title(t)} {n}" for t, n in p.techniques.items()] for p in ps],
        ),
        ("Who is quoted", [_sources(p) for p in ps]),
        ("Loaded words", [_loaded(p) for p in ps]),
        ("Sentences shared", [[_shared_line(p)] for p in ps]),
        ("Sentences only here", [[str(len(_added(a)))] for a in arts]),
        ("Genre", [[p.genre or "not estimated"] for p in ps]),
    ]


# ---------------------------------------------------------------------------------------------
# HTML


def comparison_csp() -> str:
    """The comparison page's Content-Security-Policy (as in its ``<meta>``)."""
    return _CSP


def _span_note(span: TechniqueSpan) -> str:
    note = f"{span.label} ({confidence(span)})"
    if span.quoted:
        note += f", quoted: said by {span.speaker or 'an unattributed speaker'}"
    return note


def _highlighted(analysis: Analysis, sentences: Sequence[Sentence]) -> dict[int, Markup]:
    """Each sentence's text with its likely spans highlighted, by sentence index.

    The one piece of markup built here: every piece of text and every attribute value goes
    through :func:`markupsafe.escape`; the rest are fixed tags and class names.
    """
    spans = analysis.likely_spans
    cuts = [e for s in sentences for e in (s.start, s.end)]
    segs = segments(analysis.text, spans, cuts)
    out: dict[int, Markup] = {}
    k = 0
    for sent in sentences:
        while k < len(segs) and segs[k].end <= sent.start:
            k += 1
        parts: list[str] = []
        j = k
        while j < len(segs) and segs[j].start < sent.end:
            seg = segs[j]
            piece = escape(analysis.text[seg.start : seg.end])
            if not seg.spans:
                parts.append(str(piece))
            else:
                top = min(seg.spans, key=lambda i: (len(spans[i]), i))
                classes = ["hl", _cat(spans[top].category)]
                if len(seg.spans) > 1:
                    classes.append("overlap")
                if spans[top].quoted:
                    classes.append("quoted")
                title = "; ".join(_span_note(spans[i]) for i in seg.spans)
                techniques = " ".join(sorted({spans[i].technique for i in seg.spans}))
                parts.append(
                    f'<mark class="{" ".join(classes)}" title="{escape(title)}" '
                    f'data-techniques="{escape(techniques)}">{piece}</mark>'
                )
            j += 1
        # safe: article text and attribute values escaped above; the rest is fixed markup
        out[sent.index] = Markup("".join(parts))
    return out


def _article_head(article: ComparedArticle) -> dict[str, Any]:
    a = article.analysis
    facts = [f"source: {article.source}", f"language: {language_line(a)}"]
    genre = genre_line(a)
    facts.append(f"genre: {genre}" if genre is not None else "genre: not estimated")
    facts.append(f"{article.profile.words:,} words, {len(article.sentences)} sentences")
    return {
        "label": article.label,
        "title": article.title,
        "lang": a.language,
        "facts": facts,
        "notes": list(a.warnings),
    }


def _profile_table(comparison: Comparison) -> list[dict[str, Any]]:
    """The profile rows for the template; category rows carry their colour class."""
    rows: list[dict[str, Any]] = []
    for measure, columns in _profile_rows(comparison):
        cells: list[list[dict[str, str]]] = []
        for art, lines in zip(comparison.articles, columns, strict=True):
            if measure == "By category":
                cats = list(art.profile.categories)
                cells.append(
                    [{"text": t, "cls": _cat(c)} for t, c in zip(lines, cats, strict=True)]
                )
            else:
                cells.append([{"text": t, "cls": ""} for t in lines])
        rows.append(
            {
                "measure": measure,
                "cells": cells,
                # article text (names, words) in these rows: in the article's language
                "article_text": measure in _ARTICLE_TEXT_ROWS,
            }
        )
    return rows


def _difference_item(
    d: WordingDifference,
    ids: dict[tuple[str, int], str],
    langs: dict[str, str | None],
    other_row: bool,
) -> dict[str, Any]:
    return {
        "label": d.label,
        "ref": _ref(d.label, d.sentence),
        "text": d.text,
        "lang": langs.get(d.label),
        "cls": _cat(d.category),
        "title": _technique_title(d.technique),
        "other_label": d.other_label,
        "other_ref": _ref(d.other_label, d.other_sentence),
        "other_id": ids.get((d.other_label, d.other_sentence), ""),
        "other_lang": langs.get(d.other_label),
        "other_row": other_row,
        "counterpart": d.counterpart_text,
        "whole": d.whole_sentence,
    }


def _aligned_view(comparison: Comparison) -> list[dict[str, Any]]:
    """The aligned rows for the template: a cell per article (``None`` when empty).

    A sentence's element id is ``s<column>-<number>`` (labels may hold any character).
    """
    arts = comparison.articles
    marked = {a.label: _highlighted(a.analysis, a.sentences) for a in arts}
    ids = {
        (a.label, s.index): f"s{k + 1}-{s.index + 1}"
        for k, a in enumerate(arts)
        for s in a.sentences
    }
    langs = {a.label: a.analysis.language for a in arts}
    rows = aligned_rows(comparison)
    row_of = {(lb, i): k for k, r in enumerate(rows) for lb, i in r.cells.items()}
    out = []
    for k, row in enumerate(rows):
        cells: list[dict[str, Any] | None] = []
        for art in arts:
            index = row.cells.get(art.label)
            if index is None:
                cells.append(None)
                continue
            sent = art.sentences[index]
            elsewhere = [
                {"ref": _ref(o, j), "id": ids[(o, j)]}
                for o, j in sent.counterparts.items()
                if (o, j) in ids and row_of.get((o, j)) != k
            ]
            cells.append(
                {
                    "ref": _ref(art.label, index),
                    "id": ids[(art.label, index)],
                    "html": marked[art.label][index],
                    "elsewhere": elsewhere,
                }
            )
        only = next(iter(row.cells)) if not row.shared else None
        short = only is not None and not alignable(
            _sentence(comparison, only, row.cells[only]).text
        )
        diffs = [
            _difference_item(
                d,
                ids,
                langs,
                row_of.get((pair.label_a, pair.sentence_a))
                != row_of.get((pair.label_b, pair.sentence_b)),
            )
            for pair in row.pairs
            for d in pair.differences
        ]
        out.append(
            {
                "number": k + 1,
                "cells": cells,
                "only": only,
                "short": short,
                "differences": diffs,
            }
        )
    return out


def render_comparison_html(comparison: Comparison) -> str:
    """The comparison as one self-contained HTML page (a string): no script, no requests."""
    from spinscope import __version__

    arts = comparison.articles
    title = " · ".join(a.title for a in arts)
    columns = [
        {"label": a.label, "id": f"col{k + 1}", "title": a.title, "lang": a.analysis.language}
        for k, a in enumerate(arts)
    ]
    return render(
        "compare.html.j2",
        version=comparison.version or __version__,
        # safe: fixed directives, no ", < or &
        csp=Markup(_CSP),
        # safe: the package's own stylesheets, inlined as they are
        css=Markup(_asset("report.css") + _asset("compare.css")),
        title=title,
        how_to_read=_HOW_TO_READ,
        heads=[_article_head(a) for a in arts],
        columns=columns,
        ncols=len(arts),
        profile=_profile_table(comparison),
        ranking=_ranking_line(comparison),
        overlap=_overlap_line(comparison),
        warnings=_warnings(comparison),
        failures=list(comparison.failures),
        rows=_aligned_view(comparison),
        encoder=comparison.encoder,
        threshold=f"{comparison.threshold:g}",
        data=comparison.to_dict(),
    )


# ---------------------------------------------------------------------------------------------
# Markdown


def _md_pair(comparison: Comparison, pair: AlignedPair) -> list[str]:
    a = _sentence(comparison, pair.label_a, pair.sentence_a)
    b = _sentence(comparison, pair.label_b, pair.sentence_b)
    ra, rb = _ref(pair.label_a, pair.sentence_a), _ref(pair.label_b, pair.sentence_b)
    lines = [
        f"- **{escape_markdown(ra)} ↔ {escape_markdown(rb)}** (similarity {pair.similarity:.2f})",
        f"  - {escape_markdown(ra)}: {escape_markdown(a.text)}",
        f"  - {escape_markdown(rb)}: {escape_markdown(b.text)}",
    ]
    for d in pair.differences:
        # labels are the caller's and the quoted words the article's: both escaped
        safe = replace(
            d, label=escape_markdown(d.label), other_label=escape_markdown(d.other_label)
        )
        lines.append(
            "  - **Wording:** "
            + describe_difference(safe, quote=lambda s: f"“{escape_markdown(s)}”")
        )
    return lines


def render_comparison_markdown(comparison: Comparison) -> str:
    """The comparison as a Markdown document (a string ending with a newline)."""
    arts = comparison.articles
    labels = [escape_markdown(a.label) for a in arts]
    lines = [f"## spinscope comparison: {len(arts)} articles about one story", ""]
    for a, label in zip(arts, labels, strict=True):
        facts = [f"source: {escape_markdown(a.source)}", f"language: {language_line(a.analysis)}"]
        if a.profile.genre:
            facts.append(f"genre: {escape_markdown(a.profile.genre)}")
        lines.append(f"- **{label}**: {escape_markdown(a.title)} ({'; '.join(facts)})")
    lines.append("")
    warnings = _warnings(comparison)
    if warnings:
        lines += ["**Before you read**", ""]
        lines += [f"- {escape_markdown(w.message)}" for w in warnings]
        lines.append("")
    if comparison.failures:
        lines += ["**Could not be compared**", ""]
        lines += [
            f"- {escape_markdown(f.source)}: {escape_markdown(f.message)}"
            for f in comparison.failures
        ]
        lines.append("")
    lines += [
        "### Profile",
        "",
        "| Measure | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(arts),
    ]
    for measure, columns in _profile_rows(comparison):
        quote = escape_markdown if measure in _ARTICLE_TEXT_ROWS else str
        cells = [", ".join(quote(x) for x in col) or "none" for col in columns]
        lines.append(f"| {measure} | " + " | ".join(cells) + " |")
    lines += ["", escape_markdown(_ranking_line(comparison))]
    if comparison.overlap:
        lines += [
            "",
            "Sentences aligned (share of the shorter article): "
            + _overlap_line(comparison, escape_markdown),
        ]
    lines.append("")
    lines += [f"### Aligned sentences ({_plural(len(comparison.pairs), 'pair')})", ""]
    if not comparison.pairs:
        lines += ["No sentence of one article tells what a sentence of another does.", ""]
    for pair in comparison.pairs:
        lines += _md_pair(comparison, pair)
    if comparison.pairs:
        lines.append("")
    lines += ["### What each article adds", ""]
    for a, label in zip(arts, labels, strict=True):
        added = _added(a)
        lines.append(f"**Only in {label}** ({_plural(len(added), 'sentence')})")
        lines.append("")
        for s in added[:ADDED_SHOWN]:
            lines.append(f"- {escape_markdown(_ref(a.label, s.index))}: {escape_markdown(s.text)}")
        if len(added) > ADDED_SHOWN:
            lines.append(f"- … and {len(added) - ADDED_SHOWN} more")
        if not added:
            lines.append("- nothing: every sentence has a counterpart")
        lines.append("")
    lines.append(
        "*Highlights and differences are prompts to look closer, not verdicts; sentences are "
        f"aligned by meaning ({escape_markdown(comparison.encoder)}, threshold "
        f"{comparison.threshold:g}).*"
    )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Terminal


def _indent(renderable: RenderableType, left: int) -> Padding:
    return Padding(renderable, (0, 0, 0, left), expand=False)


def _terminal_sentence(analysis: Analysis, sent: Sentence, plain: bool) -> Text:
    """A sentence with its likely spans in their category's colour (``[brackets]`` if plain)."""
    spans = [s for s in analysis.likely_spans if s.start < sent.end and s.end > sent.start]
    out = Text()
    for seg in segments(analysis.text, spans, (sent.start, sent.end)):
        if seg.end <= sent.start or seg.start >= sent.end:
            continue
        piece = analysis.text[seg.start : seg.end]
        if not seg.spans:
            out.append(piece)
            continue
        top = min(seg.spans, key=lambda i: (len(spans[i]), i))
        if plain:
            out.append(f"[{piece}]")
        else:
            style = CATEGORY_TERMINAL.get(spans[top].category, "reverse")
            out.append(piece, style=style + (" italic" if spans[top].quoted else ""))
    return out


def _terminal_head(comparison: Comparison) -> list[RenderableType]:
    """The title, a line per article, the warnings and the failures."""
    arts = comparison.articles
    out: list[RenderableType] = [
        Text(f"spinscope comparison · {len(arts)} articles about one story", style="bold")
    ]
    for art in arts:
        facts = [f"source: {art.source}", f"language: {language_line(art.analysis)}"]
        if art.profile.genre:
            facts.append(f"genre: {art.profile.genre}")
        out.append(
            Text.assemble(
                (f"{art.label}  ", "bold"), (art.title, "bold"), ("  " + " · ".join(facts), "dim")
            )
        )
    out.append(Text(""))
    warnings = _warnings(comparison)
    if warnings:
        out.append(Text("Warnings", style="bold yellow"))
        for w in warnings:
            out.append(_indent(Text.assemble(("! ", "bold yellow"), w.message), 2))
        out.append(Text(""))
    if comparison.failures:
        out.append(Text("Could not be compared", style="bold red"))
        for f in comparison.failures:
            out.append(_indent(Text.assemble((f"{f.source}: ", "bold"), f.message), 2))
        out.append(Text(""))
    return out


def _terminal_profile(comparison: Comparison, plain: bool) -> list[RenderableType]:
    """The profile table, the ranking and the overlap."""
    table = Table(
        title="Profile",
        title_justify="left",
        title_style="bold",
        box=box.ASCII if plain else box.SIMPLE_HEAD,
        show_lines=True,
    )
    table.add_column("Measure", style="bold")
    for art in comparison.articles:
        table.add_column(art.label)
    for measure, columns in _profile_rows(comparison):
        table.add_row(measure, *("\n".join(col) or "none" for col in columns))
    out: list[RenderableType] = [table, Text(_ranking_line(comparison))]
    if comparison.overlap:
        out.append(
            Text(f"Sentences aligned (share of the shorter article): {_overlap_line(comparison)}")
        )
    return out


def _terminal_line(comparison: Comparison, label: str, index: int, plain: bool) -> Text:
    """``B4: the sentence`` with its highlights."""
    sent = _sentence(comparison, label, index)
    analysis = comparison.article(label).analysis
    return Text.assemble(
        (f"{_ref(label, index)}: ", "bold"), _terminal_sentence(analysis, sent, plain)
    )


def _terminal_pairs(comparison: Comparison, plain: bool) -> list[RenderableType]:
    """Each aligned pair: its two sentences and their wording differences."""
    out: list[RenderableType] = [
        Text(f"Aligned sentences ({_plural(len(comparison.pairs), 'pair')})", style="bold")
    ]
    if not comparison.pairs:
        out.append(_indent(Text("none", style="dim"), 2))
    for pair in comparison.pairs:
        ra, rb = _ref(pair.label_a, pair.sentence_a), _ref(pair.label_b, pair.sentence_b)
        lines: list[RenderableType] = [
            Text.assemble((f"{ra} ↔ {rb}", "bold"), (f"  similarity {pair.similarity:.2f}", "dim")),
            _indent(_terminal_line(comparison, pair.label_a, pair.sentence_a, plain), 2),
            _indent(_terminal_line(comparison, pair.label_b, pair.sentence_b, plain), 2),
        ]
        lines += [
            _indent(Text("≠ " + describe_difference(d), style="yellow"), 2)
            for d in pair.differences
        ]
        out.append(_indent(Group(*lines), 2))
    return out


def _terminal_added(comparison: Comparison, plain: bool) -> list[RenderableType]:
    """What each article adds: its first unique sentences and how many there are."""
    out: list[RenderableType] = [Text("What each article adds", style="bold")]
    for art in comparison.articles:
        added = _added(art)
        out.append(
            _indent(Text(f"Only in {art.label} ({_plural(len(added), 'sentence')})", "bold"), 2)
        )
        out += [
            _indent(_terminal_line(comparison, art.label, s.index, plain), 4)
            for s in added[:ADDED_SHOWN]
        ]
        if len(added) > ADDED_SHOWN:
            out.append(_indent(Text(f"… and {len(added) - ADDED_SHOWN} more", style="dim"), 4))
        if not added:
            out.append(_indent(Text("nothing: every sentence has a counterpart", style="dim"), 4))
    return out


def comparison_renderable(comparison: Comparison, *, plain: bool = False) -> RenderableType:
    """The whole comparison as one Rich renderable (``plain``: brackets mark the spans)."""
    return Group(
        *_terminal_head(comparison),
        *_terminal_profile(comparison, plain),
        Text(""),
        *_terminal_pairs(comparison, plain),
        Text(""),
        *_terminal_added(comparison, plain),
    )


def render_comparison_terminal(comparison: Comparison, console: Console | None = None) -> None:
    """Print the comparison; plain text (spans in brackets) when ``console`` has no colour."""
    from spinscope.render.terminal import print_report

    print_report(lambda plain: comparison_renderable(comparison, plain=plain), console)


def comparison_terminal_report(
    comparison: Comparison, *, width: int = 100, colour: bool = False
) -> str:
    """The comparison as a string: plain text, or with ANSI colour codes when ``colour``."""
    from spinscope.render.terminal import printed

    return printed(
        lambda console: render_comparison_terminal(comparison, console), width=width, colour=colour
    )


def render_comparison(fmt: str, comparison: Comparison) -> str:
    """``comparison`` in ``fmt``: ``terminal`` (plain text), ``json``, ``html`` or ``markdown``."""
    if fmt == "terminal":
        return comparison_terminal_report(comparison)
    if fmt == "json":
        return comparison.to_json(indent=2) + "\n"
    if fmt == "html":
        return render_comparison_html(comparison)
    if fmt == "markdown":
        return render_comparison_markdown(comparison)
    raise InputError(
        f"unknown format {fmt!r} for a comparison; use one of: {', '.join(COMPARISON_FORMATS)}"
    )
