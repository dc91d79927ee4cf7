"""The comparison of several articles, rendered: HTML page, Markdown, terminal and JSON."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from render_support import HOSTILE_DOC, HOSTILE_PHRASES, HOSTILE_TEXT

from compare_support import STORY_A, STORY_B, STORY_C, STORY_PHRASES, story_comparison
from spinscope.comparison import AlignedPair, Comparison, Failure, WordingDifference
from spinscope.errors import InputError
from spinscope.render.compare import (
    ADDED_SHOWN,
    aligned_rows,
    comparison_terminal_report,
    describe_difference,
    render_comparison,
    render_comparison_html,
    render_comparison_markdown,
)

#: Five sentences that no other story tells (more than the compact forms list).
EXTRA = (
    "The town library will open on Sundays from next month onwards.\n"
    "A new bakery on Mill Street sold out of bread before noon.\n"
    "Schoolchildren planted forty oak trees beside the old railway.\n"
    "The museum has borrowed two paintings from a gallery in the capital.\n"
    "Snow is expected on the northern hills later in the week.\n"
)
#: A short report in French (another language: its column carries lang="fr").
STORY_FR = (
    "Manifestation au barrage de Korvel\n"
    "\n"
    "Des manifestants ont bloqué la route du barrage mardi matin.\n"
    "La police les a évacués après trois heures de discussions.\n"
    "Les agriculteurs craignent que la rivière ne soit à sec cet été.\n"
)


class Page(HTMLParser):
    """The page's tags, the text of each table cell and the rows that hold each cell."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[list[str]] = []  # ids of the sentence cells on each aligned row
        self.cell_text: dict[str, str] = {}
        self.text: list[str] = []
        self._cell: str | None = None
        self._depth = 0
        self._hidden = False  # inside <style>, <script> or <title>
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        self._hidden = tag in ("style", "script", "title")
        if tag == "tr" and (a.get("class") or "").startswith("row"):
            self.rows.append([])
        if tag == "td" and "sent" in (a.get("class") or "").split():
            self._cell = a["id"] or ""
            self.rows[-1].append(self._cell)
            self.cell_text[self._cell] = ""
        if self._cell is not None and tag not in ("br", "meta"):
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        self._hidden = False
        if self._cell is not None:
            self._depth -= 1
            if self._depth == 0:
                self._cell = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.text.append(data)
        if self._cell is not None:
            self.cell_text[self._cell] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def visible(html: str) -> str:
    """The page's visible text, tags dropped and white space collapsed."""
    return " ".join("".join(Page(html).text).split())


@pytest.fixture(scope="module")
def two() -> Comparison:
    return story_comparison((STORY_A, STORY_B))


@pytest.fixture(scope="module")
def three() -> Comparison:
    return story_comparison((STORY_A, STORY_B, STORY_C))


def rewire(comparison: Comparison, links: list[tuple[str, int, str, int]]) -> Comparison:
    """``comparison`` with its alignments replaced by ``links`` (pairs without differences)."""
    cps: dict[str, list[dict[str, int]]] = {
        a.label: [{} for _ in a.sentences] for a in comparison.articles
    }
    for la, i, lb, j in links:
        cps[la][i][lb] = j
        cps[lb][j][la] = i
    articles = tuple(
        dataclasses.replace(
            a,
            sentences=tuple(
                dataclasses.replace(
                    s,
                    counterparts=cps[a.label][s.index],
                    similarity={k: 1.0 for k in cps[a.label][s.index]},
                )
                for s in a.sentences
            ),
        )
        for a in comparison.articles
    )
    pairs = tuple(AlignedPair(la, i, lb, j, 1.0) for la, i, lb, j in links)
    return dataclasses.replace(comparison, articles=articles, pairs=pairs)


# -- the aligned rows ---------------------------------------------------------------------------


