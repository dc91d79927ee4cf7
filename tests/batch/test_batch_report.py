"""The dashboard: summaries computed by hand, a self-contained page, CSVs, article reports."""

from __future__ import annotations

import csv
import json
import re

import pytest
from batch_support import corpus, write_jsonl

from spinscope.batch import BatchOptions, run_batch
from spinscope.batch.report import summarise, write_report
from spinscope.batch.tables import CATEGORY_COLUMNS

pytest.importorskip("pyarrow", reason="the batch extra is not installed")

pytest.importorskip("altair", reason="the report needs the batch extra (altair)")
pytest.importorskip("vl_convert", reason="the report needs the batch extra (vl-convert-python)")


def _doc(doc_id, seq, source, date, techniques, density, charge_density, **extra):
    row = {
        "id": doc_id,
        "seq": seq,
        "source": source,
        "date": date,
        "title": f"T {doc_id}",
        "url": None,
        "status": "ok",
        "n_words": 100,
        "n_spans": len(techniques),
        "density": density,
        "charge": charge_density / 10,
        "charge_density": charge_density,
        "techniques": techniques,
        "warning_codes": [],
    }
    row.update({name: 0 for name in CATEGORY_COLUMNS.values()})
    row.update(extra)
    return row


def _span(doc_id, technique, text, score=0.5, category="Manipulative Wording"):
    return {
        "doc_id": doc_id,
        "technique": technique,
        "category": category,
        "score": score,
        "quoted": False,
        "text": text,
    }


def test_summaries_by_hand():
    loaded = CATEGORY_COLUMNS["Manipulative Wording"]
    attack = CATEGORY_COLUMNS["Attack on Reputation"]
    docs = [
        _doc("a", 0, "X", "2024-01-05", ["Loaded_Language"], 10.0, 5.0, **{loaded: 2}),
        _doc(
            "b",
            1,
            "X",
            "2024-03-20",
            ["Name_Calling-Labeling", "Loaded_Language"],
            20.0,
            9.0,
            **{loaded: 1, attack: 1},
        ),
        _doc("c", 2, "Y", "not a date", [], 0.0, 0.0),
        _doc("d", 3, None, None, [], 0.0, 0.0, status="skipped"),
    ]
    spans = [
        _span("a", "Loaded_Language", "Outrageous!"),
        _span("a", "Loaded_Language", "outrageous", 0.7),
        _span("b", "Loaded_Language", "shameful"),
        _span("b", "Name_Calling-Labeling", "traitors", 0.9, "Attack on Reputation"),
        # a possible span: counted apart, in no table
        {**_span("c", "Doubt", "perhaps", 0.05, "Attack on Reputation"), "tier": "possible"},
    ]
    s = summarise(docs, spans, top=2)
    assert s.counts == {
        "documents": 4,
        "ok": 3,
        "skipped": 1,
        "failed": 0,
        "spans": 4,
        "possible_spans": 1,
    }
    assert not any(t["spans"] for t in s.techniques if t["technique"] == "Doubt")
    by_name = {t["technique"]: t for t in s.techniques}
    assert by_name["Loaded_Language"]["articles"] == 2
    assert by_name["Loaded_Language"]["share_of_articles"] == round(2 / 3, 4)
    assert by_name["Loaded_Language"]["spans"] == 3
    cats = {c["category"]: c for c in s.categories}
    assert (
        cats["Manipulative Wording"]["articles"] == 2 and cats["Manipulative Wording"]["spans"] == 3
    )
    assert [(r["source"], r["articles"]) for r in s.sources] == [("X", 2), ("Y", 1)]
    cell = next(
        r
        for r in s.source_techniques
        if r["source"] == "X" and r["technique"] == "Name_Calling-Labeling"
    )
    assert cell["share_of_articles"] == 0.5
    box = next(r for r in s.source_density if r["source"] == "X")
    assert (box["q1"], box["median"], box["q3"]) == (12.5, 15.0, 17.5)
    assert s.period == "week"  # January to March: 75 days
    periods = sorted({r["period"] for r in s.over_time})
    assert periods == ["2024-01-01", "2024-03-18"]
    assert any("no readable date" in n for n in s.notes)
    phrases = [(p["technique"], p["phrase"], p["count"]) for p in s.top_phrases]
    assert phrases[0] == ("Name_Calling-Labeling", "traitors", 1)
    assert ("Loaded_Language", "outrageous", 2) in phrases
    assert [a["id"] for a in s.top_articles] == ["b", "a"]


