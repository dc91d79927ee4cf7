"""The coverage statement: what a detector can find, and what an empty report covers."""

from __future__ import annotations

import json

import pytest

from analysis_support import COVERAGE_RECORD, tiered_analysis
from spinscope.analysis import Analysis
from spinscope.analyzer import Analyzer
from spinscope.coverage import Coverage, coverage_record
from spinscope.detectors.baseline import BaselineDetector
from spinscope.render.html import render_html
from spinscope.render.markdown import render_markdown
from spinscope.render.terminal import terminal_report
from spinscope.taxonomy import TECHNIQUES


def test_a_record_splits_the_23_techniques_into_found_and_missing() -> None:
    cov = Coverage.from_record("tagger", COVERAGE_RECORD)
    assert [f.technique for f in cov.found] == ["Name_Calling-Labeling", "Loaded_Language", "Doubt"]
    assert "Slogans" in cov.missing  # F1 0: never right on the dev articles
    assert len(cov.found) + len(cov.missing) == len(TECHNIQUES)
    assert "can find 3 of the 23 techniques" in cov.summary
    assert "12 invented articles" in cov.summary and "slogans" in cov.summary
    assert Coverage.from_dict(cov.to_dict()) == cov


def test_coverage_record_reads_pooled_flc_scores() -> None:
    flc = {"f1": 0.3, "precision/Doubt": 0.25, "recall/Doubt": 0.1, "f1/Doubt": 0.14}
    record = coverage_record(flc, "dev")
    assert record == {
        "measured_on": "dev",
        "techniques": {"Doubt": {"precision": 0.25, "recall": 0.1, "f1": 0.14}},
    }


def test_the_baseline_lists_what_its_rules_output_without_figures(baseline_analyzer) -> None:
    cov = BaselineDetector().coverage
    assert {f.technique for f in cov.found} >= {"Loaded_Language", "Doubt", "Repetition"}
    assert all(f.precision is None for f in cov.found)
    a = baseline_analyzer.analyze("A calm report. The council met on Monday and voted.")
    assert a.coverage == cov
    assert json.loads(a.to_json())["coverage"]["found"][0]["precision"] is None


def test_every_surface_states_the_coverage() -> None:
    a = tiered_analysis()
    data = json.loads(a.to_json())
    assert data["coverage"]["summary"] == a.coverage.summary
    assert Analysis.from_dict(data).coverage == a.coverage
    text = terminal_report(a, width=200)
    md = render_markdown(a)
    html = render_html(a)
    for page in (text, md, html):
        assert "What this detector checks" in page
        assert "can find 3 of the 23 techniques" in page
    assert "41%" in text and "| Loaded language | 41% |" in md


def test_few_spans_put_the_coverage_first_and_say_none_does_not_mean_clean() -> None:
    text = "The council met on Monday. It approved the outrageous budget for the roads.\n"
    a = tiered_analysis(text)
    assert a.few_found and not a.likely_spans
    report = terminal_report(a, width=200)
    assert "No technique was found with confidence" in report
    assert "does not mean the article is free of persuasion" in report
    assert report.index("What this detector checks") < report.index("In the author's own words")
    html = render_html(a)
    assert 'class="coverage prominent"' in html
    assert html.index('id="coverage"') < html.index('id="article"')
    md = render_markdown(a)
    assert md.index("What this detector checks") < md.index("### Summary")


def test_many_spans_put_the_coverage_after_the_findings() -> None:
    a = tiered_analysis()
    assert not a.few_found
    html = render_html(a)
    assert 'class="coverage"' in html and html.index('id="coverage"') > html.index('id="article"')


@pytest.mark.parametrize("render", ["terminal", "markdown", "html"])
def test_possible_spans_are_drawn_apart(render: str) -> None:
    a = tiered_analysis()
    if render == "terminal":
        out = terminal_report(a, width=200)
        n = 1 + next(i for i, s in enumerate(a.spans) if s.tier == "possible")
        assert f"[outrageous][{n}?]" in out and "Possible, less certain (1)" in out
        assert "Not counted: 1 possible span." in out
    elif render == "markdown":
        out = render_markdown(a)
        assert "### Possible, less certain" in out
        assert out.index("outrageous |") > out.index("### Possible, less certain")
    else:
        out = render_html(a)
        assert 'class="hl c5 possible"' in out and 'id="show-possible"' in out
        assert 'id="possible-spans"' in out


def test_the_analyzer_takes_the_coverage_of_its_detector() -> None:
    analyzer = Analyzer(BaselineDetector(), article_models=False).load()
    assert analyzer.coverage == BaselineDetector().coverage