def test_rows_follow_the_first_article_and_insert_the_others_near_their_neighbours(
    three: Comparison,
) -> None:
    rows = [r.cells for r in aligned_rows(three)]
    assert rows == [
        {"C": 0},  # C's title: an article's first sentence goes to the top
        {"A": 0, "B": 0},
        {"A": 1},  # "By Staff": too short to align
        {"A": 2, "B": 1},
        {"B": 2, "C": 1},  # after the row of B's previous sentence
        {"C": 2},  # after C's previous sentence
        {"A": 3, "B": 3},
        {"A": 4, "B": 4, "C": 3},  # told by all three: one row
        {"A": 5},
    ]
    # every sentence on exactly one row, and the first article in order
    seen = [(label, i) for r in rows for label, i in r.items()]
    assert sorted(seen) == sorted((a.label, s.index) for a in three.articles for s in a.sentences)
    assert [r["A"] for r in rows if "A" in r] == list(range(6))
    # each pair is listed once, under the row of its first sentence
    listed = [p for r in aligned_rows(three) for p in r.pairs]
    assert sorted(listed, key=repr) == sorted(three.pairs, key=repr)


def test_counterparts_of_counterparts_join_the_row(three: Comparison) -> None:
    rewired = rewire(three, [("A", 0, "B", 0), ("B", 0, "C", 0)])
    rows = [r.cells for r in aligned_rows(rewired)]
    assert {"A": 0, "B": 0, "C": 0} in rows
    assert len(rows) == sum(len(a.sentences) for a in rewired.articles) - 2


def test_a_pair_split_over_two_rows_is_linked(three: Comparison) -> None:
    # C3 is aligned with both A5 and B2, but B2 already sits on A3's row
    rewired = rewire(three, [("A", 2, "B", 1), ("B", 1, "C", 2), ("A", 4, "C", 2)])
    diff = WordingDifference("B", 1, 0, 1, "x", "Doubt", "Attack on Reputation", "C", 2, "y", False)
    pairs = tuple(
        dataclasses.replace(p, differences=(diff,)) if p.label_a == "B" else p
        for p in rewired.pairs
    )
    rewired = dataclasses.replace(rewired, pairs=pairs)
    rows = aligned_rows(rewired)
    home = next(r for r in rows if r.cells.get("B") == 1)
    assert home.cells == {"A": 2, "B": 1}
    assert [(p.label_a, p.label_b) for p in home.pairs] == [("A", "B"), ("B", "C")]
    page = render_comparison_html(rewired)
    cells = Page(page).cell_text
    assert "also told by C3 (another row)" in " ".join(cells["s2-2"].split())
    assert "also told by B2 (another row)" in " ".join(cells["s3-3"].split())
    assert 'B2 ↔ <a href="#s3-3">C3</a>, another row' in page


# -- HTML ---------------------------------------------------------------------------------------


def test_html_is_self_contained(three: Comparison) -> None:
    page = render_comparison_html(three)
    assert page.startswith("<!doctype html>")
    parsed = Page(page)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        href = attrs.get("href")
        assert href is None or href.startswith("#"), (tag, href)
    assert "http://" not in page and "https://" not in page
    assert "url(" not in page and "@import" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1) and "script-src 'none'" in csp.group(1)
    # no script runs: the one script element is a JSON data block
    scripts = parsed.find("script")
    assert scripts == [{"type": "application/json", "id": "spinscope-comparison"}]


def test_every_sentence_appears_once(three: Comparison) -> None:
    parsed = Page(render_comparison_html(three))
    ids = [i for row in parsed.rows for i in row]
    assert len(ids) == len(set(ids)) == sum(len(a.sentences) for a in three.articles)
    for k, art in enumerate(three.articles, start=1):
        for s in art.sentences:
            text = parsed.cell_text[f"s{k}-{s.index + 1}"]
            assert " ".join(s.text.split()) in " ".join(text.split())


