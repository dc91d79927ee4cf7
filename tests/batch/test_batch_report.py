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
    } | ({"genre_sources", "genre_over_time", "frames_sources"} & set(specs))
    assert all(
        spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        for spec in specs.values()
    )
    folder = tmp_path / "report_files"
    assert written.folder == folder
    with open(folder / "techniques.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 23 and {"technique", "share_of_articles"} <= set(rows[0])
    # the genre section is there whether the article models gave these short articles a genre
    assert 'id="genre"' in page and "a model's guess" in page
    for name in ("genre_by_source", "genre_over_time", "frames_by_source"):
        assert (folder / f"{name}.csv").is_file()
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


# ------------------------------------------------------------------------------- genre, frames


def _plain(doc_id, seq, source, date, **extra):
    """An analysed article with no techniques (the genre views read only its genre, frames)."""
    return _doc(doc_id, seq, source, date, [], 0.0, 0.0, **extra)


def _genre_docs():
    """Two sources over two months; genres with gaps, frames, a failed row, an unnamed source."""
    return [
        _plain("a", 0, "X", "2024-01-05", genre="opinion", genre_confidence=0.8,
               frames=["Political", "Economic"]),
        _plain("b", 1, "X", "2024-01-20", genre="reporting", genre_confidence=0.6,
               frames=["Economic"]),
        _plain("c", 2, "X", "2024-05-02", warning_codes=["too_short", "genre_withheld"]),
        _plain("d", 3, "Y", "2024-01-15", genre="satire", genre_confidence=0.5,
               frames=["Political"]),
        _plain("e", 4, "Y", "2024-05-10", genre="opinion", genre_confidence=0.9, frames=[]),
        _plain("f", 5, "Y", "2024-05-20", warning_codes=["unknown_language", "genre_withheld"]),
        # no source: counted over time, in no per-source view; its frame is in none either
        _plain("g", 6, None, "2024-05-03", genre="reporting", genre_confidence=0.7,
               frames=["Morality"]),
        # a failed row is left out, whatever it holds
        _plain("h", 7, "X", "2024-01-06", status="failed", genre="opinion",
               genre_confidence=0.99, frames=["Economic", "Morality"]),
    ]  # fmt: skip


def test_genre_and_frames_by_hand():
    s = summarise(_genre_docs(), [])
    assert s.no_genre is None
    assert s.genre_by_source == [
        {
            "source": "X",
            "articles": 3,
            "with_genre": 2,
            "no_genre": 1,
            "opinion": 1,
            "opinion_share": 0.5,
            "reporting": 1,
            "reporting_share": 0.5,
            "satire": 0,
            "satire_share": 0.0,
            "mean_confidence": 0.7,
        },
        {
            "source": "Y",
            "articles": 3,
            "with_genre": 2,
            "no_genre": 1,
            "opinion": 1,
            "opinion_share": 0.5,
            "reporting": 0,
            "reporting_share": 0.0,
            "satire": 1,
            "satire_share": 0.5,
            "mean_confidence": 0.7,
        },
    ]
    assert s.period == "month"  # January to May: more than 92 days
    assert [r["period"] for r in s.over_time if r["category"] == "Manipulative Wording"] == [
        r["period"] for r in s.genre_over_time
    ]
    january, may = s.genre_over_time
    assert january == {
        "period": "2024-01-01",
        "articles": 3,
        "with_genre": 3,
        "no_genre": 0,
        "opinion": 1,
        "opinion_share": 0.3333,
        "reporting": 1,
        "reporting_share": 0.3333,
        "satire": 1,
        "satire_share": 0.3333,
        "mean_confidence": 0.633,
    }
    assert may == {
        "period": "2024-05-01",
        "articles": 4,
        "with_genre": 2,
        "no_genre": 2,
        "opinion": 1,
        "opinion_share": 0.5,
        "reporting": 1,
        "reporting_share": 0.5,
        "satire": 0,
        "satire_share": 0.0,
        "mean_confidence": 0.8,
    }
    # shares of the articles with genre and frames (X: a, b; Y: d, e), frames in official order
    assert [
        (r["source"], r["frame"], r["articles"], r["with_frame"], r["share_of_articles"])
        for r in s.frames_by_source
    ] == [
        ("X", "Economic", 2, 2, 1.0),
        ("X", "Political", 2, 1, 0.5),
        ("Y", "Economic", 2, 0, 0.0),
        ("Y", "Political", 2, 1, 0.5),
    ]
    assert {r["title"] for r in s.frames_by_source} == {"Economic", "Political"}
    note = next(n for n in s.notes if "no genre" in n)
    assert note.startswith("2 analysed articles have no genre or frames")
    assert "1 too short for the genre and frame models" in note
    assert "1 in a language the article models do not read" in note


def test_genre_by_source_keeps_a_source_without_genre_and_an_unknown_label():
    docs = [
        _plain("a", 0, "X", "2024-01-05", genre="opinion", genre_confidence=0.8),
        _plain("b", 1, "X", "2024-01-06", genre="editorial", genre_confidence=0.6),
        _plain("c", 2, "Y", "2024-01-07", warning_codes=["genre_withheld"]),
    ]
    s = summarise(docs, [])
    x, y = s.genre_by_source
    assert (x["opinion_share"], x["editorial_share"], x["with_genre"]) == (0.5, 0.5, 2)
    assert (y["source"], y["with_genre"], y["no_genre"], y["mean_confidence"]) == (
        "Y",
        0,
        1,
        None,
    )
    assert y["opinion_share"] == y["editorial_share"] == 0.0
    # neither has a frame: no frame view
    assert s.frames_by_source == []
    assert [r["period"] for r in s.genre_over_time] == ["2024-01-01"]  # one week
    # the chart leaves out Y (no genre to share out), and one period draws no line over time
    from spinscope.batch.report import _charts

    specs = _charts(s)
    assert {r["source"] for r in specs["genre_sources"]["data"]["values"]} == {"X"}
    assert "genre_over_time" not in specs and "frames_sources" not in specs


@pytest.mark.parametrize(
    ("codes", "reason"),
    [
        (["article_models"], "2 without the genre and frame models (not installed)"),
        ([], "2 with the article models off"),
        (["too_short", "genre_withheld"], "2 too short for the genre and frame models"),
        # long enough for techniques, too short for the genre
        (["genre_withheld"], "2 too short for the genre and frame models"),
        (
            ["unsupported_language", "genre_withheld"],
            "2 in a language the article models do not read",
        ),
    ],
)
def test_no_genre_at_all_gives_empty_views_and_says_why(codes, reason):
    docs = [
        _plain("a", 0, "X", "2024-01-05", warning_codes=codes),
        _plain("b", 1, "Y", "2024-05-05", warning_codes=codes, genre=None),
        # a failed row neither counts nor gives a genre
        _plain("c", 2, "Y", "2024-05-06", status="failed", genre="opinion"),
    ]
    s = summarise(docs, [])
    assert s.genre_by_source == [] and s.genre_over_time == [] and s.frames_by_source == []
    assert s.no_genre == (
        f"No genre or frames were computed for any analysed article ({reason}), so there are "
        "no genre or frame views."
    )
    assert not any("no genre" in n for n in s.notes)  # said once, in the genre section


def test_no_analysed_article_has_no_genre():
    docs = [_plain("a", 0, "X", "2024-01-05", status="skipped", genre="opinion")]
    s = summarise(docs, [])
    assert s.genre_by_source == [] and s.genre_over_time == []
    assert s.no_genre == "No article was analysed, so no genre or frames were computed."


def _write_run(folder, docs):
    """A finished run's folder, written by hand: manifest, documents.jsonl, no spans."""
    folder.mkdir(parents=True)
    manifest = {
        "inputs": ["in.jsonl"],
        "complete": True,
        "detector": "baseline",
        "threshold": None,
        "fingerprint": {"model": {"detector": "baseline"}},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with open(folder / "documents.jsonl", "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(d) + "\n" for d in docs)
    (folder / "spans.jsonl").write_text("", encoding="utf-8")
    return folder


def _specs(page):
    return json.loads(re.search(r"var specs=(\{.*?\});window", page, re.S).group(1))


def _read_csv(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_dashboard_shows_genre_and_frames_with_csvs(tmp_path):
    run = _write_run(tmp_path / "run", _genre_docs())
    written = write_report(run, tmp_path / "report.html", top=0)
    page = written.html.read_text(encoding="utf-8")
    assert 'id="genre"' in page and "a model's guess" in page and "MODEL_CARD.md" in page
    for title in ("Genre by source", "Genre over time", "Frames by source"):
        assert f"<h3>{title}</h3>" in page
    for name in ("genre_sources", "genre_over_time", "frames_sources"):
        assert f'id="chart-{name}"' in page
    assert "No genre or frames were computed" not in page
    specs = _specs(page)
    bars = specs["genre_sources"]["data"]["values"]
    assert {(r["source"], r["genre"]): r["share"] for r in bars} == {
        ("X", "opinion"): 0.5,
        ("X", "reporting"): 0.5,
        ("X", "satire"): 0.0,
        ("Y", "opinion"): 0.5,
        ("Y", "reporting"): 0.0,
        ("Y", "satire"): 0.5,
    }
    areas = specs["genre_over_time"]["data"]["values"]
    assert sorted({r["period"] for r in areas}) == ["2024-01-01", "2024-05-01"]
    cells = specs["frames_sources"]["data"]["values"]
    assert {(r["source"], r["title"]): r["share_of_articles"] for r in cells} == {
        ("X", "Economic"): 1.0,
        ("X", "Political"): 0.5,
        ("Y", "Economic"): 0.0,
        ("Y", "Political"): 0.5,
    }
    folder = tmp_path / "report_files"
    for name in ("genre_by_source", "genre_over_time", "frames_by_source"):
        assert f'href="report_files/{name}.csv"' in page
    by_source = _read_csv(folder / "genre_by_source.csv")
    assert [
        (r["source"], r["with_genre"], r["no_genre"], r["opinion_share"], r["satire"])
        for r in by_source
    ] == [("X", "2", "1", "0.5", "0"), ("Y", "2", "1", "0.5", "1")]
    over_time = _read_csv(folder / "genre_over_time.csv")
    assert [
        (r["period"], r["articles"], r["with_genre"], r["reporting_share"]) for r in over_time
    ] == [
        ("2024-01-01", "3", "3", "0.3333"),
        ("2024-05-01", "4", "2", "0.5"),
    ]
    frames = _read_csv(folder / "frames_by_source.csv")
    assert [(r["source"], r["frame"], r["share_of_articles"]) for r in frames] == [
        ("X", "Economic", "1.0"),
        ("X", "Political", "0.5"),
        ("Y", "Economic", "0.0"),
        ("Y", "Political", "0.5"),
    ]


def test_dashboard_says_why_there_is_no_genre(tmp_path):
    docs = [
        _plain("a", 0, "X", "2024-01-05", warning_codes=["article_models"]),
        _plain("b", 1, "Y", "2024-05-05", warning_codes=["article_models"]),
    ]
    run = _write_run(tmp_path / "run", docs)
    written = write_report(run, tmp_path / "report.html", top=0)
    page = written.html.read_text(encoding="utf-8")
    assert 'id="genre"' in page
    assert (
        '<p class="note">No genre or frames were computed for any analysed article (2 without '
        "the genre and frame models (not installed)), so there are no genre or frame "
        "views.</p>"
    ) in page
    specs = _specs(page)
    assert {"genre_sources", "genre_over_time", "frames_sources"}.isdisjoint(specs)
    assert "source_techniques" in specs and "over_time" in specs  # the rest is still drawn
    assert "<h3>" not in page
    folder = tmp_path / "report_files"
    for name in ("genre_by_source", "genre_over_time", "frames_by_source"):
        assert _read_csv(folder / f"{name}.csv") == []
        assert f'href="report_files/{name}.csv"' in page


def test_genre_charts_draw_in_a_browser(tmp_path, browser):
    run = _write_run(tmp_path / "run", _genre_docs())
    written = write_report(run, tmp_path / "report.html", top=0)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(written.html.resolve().as_uri())
    for name in ("genre_sources", "genre_over_time", "frames_sources"):
        page.wait_for_selector(f"#chart-{name} svg, #chart-{name} canvas")
    assert errors == []
    page.close()