def test_no_source_and_no_date_are_said_not_drawn():
    docs = [_doc("a", 0, None, None, ["Loaded_Language"], 10.0, 5.0)]
    s = summarise(docs, [_span("a", "Loaded_Language", "awful")])
    assert s.sources == [] and s.over_time == []
    assert any("no source" in n for n in s.notes) and any("no date" in n for n in s.notes)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    rows = corpus(18)
    rows[2]["title"] = "<script>alert('title')</script>"
    source = write_jsonl(folder / "in.jsonl", rows)
    out = folder / "out"
    run_batch([source], out, BatchOptions(detector="baseline", chunk_size=5), progress=False)
    return out


def test_report_is_one_offline_page_with_csvs_and_article_reports(finished_run, tmp_path):
    notes = []
    written = write_report(finished_run, tmp_path / "report.html", top=4, notify=notes.append)
    page = written.html.read_text(encoding="utf-8")
    assert written.documents == 18 and written.articles == 4
    assert "window.vegaEmbed=" in page  # the Vega bundle is inlined
    assert not re.search(r"<script[^>]+src=", page) and "cdn" not in page.lower()
    assert "<script>alert('title')</script>" not in page
    # the baseline's coverage: what it can output, and that absent techniques prove nothing
    assert 'id="coverage"' in page and "This detector can find" in page
    assert "absent from every table below" in page
    specs = json.loads(re.search(r"var specs=(\{.*?\});window", page, re.S).group(1))
    assert set(specs) == {
        "techniques",
        "categories",
        "source_techniques",
        "source_density",
        "over_time",
    }
    assert all(
        spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        for spec in specs.values()
    )
    folder = tmp_path / "report_files"
    assert written.folder == folder
    with open(folder / "techniques.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 23 and {"technique", "share_of_articles"} <= set(rows[0])
    links = re.findall(r'href="(report_files/articles/[^"]+)"', page)
    assert len(links) == 4
    for link in links:
        article = (tmp_path / link).read_text(encoding="utf-8")
        assert article.lower().startswith("<!doctype html>") and "Report number" in article
    assert notes == []


def test_report_draws_every_chart_in_a_browser(finished_run, tmp_path, browser):
    written = write_report(finished_run, tmp_path / "report.html", top=2)
    page = browser.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(written.html.resolve().as_uri())
    page.wait_for_function("document.querySelectorAll('.chart svg, .chart canvas').length >= 5")
    assert errors == []
    assert all(url.startswith("file:") for url in requests)
    page.close()


def test_phrases_rank_by_articles_not_by_one_article_repeating_them():
    docs = [
        _doc(doc_id, i, "X", "2024-01-01", ["Loaded_Language"], 10.0, 5.0)
        for i, doc_id in enumerate("abc")
    ]
    spans = [_span("a", "Loaded_Language", "disgrace") for _ in range(5)]
    spans += [_span(d, "Loaded_Language", "shameful") for d in "abc"]
    s = summarise(docs, spans)
    ranked = [
        (p["phrase"], p["articles"], p["count"])
        for p in s.top_phrases
        if p["technique"] == "Loaded_Language"
    ]
    assert ranked == [("shameful", 3, 3), ("disgrace", 1, 5)]


def test_report_to_a_folder_is_refused(finished_run, tmp_path):
    from spinscope.errors import InputError

    folder = tmp_path / "somewhere"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        write_report(finished_run, folder)
    assert list(tmp_path.glob(".*.tmp")) == [] and list(folder.iterdir()) == []


def test_csv_cells_never_run_as_formulas():
    from spinscope.batch.report import _csv

    rows = [{"title": '=HYPERLINK("http://x")', "source": "@evil", "n": -3, "ok": "plain"}]
    text = _csv(rows).decode("utf-8")
    parsed = next(csv.DictReader(text.splitlines()))
    assert parsed == {
        "title": '\'=HYPERLINK("http://x")',
        "source": "'@evil",
        "n": "-3",
        "ok": "plain",
    }
