"""The report as Markdown, for pasting into a fact-check write-up.

Article text is quoted, never rendered as markup: characters Markdown would act on
(``* _ ` [ ] < > # |`` and friends) are backslash-escaped, so a hostile article cannot inject
links, HTML or table cells.
"""

from __future__ import annotations

import re

from spinscope.analysis import Analysis, TechniqueSpan
from spinscope.render.common import (
    confidence,
    coverage_heading,
    coverage_rows,
    frames_line,
    genre_line,
    language_line,
    paragraph_locator,
    possible_line,
)

__all__ = ["escape_markdown", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$&])")
_LEADING = re.compile(r"^([#+\-=]|\d+(?=[.)]))")


def escape_markdown(text: str) -> str:
    """``text`` with line breaks flattened and Markdown's active characters escaped.

    Escaped everywhere: backslash, backtick, ``* _ [ ] < > | ~ $ &``; at the start: what would
    begin a heading or a list (``#``, ``+``, ``-``, ``=``, ``1.``).
    """
    flat = _SPECIAL.sub(r"\\\1", " ".join(text.split()))
    m = _LEADING.match(flat)
    if m:
        lead = m.group(1)
        flat = lead + "\\" + flat[len(lead) :] if lead[0].isdigit() else "\\" + flat
    return flat


def _span_row(number: int, span: TechniqueSpan, para: int) -> str:
    notes = []
    if span.quoted:
        notes.append(f"said by {escape_markdown(span.speaker or 'unattributed speaker')}")
    if span.scare_quote:
        notes.append("scare quotes")
    return (
        f"| {number} | {escape_markdown(span.text)} | {span.label} | {span.category} | "
        f"{confidence(span)} | {para} | {'; '.join(notes)} |"
    )


def _table(rows: list[str]) -> list[str]:
    return [
        "| # | Text | Technique | Category | Confidence | Paragraph | Note |",
        "|---:|---|---|---|---:|---:|---|",
        *rows,
    ]


def _coverage(analysis: Analysis) -> list[str]:
    heading = coverage_heading(analysis)
    if heading is None:
        return []
    lines = ["### What this detector checks", "", escape_markdown(heading), ""]
    rows = coverage_rows(analysis)
    if rows:
        lines += [
            "| Technique it can find | Precision on the development articles |",
            "|---|---:|",
            *(f"| {t} | {p} |" for t, p in rows),
            "",
        ]
    return lines


def render_markdown(analysis: Analysis) -> str:
    """The report as a Markdown document (a string ending with a newline)."""
    s = analysis.summary
    where = paragraph_locator(analysis)
    title = analysis.title or analysis.id
    lines = [f"## spinscope report: {escape_markdown(title)}", ""]
    facts = []
    if analysis.url:
        facts.append(f"URL: <{analysis.url.replace('>', '%3E').replace(' ', '%20')}>")
    elif analysis.metadata.get("source"):
        facts.append(f"Source: {escape_markdown(str(analysis.metadata['source']))}")
    for key in ("author", "date", "sitename"):
        if analysis.metadata.get(key):
            facts.append(f"{key.title()}: {escape_markdown(str(analysis.metadata[key]))}")
    facts.append(f"Language: {escape_markdown(language_line(analysis))}")
    facts.append(f"Detector: {analysis.detector.name}")
    lines += ["  \n".join(facts), ""]
    if analysis.warnings:
        lines += ["**Before you read**", ""]
        lines += [f"- {escape_markdown(w.message)}" for w in analysis.warnings]
        lines.append("")
    coverage = _coverage(analysis)
    if analysis.few_found:
        lines += coverage
    lines += [
        "### Summary",
        "",
        f"- {s.spans} technique span{'s' if s.spans != 1 else ''}: {s.author_spans} in the "
        f"author's own words, {s.quoted_spans} inside quotations.",
        f"- {s.sentences_with_technique} of {s.sentences} sentences ({s.sentence_share:.0%}) "
        "carry at least one technique.",
    ]
    if s.possible_spans:
        lines.append(f"- Not counted: {s.possible_spans} possible (less certain) spans.")
    if s.by_category:
        lines.append(
            "- By category: " + ", ".join(f"{c} {n}" for c, n in s.by_category.items()) + "."
        )
    if s.by_technique:
        titles = {sp.technique: sp.title for sp in analysis.spans}
        lines.append(
            "- By technique: "
            + ", ".join(f"{titles[t]} {n}" for t, n in s.by_technique.items())
            + "."
        )
    if s.repeated_phrases:
        lines.append(
            "- Repeated phrases: "
            + ", ".join(f"“{escape_markdown(p.phrase)}” ×{p.count}" for p in s.repeated_phrases)
            + "."
        )
    lines.append("")
    genre, frames = genre_line(analysis), frames_line(analysis)
    if genre is not None:
        lines.append(f"- **Genre** (a rough guess): {escape_markdown(genre)}")
    if frames is not None:
        lines.append(f"- **Frames** (a rough guess): {escape_markdown(frames)}")
    if genre is not None or frames is not None:
        lines.append("")
    if s.charged_sentences:
        lines += ["**Most charged sentences** (author's own words)", ""]
        for sent in s.charged_sentences:
            lines.append(f"> {escape_markdown(sent.text)}")
            lines.append("")
    numbered = list(enumerate(analysis.spans, start=1))
    likely = [(n, sp) for n, sp in numbered if sp.tier != "possible"]
    author = [_span_row(n, sp, where(sp.start)) for n, sp in likely if not sp.quoted]
    quoted = [_span_row(n, sp, where(sp.start)) for n, sp in likely if sp.quoted]
    possible = [_span_row(n, sp, where(sp.start)) for n, sp in numbered if sp.tier == "possible"]
    lines += ["### In the author's own words", ""]
    lines += [*_table(author), ""] if author else ["None found with confidence.", ""]
    if quoted:
        lines += [
            "### Inside quotations",
            "",
            "These words belong to the person or document quoted, not to the author.",
            "",
            *_table(quoted),
            "",
        ]
    if possible:
        lines += [
            "### Possible, less certain",
            "",
            escape_markdown(possible_line(analysis) or ""),
            "",
            *_table(possible),
            "",
        ]
    if analysis.scare_quotes:
        lines += ["### Scare quotes", ""]
        lines += [
            f"- {escape_markdown(analysis.text[q.start : q.end])} (paragraph {where(q.start)})"
            for q in analysis.scare_quotes
        ]
        lines.append("")
    if not analysis.few_found:
        lines += coverage
    found = analysis.explanations
    if found:
        lines += ["### What these techniques are", ""]
        for e in found.values():
            lines += [
                f"**{e.title}** ({e.category if e.category != 'Signal' else 'signal'}): {e.what} "
                f"{e.why} *Example:* {e.example} *Ask:* {e.ask}",
                "",
            ]
    lines.append(
        "*Highlights are prompts to look closer, not verdicts; confidence is the detector's "
        "estimate that a highlight is right.*"
    )
    return "\n".join(lines) + "\n"