def test_aligned_sentences_share_a_row(three: Comparison) -> None:
    parsed = Page(render_comparison_html(three))
    row_of = {cell: n for n, row in enumerate(parsed.rows) for cell in row}
    column = {a.label: k for k, a in enumerate(three.articles, start=1)}
    for p in three.pairs:
        a = f"s{column[p.label_a]}-{p.sentence_a + 1}"
        b = f"s{column[p.label_b]}-{p.sentence_b + 1}"
        assert row_of[a] == row_of[b], p
    # the sentence all three tell is on one row, once
    assert ["s1-5", "s2-5", "s3-4"] in parsed.rows
    # unaligned sentences have rows of their own, marked as such
    assert ["s1-6"] in parsed.rows and "only in A" in parsed.cell_text["s1-6"]
    assert "not compared: too short" in parsed.cell_text["s1-2"]


def test_highlights_carry_category_and_technique(two: Comparison) -> None:
    page = render_comparison_html(two)
    marks = Page(page).find("mark")
    radicals = [m for m in marks if (m.get("title") or "").startswith("Name calling")]
    assert radicals and all("c0" in (m["class"] or "") for m in radicals)
    chaos = [m for m in marks if m.get("data-techniques") == "Loaded_Language"]
    assert chaos and all("c5" in (m["class"] or "") for m in chaos)
    assert 'title="Name calling or labelling (90%)"' in page


def test_differences_are_shown_under_their_row(two: Comparison) -> None:
    page = render_comparison_html(two)
    text = visible(page)
    assert "A says “Radicals” (Name calling or labelling) where B says “Protesters”." in text
    assert "A says “radicals” (Name calling or labelling) where B says “protesters”." in text
    assert "A says “chaos” (Loaded language) where B leaves it out." in text
    # the list follows the row it belongs to
    assert re.search(r'id="row-4".*?</tr>\s*<tr class="diffs">.*?Radicals', page, re.S)
    whole = dataclasses.replace(two.pairs[1].differences[0], whole_sentence=True)
    pairs = (two.pairs[0], dataclasses.replace(two.pairs[1], differences=(whole,)))
    page = render_comparison_html(dataclasses.replace(two, pairs=pairs))
    assert (
        "A says “Radicals” (Name calling or labelling) where B's sentence has no such wording."
        in (visible(page))
    )


def test_describe_difference() -> None:
    d = WordingDifference(
        "A", 2, 0, 8, "radicals", "Name_Calling-Labeling", "Attack on Reputation", "B", 1,
        "protesters", False,
    )  # fmt: skip
    assert describe_difference(d) == (
        "A says “radicals” (Name calling or labelling) where B says “protesters”."
    )
    assert describe_difference(dataclasses.replace(d, counterpart_text="")).endswith(
        "where B leaves it out."
    )
    assert describe_difference(dataclasses.replace(d, whole_sentence=True)).endswith(
        "where B's sentence has no such wording."
    )
    assert "«radicals»" in describe_difference(d, quote=lambda s: f"«{s}»")


def test_header_and_profile(three: Comparison) -> None:
    page = render_comparison_html(three)
    text = visible(page)
    for art in three.articles:
        assert art.title in text
    assert "source: A · language: English (en)" in text
    parsed = Page(page)
    heads = [a for t, a in parsed.tags if t == "th" and a.get("scope") == "col"]
    assert len(heads) == 2 * (1 + 3) - 1  # profile: Measure + 3; aligned: 3
    assert len([a for t, a in parsed.tags if t == "th" and a.get("scope") == "row"]) >= 10
    profile = text[text.index("Profile") : text.index("Side by side")]
    for expected in (
        "Density, author's own words 17.8% 0.0% 0.0%",
        "Spans per 1,000 words (author's) 89.3 0.0 0.0",
        "By category Attack on Reputation 3 Manipulative Wording 2 none none",
        "Loaded words radicals ×2 chaos noisy minority shameful stunt none none",
        "Sentences shared 4 of 5 (80%) 5 of 5 (100%) 2 of 4 (50%)",
        "Most persuasion-dense in its own words: A (17.8%)",
        "A–B 80% · A–C 25% · B–C 50%",
    ):
        assert expected in profile


