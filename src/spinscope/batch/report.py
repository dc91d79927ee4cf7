"""The dashboard of a batch run: one self-contained HTML file, CSV summaries, article reports.

:func:`summarise` reads the run's tables into plain summaries (lists of dicts);
:func:`write_report` writes them as CSV files, draws them with Altair (Vega-Lite), and inlines
the Vega JavaScript that ``vl-convert-python`` ships, so the page works offline (no CDN). The
most charged articles link to their own HTML reports, made by analysing the stored text again
with the run's detector and threshold. The page is the template ``dashboard.html.j2``
(:mod:`spinscope.render.templates`), which escapes every value: titles, sources and phrases
come from the corpus.

Written beside ``report.html`` (say)::

    report_files/techniques.csv ... top_articles.csv   the summaries, one CSV per view
    report_files/genre_by_source.csv ...               the article models' genre and frames
    report_files/articles/<id>.html                    the most charged articles' reports
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from markupsafe import Markup

from spinscope.batch.runner import model_fingerprint, read_manifest
from spinscope.batch.tables import CATEGORY_COLUMNS, atomic_write_bytes, read_rows
from spinscope.coverage import Coverage
from spinscope.detectors.registry import detector_coverage
from spinscope.errors import InputError
from spinscope.render.common import report_file_name
from spinscope.render.templates import render
from spinscope.taxonomy import CATEGORIES, FRAME_TITLES, FRAMES, GENRES, TECHNIQUES, technique

__all__ = ["ReportSummary", "WrittenReport", "summarise", "write_report"]

#: Sources shown by name in the per-source views; the rest are left out (the CSVs have all).
TOP_SOURCES = 20
#: Phrases listed per technique.
TOP_PHRASES = 5

_DOC_COLUMNS = [
    "id",
    "seq",
    "source",
    "date",
    "title",
    "url",
    "status",
    "n_words",
    "n_spans",
    "density",
    "charge",
    "charge_density",
    "techniques",
    "warning_codes",
    "genre",
    "genre_confidence",
    "frames",
    *CATEGORY_COLUMNS.values(),
]

#: Why an analysed article has no genre (nor frames), by kind; each reads after a count.
_NO_GENRE = {
    "models": "without the genre and frame models (not installed)",
    "short": "too short for the genre and frame models",
    "language": "in a language the article models do not read",
    "off": "with the article models off",
}
#: The warning codes of a language the article models cannot read.
_LANGUAGE_CODES = ("unsupported_language", "unknown_language")


@dataclass
class ReportSummary:
    """Everything the dashboard shows, as rows ready for CSV and for the charts."""

    counts: dict[str, int]
    techniques: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    source_techniques: list[dict[str, Any]]
    over_time: list[dict[str, Any]]
    period: str
    #: per source: articles, those with a genre and without, each genre's count and share (of
    #: those with a genre), their mean confidence; empty when no article has a genre
    genre_by_source: list[dict[str, Any]]
    #: the same per week or month (``period``), as ``over_time``
    genre_over_time: list[dict[str, Any]]
    #: per source and frame found: the share of the source's articles with genre and frames
    #: that select it
    frames_by_source: list[dict[str, Any]]
    source_density: list[dict[str, Any]]
    top_phrases: list[dict[str, Any]]
    top_articles: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    #: why there are no genre and frame views (``None``: there are)
    no_genre: str | None = None


@dataclass(frozen=True)
class WrittenReport:
    """Where :func:`write_report` wrote the dashboard and its companions."""

    html: Path
    folder: Path
    documents: int
    articles: int


# ------------------------------------------------------------------------------- summaries


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _box(values: Sequence[float]) -> dict[str, float]:
    """Quartiles and whiskers (the furthest values within 1.5 IQR of the box)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        q1 = median = q3 = ordered[0]
    else:
        q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    reach = 1.5 * (q3 - q1)
    low = min(v for v in ordered if v >= q1 - reach)
    high = max(v for v in ordered if v <= q3 + reach)
    return {
        "q1": round(q1, 3),
        "median": round(median, 3),
        "q3": round(q3, 3),
        "low": round(low, 3),
        "high": round(high, 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


def _phrase(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" \t\n.,;:!?\"'“”‘’()").lower()


def _period_of(dates: Iterable[date]) -> str:
    found = list(dates)
    if found and (max(found) - min(found)).days <= 92:
        return "week"
    return "month"


def _period_start(day: date, period: str) -> str:
    if period == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    return day.replace(day=1).isoformat()


def _genre(row: Mapping[str, Any]) -> str | None:
    value = row.get("genre")
    return str(value) if value else None


def _frames(row: Mapping[str, Any]) -> list[str]:
    return [str(f) for f in row.get("frames") or []]


def _modelled(row: Mapping[str, Any]) -> bool:
    """Whether the article models gave ``row`` a genre or frames (they give both or neither)."""
    return _genre(row) is not None or bool(_frames(row))


def _no_genre_kind(row: Mapping[str, Any]) -> str:
    """Why the article models gave ``row`` no genre: a key of :data:`_NO_GENRE`.

    A withheld genre (``genre_withheld``) is put down to the language when the article has a
    language warning and is not too short for techniques; else to its length, as the genre
    needs more words than techniques do.
    """
    codes = row.get("warning_codes") or []
    if "article_models" in codes:
        return "models"
    if "genre_withheld" in codes:
        if "too_short" not in codes and any(c in codes for c in _LANGUAGE_CODES):
            return "language"
        return "short"
    return "off"


def _genre_counts(rows: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> dict[str, Any]:
    """How many of ``rows`` have a genre, and the count and share (of those) of each label."""
    found = [g for g in map(_genre, rows) if g is not None]
    counts = Counter(found)
    out: dict[str, Any] = {
        "articles": len(rows),
        "with_genre": len(found),
        "no_genre": len(rows) - len(found),
    }
    for label in labels:
        out[label] = counts.get(label, 0)
        out[f"{label}_share"] = _share(counts.get(label, 0), len(found))
    confidences = [
        float(r["genre_confidence"])
        for r in rows
        if _genre(r) is not None and r.get("genre_confidence") is not None
    ]
    out["mean_confidence"] = round(statistics.fmean(confidences), 3) if confidences else None
    return out


def _genre_labels(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The genres of :func:`_genre_counts` rows, in their column order."""
    return [k.removesuffix("_share") for k in rows[0] if k.endswith("_share")] if rows else []


def summarise(
    documents: Iterable[Mapping[str, Any]], spans: Iterable[Mapping[str, Any]], top: int = 25
) -> ReportSummary:
    """Summaries of a run's ``documents`` and ``spans`` rows (analysed documents only)."""
    docs = list(documents)
    ok = [d for d in docs if d["status"] == "ok"]
    ok_ids = {d["id"] for d in ok}
    statuses = Counter(d["status"] for d in docs)
    every_span = [s for s in spans if s["doc_id"] in ok_ids]
    # runs written before the two tiers have no tier column: all their spans were likely
    span_list = [s for s in every_span if s.get("tier", "likely") == "likely"]
    counts = {
        "documents": len(docs),
        "ok": statuses.get("ok", 0),
        "skipped": statuses.get("skipped", 0),
        "failed": statuses.get("failed", 0),
        "spans": len(span_list),
        "possible_spans": len(every_span) - len(span_list),
    }
    notes: list[str] = []
    n_ok = len(ok)

    spans_by_technique = Counter(s["technique"] for s in span_list)
    docs_by_technique = Counter(t for d in ok for t in d["techniques"] or [])
    techniques = [
        {
            "technique": name,
            "title": technique(name).title,
            "category": technique(name).category,
            "articles": docs_by_technique.get(name, 0),
            "share_of_articles": _share(docs_by_technique.get(name, 0), n_ok),
            "spans": spans_by_technique.get(name, 0),
        }
        for name in TECHNIQUES
    ]
    categories = []
    for category, column in CATEGORY_COLUMNS.items():
        with_it = sum(1 for d in ok if (d.get(column) or 0) > 0)
        categories.append(
            {
                "category": category,
                "articles": with_it,
                "share_of_articles": _share(with_it, n_ok),
                "spans": sum(int(d.get(column) or 0) for d in ok),
            }
        )

    by_source: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for d in ok:
        if d.get("source"):
            by_source[str(d["source"])].append(d)
    sources: list[dict[str, Any]] = sorted(
        (
            {
                "source": name,
                "articles": len(rows),
                "spans": sum(int(r["n_spans"]) for r in rows),
                "mean_density": round(statistics.fmean(float(r["density"]) for r in rows), 3),
            }
            for name, rows in by_source.items()
        ),
        key=lambda r: (-r["articles"], r["source"]),
    )
    if not sources:
        notes.append(
            "The input has no source (outlet) column, so there are no per-source views. Name "
            "the column with spinscope batch --source-field."
        )
    elif n_ok and len(by_source) < n_ok:
        missing = n_ok - sum(len(v) for v in by_source.values())
        if missing:
            notes.append(f"{missing} analysed articles have no source; per-source views omit them.")
    source_techniques = [
        {
            "source": s["source"],
            "technique": name,
            "title": technique(name).title,
            "articles": sum(1 for d in by_source[s["source"]] if name in (d["techniques"] or [])),
            "share_of_articles": _share(
                sum(1 for d in by_source[s["source"]] if name in (d["techniques"] or [])),
                s["articles"],
            ),
        }
        for s in sources
        for name in TECHNIQUES
    ]
    source_density = [
        {"source": s["source"], "articles": s["articles"]}
        | _box([float(d["density"]) for d in by_source[s["source"]]])
        for s in sources
    ]

    dated = [(d, _parse_date(d.get("date"))) for d in ok]
    with_dates = [(d, day) for d, day in dated if day is not None]
    period = _period_of(day for _, day in with_dates)
    over_time: list[dict[str, Any]] = []
    by_period: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for d, day in with_dates:
        by_period[_period_start(day, period)].append(d)
    if with_dates:
        for start in sorted(by_period):
            rows = by_period[start]
            for category, column in CATEGORY_COLUMNS.items():
                n = sum(1 for r in rows if (r.get(column) or 0) > 0)
                over_time.append(
                    {
                        "period": start,
                        "category": category,
                        "articles": len(rows),
                        "with_category": n,
                        "share_of_articles": _share(n, len(rows)),
                    }
                )
        if len(with_dates) < n_ok:
            notes.append(
                f"{n_ok - len(with_dates)} analysed articles have no readable date "
                "(YYYY-MM-DD); the view over time omits them."
            )
    else:
        notes.append(
            "The input has no date column (or no date in YYYY-MM-DD form), so there is no view "
            "over time. Name the column with spinscope batch --date-field."
        )

    # genre and frames: the article models' guesses, absent where they were withheld (short
    # text, unsupported language) or not run; shares are of the articles that have them
    genre_by_source: list[dict[str, Any]] = []
    genre_over_time: list[dict[str, Any]] = []
    frames_by_source: list[dict[str, Any]] = []
    no_genre: str | None = None
    gaps = Counter(_no_genre_kind(d) for d in ok if not _modelled(d))
    gap_words = "; ".join(f"{n} {_NO_GENRE[kind]}" for kind, n in gaps.most_common())
    if not ok:
        no_genre = "No article was analysed, so no genre or frames were computed."
    elif not any(map(_modelled, ok)):
        no_genre = (
            f"No genre or frames were computed for any analysed article ({gap_words}), so "
            "there are no genre or frame views."
        )
    else:
        if gaps:
            notes.append(
                f"{sum(gaps.values())} analysed articles have no genre or frames ({gap_words}); "
                "the genre and frame shares leave them out (the genre CSVs count them as "
                "no_genre)."
            )
        found_genres = {g for g in map(_genre, ok) if g is not None}
        labels = [*GENRES, *sorted(found_genres - set(GENRES))]
        if found_genres:
            genre_by_source = [
                {"source": s["source"]} | _genre_counts(by_source[s["source"]], labels)
                for s in sources
            ]
            genre_over_time = [
                {"period": start} | _genre_counts(by_period[start], labels)
                for start in sorted(by_period)
            ]
        # the frames some article of a named source selects, so no column is empty throughout
        found_frames = {f for rows in by_source.values() for d in rows for f in _frames(d)}
        present = [f for f in FRAMES if f in found_frames]
        present += sorted(found_frames - set(FRAMES))
        for entry in sources:
            judged = [d for d in by_source[entry["source"]] if _modelled(d)]
            if not judged:
                continue
            for frame in present:
                n = sum(1 for d in judged if frame in _frames(d))
                frames_by_source.append(
                    {
                        "source": entry["source"],
                        "frame": frame,
                        "title": FRAME_TITLES.get(frame, frame.replace("_", " ")),
                        "articles": len(judged),
                        "with_frame": n,
                        "share_of_articles": _share(n, len(judged)),
                    }
                )

    # ranked by how many articles use a phrase, so that one article repeating a phrase
    # does not fill the table
    phrases: dict[str, dict[str, list[tuple[str, float]]]] = defaultdict(lambda: defaultdict(list))
    for s in span_list:
        key = _phrase(str(s["text"]))
        if key:
            phrases[s["technique"]][key].append((str(s["doc_id"]), float(s["score"])))
    top_phrases = []
    for name in TECHNIQUES:
        ranked = sorted(
            phrases.get(name, {}).items(),
            key=lambda kv: (
                -len({d for d, _ in kv[1]}),
                -len(kv[1]),
                -statistics.fmean(x for _, x in kv[1]),
                kv[0],
            ),
        )[:TOP_PHRASES]
        for rank, (phrase, uses) in enumerate(ranked, start=1):
            top_phrases.append(
                {
                    "technique": name,
                    "title": technique(name).title,
                    "rank": rank,
                    "phrase": phrase,
                    "articles": len({d for d, _ in uses}),
                    "count": len(uses),
                    "mean_score": round(statistics.fmean(x for _, x in uses), 4),
                }
            )

    judged = [d for d in ok if "too_short" not in (d.get("warning_codes") or [])]
    if judged and len(judged) < n_ok:
        notes.append(
            f"{n_ok - len(judged)} articles too short to judge are left out of the most "
            "charged articles."
        )
    elif not judged:
        judged = ok  # all short: rank them anyway rather than show nothing
    ranked_docs = sorted(judged, key=lambda d: (-float(d["charge_density"]), int(d["seq"])))[:top]
    top_articles = [
        {
            "rank": i,
            "id": d["id"],
            "title": d.get("title") or "",
            "source": d.get("source") or "",
            "date": d.get("date") or "",
            "url": d.get("url") or "",
            "charge_density": round(float(d["charge_density"]), 3),
            "density": round(float(d["density"]), 3),
            "spans": int(d["n_spans"]),
            "words": int(d["n_words"]),
            "techniques": "; ".join(technique(t).title for t in d["techniques"] or []),
        }
        for i, d in enumerate(ranked_docs, start=1)
    ]
    return ReportSummary(
        counts=counts,
        techniques=techniques,
        categories=categories,
        sources=sources,
        source_techniques=source_techniques,
        over_time=over_time,
        period=period,
        genre_by_source=genre_by_source,
        genre_over_time=genre_over_time,
        frames_by_source=frames_by_source,
        source_density=source_density,
        top_phrases=top_phrases,
        top_articles=top_articles,
        notes=notes,
        no_genre=no_genre,
    )


# ------------------------------------------------------------------------------- charts


def _data(rows: Sequence[Mapping[str, Any]]) -> Any:
    import altair as alt

    return alt.Data(values=list(rows))  # type: ignore[no-untyped-call]


def _category_scale() -> Any:
    import altair as alt

    return alt.Scale(domain=list(CATEGORIES), scheme="tableau10")


def _charts(summary: ReportSummary) -> dict[str, dict[str, Any]]:
    """Vega-Lite specs of the views, by name; views without data are left out."""
    import altair as alt

    cat = _category_scale()
    out: dict[str, dict[str, Any]] = {}
    out["techniques"] = (
        alt.Chart(_data(summary.techniques))
        .mark_bar()
        .encode(
            y=alt.Y("title:N", sort="-x", title=None),
            x=alt.X("share_of_articles:Q", axis=alt.Axis(format="%"), title="share of articles"),
            color=alt.Color("category:N", scale=cat, title="category"),
            tooltip=["title:N", "category:N", "articles:Q", "spans:Q"],
        )
        .properties(width=520, height=alt.Step(16))
        .to_dict()
    )
    out["categories"] = (
        alt.Chart(_data(summary.categories))
        .mark_bar()
        .encode(
            y=alt.Y("category:N", sort=list(CATEGORIES), title=None),
            x=alt.X("share_of_articles:Q", axis=alt.Axis(format="%"), title="share of articles"),
            color=alt.Color("category:N", scale=cat, legend=None),
            tooltip=["category:N", "articles:Q", "spans:Q"],
        )
        .properties(width=520, height=alt.Step(22))
        .to_dict()
    )
    shown = {s["source"] for s in summary.sources[:TOP_SOURCES]}
    if shown:
        order = [s["source"] for s in summary.sources[:TOP_SOURCES]]
        out["source_techniques"] = (
            alt.Chart(_data([r for r in summary.source_techniques if r["source"] in shown]))
            .mark_rect()
            .encode(
                x=alt.X("title:N", sort=[technique(t).title for t in TECHNIQUES], title=None),
                y=alt.Y("source:N", sort=order, title=None),
                color=alt.Color(
                    "share_of_articles:Q",
                    scale=alt.Scale(scheme="oranges"),
                    legend=alt.Legend(format="%"),
                    title="share of articles",
                ),
                tooltip=["source:N", "title:N", "articles:Q", "share_of_articles:Q"],
            )
            .properties(height=alt.Step(18), width=alt.Step(22))
            .to_dict()
        )
        boxes = [r for r in summary.source_density if r["source"] in shown]
        base = alt.Chart(_data(boxes)).encode(y=alt.Y("source:N", sort=order, title=None))
        out["source_density"] = (
            alt.layer(
                base.mark_rule().encode(
                    x=alt.X("low:Q", title="technique spans per 1,000 words"), x2="high:Q"
                ),
                base.mark_bar(size=12, color="#9ecae9").encode(x="q1:Q", x2="q3:Q"),
                base.mark_tick(color="#08306b", thickness=2, size=14).encode(
                    x="median:Q",
                    tooltip=["source:N", "articles:Q", "median:Q", "q1:Q", "q3:Q", "mean:Q"],
                ),
            )
            .properties(width=520, height=alt.Step(20))
            .to_dict()
        )
    if summary.over_time:
        out["over_time"] = (
            alt.Chart(_data(summary.over_time))
            .mark_line(point=True)
            .encode(
                x=alt.X("period:T", title=summary.period),
                y=alt.Y(
                    "share_of_articles:Q", axis=alt.Axis(format="%"), title="share of articles"
                ),
                color=alt.Color("category:N", scale=cat, title="category"),
                tooltip=["period:T", "category:N", "with_category:Q", "articles:Q"],
            )
            .properties(width=620, height=260)
            .to_dict()
        )
    out.update(_genre_charts(summary))
    return out


def _genre_long(rows: Sequence[Mapping[str, Any]], key: str) -> list[dict[str, Any]]:
    """One row per ``key`` value and genre, from the rows with a genre (for stacked charts)."""
    return [
        {
            key: r[key],
            "genre": label,
            "articles": r[label],
            "share": r[f"{label}_share"],
            "with_genre": r["with_genre"],
        }
        for r in rows
        if r["with_genre"]
        for label in _genre_labels(rows)
    ]


def _genre_charts(summary: ReportSummary) -> dict[str, dict[str, Any]]:
    """The genre and frame views; those without data (or one period over time) are left out."""
    import altair as alt

    out: dict[str, dict[str, Any]] = {}
    order = [s["source"] for s in summary.sources[:TOP_SOURCES]]
    shown = set(order)
    genres = alt.Scale(domain=_genre_labels(summary.genre_by_source), scheme="set2")
    # the genre-share axis of both genre charts
    share: dict[str, Any] = {
        "stack": "zero",
        "axis": alt.Axis(format="%"),
        "scale": alt.Scale(domain=[0, 1]),
        "title": "share of the articles with a genre",
    }
    by_source = _genre_long([r for r in summary.genre_by_source if r["source"] in shown], "source")
    if by_source:
        out["genre_sources"] = (
            alt.Chart(_data(by_source))
            .mark_bar()
            .encode(
                y=alt.Y("source:N", sort=order, title=None),
                x=alt.X("share:Q", **share),
                color=alt.Color("genre:N", scale=genres, title="genre"),
                tooltip=["source:N", "genre:N", "articles:Q", "with_genre:Q", "share:Q"],
            )
            .properties(width=520, height=alt.Step(20))
            .to_dict()
        )
    over_time = _genre_long(summary.genre_over_time, "period")
    if len({r["period"] for r in over_time}) > 1:
        out["genre_over_time"] = (
            alt.Chart(_data(over_time))
            .mark_area(opacity=0.85)
            .encode(
                x=alt.X("period:T", title=summary.period),
                y=alt.Y("share:Q", **share),
                color=alt.Color("genre:N", scale=genres, title="genre"),
                tooltip=["period:T", "genre:N", "articles:Q", "with_genre:Q", "share:Q"],
            )
            .properties(width=620, height=240)
            .to_dict()
        )
    frames = [r for r in summary.frames_by_source if r["source"] in shown]
    if frames:
        titles = list(dict.fromkeys(r["title"] for r in frames))
        out["frames_sources"] = (
            alt.Chart(_data(frames))
            .mark_rect()
            .encode(
                x=alt.X("title:N", sort=titles, title=None),
                y=alt.Y("source:N", sort=order, title=None),
                color=alt.Color(
                    "share_of_articles:Q",
                    scale=alt.Scale(scheme="blues", domain=[0, 1]),
                    legend=alt.Legend(format="%"),
                    title="share of articles",
                ),
                tooltip=[
                    "source:N",
                    "title:N",
                    "with_frame:Q",
                    "articles:Q",
                    "share_of_articles:Q",
                ],
            )
            .properties(height=alt.Step(18), width=alt.Step(22))
            .to_dict()
        )
    return out


# ------------------------------------------------------------------------------- writing

_CSVS = {
    "techniques": "techniques",
    "categories": "categories",
    "sources": "sources",
    "source_techniques": "source_techniques",
    "source_density": "source_density",
    "over_time": "over_time",
    "genre_by_source": "genre_by_source",
    "genre_over_time": "genre_over_time",
    "frames_by_source": "frames_by_source",
    "top_phrases": "top_phrases",
    "top_articles": "top_articles",
}


#: What a spreadsheet reads as the start of a formula in a text cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """CSV text of ``rows``; corpus text in it (titles, sources, phrases) is formula-safe."""
    buffer = io.StringIO()
    names = list(columns or (rows[0].keys() if rows else []))
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue().encode("utf-8")


def _article_reports(
    run: Path,
    manifest: Mapping[str, Any],
    top_articles: list[dict[str, Any]],
    folder: Path,
    notify: Callable[[str], None],
) -> dict[str, str]:
    """Write the per-article HTML reports; map doc id -> path relative to the dashboard."""
    if not top_articles:
        return {}
    from spinscope.analyzer import Analyzer
    from spinscope.document import Document
    from spinscope.render.html import render_html

    wanted = {a["id"] for a in top_articles}
    rows = {
        r["id"]: r
        for r in read_rows(run, "documents", ["id", "text", "title", "url", "date", "source"])
        if r["id"] in wanted
    }
    detector = manifest.get("detector")
    threshold = manifest.get("threshold")
    then = manifest.get("fingerprint", {}).get("model")
    if then is not None and model_fingerprint(detector, threshold) != then:
        notify(
            "the installed model or spinscope version differs from the run's; the article "
            "reports come from the installed one and may differ from the tables."
        )
    analyzer = Analyzer(detector, threshold=threshold).load()
    taken: set[str] = set()
    links: dict[str, str] = {}
    for article in top_articles:
        row = rows.get(article["id"])
        if row is None or not str(row.get("text") or "").strip():
            continue
        meta = {k: row[k] for k in ("date", "source") if row.get(k)}
        analysis = analyzer.analyze(
            Document(str(row["id"]), str(row["text"]), meta),
            title=row.get("title"),
            url=row.get("url"),
        )
        name = report_file_name(str(row["id"]), taken)
        atomic_write_bytes(folder / "articles" / name, render_html(analysis).encode("utf-8"))
        links[article["id"]] = f"{folder.name}/articles/{name}"
    return links


#: The views drawn as charts, in the page's order: name, heading and what the chart shows
#: (``{period}`` is the run's week or month).
_VIEWS = [
    (
        "techniques",
        "Techniques",
        "Share of analysed articles with each technique, coloured by category.",
    ),
    (
        "categories",
        "Categories",
        "Share of analysed articles with at least one technique of each category.",
    ),
    (
        "source_techniques",
        "Techniques by source",
        "Share of each source's articles with each technique (the "
        f"{TOP_SOURCES} sources with most articles).",
    ),
    (
        "over_time",
        "Categories over time",
        "Share of the articles of each {period} with each category.",
    ),
    (
        "source_density",
        "Persuasion density by source",
        "Technique spans per 1,000 words: box from the first to the third quartile, "
        "tick at the median, whiskers to 1.5 IQR.",
    ),
]


#: The genre and frame views, drawn in their own section of the page (as :data:`_VIEWS`).
_GENRE_VIEWS = [
    (
        "genre_sources",
        "Genre by source",
        "Of each source's articles with a genre, the share the model calls opinion, reporting "
        f"or satire (the {TOP_SOURCES} sources with most articles).",
    ),
    (
        "genre_over_time",
        "Genre over time",
        "Of the articles of each {period} with a genre, the share the model calls opinion, "
        "reporting or satire.",
    ),
    (
        "frames_sources",
        "Frames by source",
        "Of each source's articles that the model read (those with a genre), the share in "
        "which it finds each frame; only frames found in some article are shown.",
    ),
]


def _vega_bundle() -> Markup:
    """The Vega, Vega-Lite and vega-embed JavaScript that vl-convert ships, for one ``<script>``."""
    import vl_convert

    vlc: Any = vl_convert  # its stubs make the optional snippet required

    try:  # the Vega-Lite version Altair writes its specs for
        import altair as alt

        vl_version: str | None = ".".join(alt.SCHEMA_VERSION.split(".")[:2])
        bundle = vlc.javascript_bundle(None, vl_version)
    except Exception:  # an unknown version: vl-convert's newest
        bundle = vlc.javascript_bundle()
    # safe: vl-convert's own script, not corpus text; escaping would break it, and with no
    # "</script" left in it nothing can end the element early
    return Markup(bundle.replace("</script", "<\\/script"))


def _page(
    summary: ReportSummary,
    manifest: Mapping[str, Any],
    specs: Mapping[str, dict[str, Any]],
    links: Mapping[str, str],
    folder: Path,
    coverage: Coverage | None = None,
) -> str:
    c = summary.counts
    detector = manifest.get("fingerprint", {}).get("model", {}).get("detector", "")
    threshold = manifest.get("threshold")
    n_possible = c.get("possible_spans", 0)
    possible = f" (and {n_possible} possible ones, not counted)" if n_possible else ""
    facts = (
        f"{c['documents']} documents: {c['ok']} analysed, {c['skipped']} skipped, "
        f"{c['failed']} failed; {c['spans']} technique spans"
        f"{possible}. Detector: {detector}"
        f"{'' if threshold is None else f', threshold {threshold}'}. Inputs: "
        f"{', '.join(manifest.get('inputs', []))}."
    )
    notes = list(summary.notes)
    if not manifest.get("complete"):
        notes.insert(0, "This run is not complete: the report covers the chunks done so far.")
    phrase_rows: dict[str, list[str]] = defaultdict(list)
    for p in summary.top_phrases:
        uses = f"{p['articles']} articles, {p['count']}×" if p["articles"] > 1 else f"{p['count']}×"
        phrase_rows[p["title"]].append(f"{p['phrase']} ({uses})")
    return render(
        "dashboard.html.j2",
        vega_bundle=_vega_bundle(),
        facts=facts,
        notes=notes,
        coverage=coverage,
        charts=[
            {"name": name, "title": title, "about": about.format(period=summary.period)}
            for name, title, about in _VIEWS
            if name in specs
        ],
        genre_charts=[
            {"name": name, "title": title, "about": about.format(period=summary.period)}
            for name, title, about in _GENRE_VIEWS
            if name in specs
        ],
        no_genre=summary.no_genre,
        phrase_rows=[(title, "; ".join(items)) for title, items in phrase_rows.items()],
        articles=[
            a | {"name": a["title"] or a["id"], "link": links.get(a["id"])}
            for a in summary.top_articles
        ],
        folder=folder.name,
        csv_names=list(_CSVS),
        specs=specs,
    )


def write_report(
    run: str | Path,
    out: str | Path = "report.html",
    *,
    top: int = 25,
    notify: Callable[[str], None] = lambda message: None,
) -> WrittenReport:
    """Write the dashboard of the batch run in ``run`` to ``out``, with its companion folder.

    The folder beside ``out`` (``<stem>_files``) gets the CSV summaries and the HTML reports of
    the ``top`` most charged articles. ``notify`` receives notes for the user.
    """
    run = Path(run)
    out = Path(out)
    if out.is_dir():
        raise InputError(
            f"{str(out)!r} is a folder; give the dashboard's file name, e.g. -o "
            f"{str(out / 'report.html')!r}."
        )
    manifest = read_manifest(run)
    summary = summarise(read_rows(run, "documents", _DOC_COLUMNS), read_rows(run, "spans"), top)
    folder = out.with_name(f"{out.stem}_files")
    folder.mkdir(parents=True, exist_ok=True)
    for name, attr in _CSVS.items():
        rows = getattr(summary, attr)
        atomic_write_bytes(folder / f"{name}.csv", _csv(rows))
    links = _article_reports(run, manifest, summary.top_articles, folder, notify)
    specs = _charts(summary)
    coverage = detector_coverage(manifest.get("fingerprint", {}).get("model", {}).get("detector"))
    page = _page(summary, manifest, specs, links, folder, coverage)
    atomic_write_bytes(out, page.encode("utf-8"))
    return WrittenReport(out, folder, summary.counts["documents"], len(links))
