"""``spinscope batch`` and ``spinscope report``: analyse a corpus, then draw its dashboard.

Both need the ``batch`` extra (pyarrow, altair, vl-convert-python), imported inside the
commands so that ``spinscope --help`` stays fast and the base install works without it.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from spinscope.cli.common import (
    DetectorOption,
    LanguageOption,
    reported,
    require_extra,
    stderr,
)

__all__ = ["batch", "report"]


class OutputFormat(StrEnum):
    """How ``spinscope batch`` writes its tables."""

    parquet = "parquet"
    jsonl = "jsonl"


class EngineChoice(StrEnum):
    """Where ``spinscope batch`` runs the analysis."""

    local = "local"
    ray = "ray"


def batch(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Folders of .txt/.html articles, or .jsonl, .csv or .parquet files.",
            show_default=False,
            metavar="INPUT",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("-o", "--out", help="Output folder (tables, errors.jsonl, manifest)."),
    ],
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (local) or actors (ray).")
    ] = 1,
    engine: Annotated[
        EngineChoice, typer.Option(help="local: processes on this machine; ray: Ray Data.")
    ] = EngineChoice.local,
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="Join this Ray cluster (e.g. 10.0.0.5:6379, or auto) instead of starting a "
            "local one.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", help="parquet: table folders; jsonl: JSON lines files."),
    ] = OutputFormat.parquet,
    text_field: Annotated[str, typer.Option(help="Column holding the article text.")] = "text",
    id_field: Annotated[str, typer.Option(help="Column holding the article id.")] = "id",
    source_field: Annotated[
        str | None,
        typer.Option(
            help="Column holding the outlet. Default: source, else outlet.", show_default=False
        ),
    ] = None,
    date_field: Annotated[str, typer.Option(help="Column holding the date.")] = "date",
    url_field: Annotated[str, typer.Option(help="Column holding the URL.")] = "url",
    title_field: Annotated[str, typer.Option(help="Column holding the title.")] = "title",
    detector: DetectorOption = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Minimum span score; default: the one tuned on the development articles.",
        ),
    ] = None,
    language: LanguageOption = None,
    chunk_size: Annotated[
        int,
        typer.Option(
            min=1, help="Documents per chunk (the unit written at once and resumed from)."
        ),
    ] = 16,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Delete an earlier run in the folder, start over.")
    ] = False,
) -> None:
    """Analyse a corpus into tables of documents and spans; re-run the command to resume.

    Runs that stop, even killed, resume where they stopped: each chunk is written once.
    Malformed lines and rows go to errors.jsonl; the rest continue.
    """
    with reported():
        require_extra("batch", "pyarrow")
        from spinscope.batch import BatchOptions, Fields, run_batch
        from spinscope.signals.language import language_code

        options = BatchOptions(
            fields=Fields(
                text=text_field,
                id=id_field,
                source=source_field,
                date=date_field,
                url=url_field,
                title=title_field,
            ),
            detector=detector.value if detector is not None else None,
            threshold=threshold,
            language=language_code(language) if language is not None else None,
            fmt=fmt.value,
            chunk_size=chunk_size,
            workers=workers,
            engine=engine.value,
            ray_address=ray_address,
            overwrite=overwrite,
        )
        try:
            summary = run_batch([str(p) for p in inputs], out, options)
        except KeyboardInterrupt:
            stderr().print(
                f"interrupted; the chunks written so far are kept in {out}: re-run the same "
                "command to finish the rest."
            )
            raise typer.Exit(130) from None
    counts = summary.counts
    if summary.already_complete:
        stderr().print(
            f"{out} already holds the complete run of this command "
            f"({counts.get('documents', 0)} documents); nothing to do. Pass --overwrite to "
            "start over."
        )
        return
    resumed = (
        f" (resumed: {summary.chunks_done_before} chunks were done before; this run analysed "
        f"{summary.records_now} documents in {summary.chunks_done_now} chunks)"
        if summary.chunks_done_before
        else ""
    )
    stderr().print(
        f"wrote {counts.get('documents', 0)} documents ({counts.get('ok', 0)} analysed, "
        f"{counts.get('skipped', 0)} skipped, {counts.get('failed', 0)} failed), "
        f"{counts.get('spans', 0)} spans and {counts.get('errors', 0)} errors to {out}"
        f"{resumed}; {summary.docs_per_second:.1f} documents/s"
    )


def report(
    run: Annotated[
        Path,
        typer.Argument(help="Output folder of spinscope batch.", show_default=False),
    ],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="The dashboard to write (one HTML file).")
    ] = Path("report.html"),
    top: Annotated[
        int,
        typer.Option(min=0, help="Most charged articles to list, each with its own HTML report."),
    ] = 25,
) -> None:
    """Draw the dashboard of a batch run: one self-contained HTML file, with CSV summaries.

    Beside the HTML, a folder named after it (report_files/) holds the CSV summaries and the
    per-article reports the dashboard links to.
    """
    with reported():
        require_extra("batch", "pyarrow", "altair", "vl_convert")
        from spinscope.batch.report import write_report

        written = write_report(run, out, top=top, notify=lambda m: stderr().print(f"note: {m}"))
    stderr().print(
        f"wrote {written.html} ({written.documents} documents; CSV summaries and "
        f"{written.articles} article reports in {written.folder})"
    )