def test_quoted_sources_are_named(phrase_analyzer: Any, harbour_text: str) -> None:
    from analysis_support import HARBOUR_PHRASES

    other = harbour_text.replace("shameful campaign", "campaign")
    comparison = story_comparison((harbour_text, other), HARBOUR_PHRASES)
    text = visible(render_comparison_html(comparison))
    assert "Who is quoted Mayor Ilse Vandermeer (1)" in text


def test_warnings_and_failures_are_shown() -> None:
    unrelated = "A Quiet Week\n\n" + EXTRA
    comparison = story_comparison(
        (STORY_A, unrelated), failures=[Failure("missing.html", "no such file")]
    )
    assert {w.code for w in comparison.warnings} == {"low_overlap", "input_failed"}
    page = render_comparison_html(comparison)
    parsed = Page(page)
    assert parsed.find("li", **{"data-code": "low_overlap"})
    text = visible(page)
    assert "A and B tell few of the same things" in text
    assert "Could not be compared missing.html: no such file" in text
    assert text.count("no such file") == 1  # the input_failed warning is not repeated
    md = render_comparison_markdown(comparison)
    assert "**Before you read**" in md and "A and B tell few of the same things" in md
    assert "**Could not be compared**" in md and "- missing.html: no such file" in md
    out = comparison_terminal_report(comparison, width=120)
    assert "Warnings" in out and "! A and B tell few of the same things" in out
    assert "Could not be compared" in out and "missing.html: no such file" in out


def test_identical_articles() -> None:
    comparison = story_comparison((STORY_A, STORY_A))
    rows = aligned_rows(comparison)
    assert all(r.shared for r in rows if len(r.cells) > 1)
    # "By Staff" is too short to align; B's follows the row of B's previous sentence
    assert [r.cells for r in rows if not r.shared] == [{"B": 1}, {"A": 1}]
    assert comparison.differences == ()
    page = render_comparison_html(comparison)
    assert "only in" not in visible(page)
    assert 'class="diffs"' not in page
    md = render_comparison_markdown(comparison)
    assert md.count("nothing: every sentence has a counterpart") == 2
    assert "**Wording:**" not in md


def test_each_column_carries_its_language() -> None:
    comparison = story_comparison((STORY_A, STORY_FR))
    assert [a.analysis.language for a in comparison.articles] == ["en", "fr"]
    page = render_comparison_html(comparison)
    parsed = Page(page)
    assert parsed.find("h2", id="title2", lang="fr", dir="auto")
    assert parsed.find("th", id="col2", scope="col")
    langs = [a.get("lang") for t, a in parsed.tags if t == "span" and a.get("class") == "text"]
    assert langs.count("fr") == len(comparison.articles[1].sentences)
    assert langs.count("en") == len(comparison.articles[0].sentences)
    assert "Notes on this article (1)" in visible(page)  # the French one is short


def test_hostile_text_is_escaped() -> None:
    comparison = story_comparison(
        (HOSTILE_DOC, STORY_B),
        HOSTILE_PHRASES,
        labels=['<b id="injected-label">X</b>', 'Y" onclick="alert(1)'],
        sources=['"><script>window.__pwned = 7</script>', "b.txt"],
    )
    page = render_comparison_html(comparison)
    parsed = Page(page)
    assert "<script>window.__pwned" not in page
    assert len(parsed.find("script")) == 1
    for tag, attrs in parsed.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert attrs.get("id") not in ("injected-b", "injected-img", "injected-iframe")
        assert attrs.get("id") != "injected-label"
        assert tag not in ("img", "iframe", "svg", "b", "textarea")
    text = "".join(parsed.text)
    assert "<script>window.__pwned = 1</script>" in text
    assert '"><script>window.__pwned = 7</script>' in text
    data = json.loads(re.search(r'id="spinscope-comparison">(.*?)</script>', page, re.S)[1])
    assert data["articles"][0]["analysis"]["text"] == HOSTILE_TEXT
    md = render_comparison_markdown(comparison)
    assert re.search(r"(?<!\\)<", md) is None  # every < escaped
    assert "\\<script\\>window.\\_\\_pwned = 1\\</script\\>" in md
    out = comparison_terminal_report(comparison, width=200)
    assert "<script>window.__pwned = 1</script>" in out  # plain text: shown as it is


# -- Markdown, terminal, formats ----------------------------------------------------------------


def test_markdown(three: Comparison) -> None:
    md = render_comparison_markdown(three)
    assert md.startswith("## spinscope comparison: 3 articles about one story\n")
    assert "- **A**: Dam Protest Turns Ugly in Korvel (source: A; language: English (en))" in md
    assert "| Measure | A | B | C |" in md
    assert "| Density, author's own words | 17.8% | 0.0% | 0.0% |" in md
    assert (
        "| Loaded words | radicals ×2, chaos, noisy minority, shameful stunt | none | none |" in md
    )
    assert "### Aligned sentences (7 pairs)" in md
    assert "- **A3 ↔ B2** (similarity 0.92)" in md
    assert (
        "  - **Wording:** A says “Radicals” (Name calling or labelling) where B says "
        "“Protesters”." in md
    )
    assert "where C leaves it out." in md
    assert "**Only in A** (1 sentence)" in md and "- A6: The board chairman" in md
    assert "**Only in C** (2 sentences)" in md


def test_compact_forms_list_the_first_unique_sentences_with_a_count() -> None:
    comparison = story_comparison((STORY_A, STORY_B + EXTRA + EXTRA.replace("the", "a")))
    added = len([s for s in comparison.article("B").unique_sentences])
    assert added > ADDED_SHOWN
    md = render_comparison_markdown(comparison)
    assert f"**Only in B** ({added} sentences)" in md
    assert f"- … and {added - ADDED_SHOWN} more" in md
    block = md[md.index("**Only in B**") :]
    assert block.count("\n- B") == ADDED_SHOWN
    out = comparison_terminal_report(comparison, width=120)
    assert f"Only in B ({added} sentences)" in out and f"… and {added - ADDED_SHOWN} more" in out


def test_terminal_plain(three: Comparison) -> None:
    out = comparison_terminal_report(three, width=120)
    assert "\x1b[" not in out
    assert all(line == line.rstrip() for line in out.splitlines())
    assert out.startswith("spinscope comparison · 3 articles about one story\n")
    assert "A  Dam Protest Turns Ugly in Korvel  source: A · language: English (en)" in out
    assert re.search(r"\| Density, author's own words\s+\| 17\.8%\s+\| 0\.0%\s+\| 0\.0%", out)
    assert "Aligned sentences (7 pairs)" in out
    assert "A3: [Radicals] blocked the road" in out
    assert "≠ A says “Radicals” (Name calling or labelling) where B says “Protesters”." in out
    assert "Only in C (2 sentences)" in out and "C3: An engineer at the site" in out


def test_terminal_colour(three: Comparison) -> None:
    out = comparison_terminal_report(three, width=120, colour=True)
    assert "\x1b[" in out
    assert "[Radicals]" not in out and "Radicals" in out


def test_render_comparison_formats(two: Comparison) -> None:
    assert json.loads(render_comparison("json", two)) == json.loads(two.to_json())
    assert render_comparison("json", two) == two.to_json(indent=2) + "\n"
    assert render_comparison("html", two).startswith("<!doctype html>")
    assert render_comparison("markdown", two) == render_comparison_markdown(two)
    assert render_comparison("terminal", two) == comparison_terminal_report(two)
    with pytest.raises(InputError, match="unknown format 'pdf'"):
        render_comparison("pdf", two)


def test_fake_encoder_keeps_the_phrases_apart() -> None:
    # the support file's detector marks the story as the tests expect
    comparison = story_comparison((STORY_A, STORY_B), STORY_PHRASES)
    assert comparison.article("A").profile.techniques == {
        "Name_Calling-Labeling": 3,
        "Loaded_Language": 2,
    }
    assert comparison.article("B").profile.techniques == {}
