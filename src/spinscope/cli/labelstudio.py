"""``spinscope export`` and ``spinscope import``: the Label Studio round trip.

``export --format label-studio`` analyses articles into Label Studio tasks with the spans as
predictions, and writes the labelling configuration beside them; ``import label-studio`` turns
Label Studio's JSON export into an annotation folder for ``spinscope train --data``. The work is
done by :mod:`spinscope.integrations.label_studio` (plain JSON, no extra needed), imported inside
the commands so that ``spinscope --help`` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from spinscope.cli.common import (
    AllowPrivateOption,
    DetectorOption,
    LanguageOption,
    TimeoutOption,
    reported,
    stderr,
)
from spinscope.errors import InputError

__all__ = ["export", "import_app"]


class ExportFormat(StrEnum):
    """The formats ``spinscope export`` writes."""

    label_studio = "label-studio"


class OffsetChoice(StrEnum):
    """How the span offsets count characters in Label Studio."""

    code_points = "code-points"
    utf_16 = "utf-16"


class AnnotationPick(StrEnum):
    """Which annotation of a task ``spinscope import label-studio`` keeps."""

    latest = "latest"
    first = "first"
    ground_truth = "ground-truth"


OffsetsOption = Annotated[
    OffsetChoice,
    typer.Option(
        help="How Label Studio counts span offsets: code-points (Label Studio since 2022, as "
        "spinscope does) or utf-16 (older Label Studio, JavaScript string units; emoji count "
        "two).",
    ),
]


def _sources(inputs: list[str]) -> list[str]:
    """The inputs with each folder replaced by its .txt files, sorted by name."""
    out: list[str] = []
    for source in inputs:
        folder = Path(source)
        if source != "-" and "://" not in source and folder.is_dir():
            found = sorted(str(p) for p in folder.glob("*.txt") if p.is_file())
            if not found:
                raise InputError(f"{source!r} is a folder without .txt articles")
            out.extend(found)
        else:
            out.append(source)
    return out


def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="What to write.", show_default=False),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "-o",
            "--out",
            help="The task file to write (JSON); the labelling configuration goes beside it "
            "(tasks.json -> tasks.label-config.xml).",
            show_default=False,
        ),
    ],
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Articles: text or HTML files, folders of .txt files, http(s) URLs, or - for "
            "standard input.",
            show_default=False,
            metavar="[PATH | FOLDER | URL | -]...",
        ),
    ] = None,
    likely_only: Annotated[
        bool,
        typer.Option(
            "--likely-only",
            help="Leave out the possible spans (scored between the model's possible floor and "
            "the threshold).",
        ),
    ] = False,
    offsets: OffsetsOption = OffsetChoice.code_points,
    threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Score from which a span is likely; default: the one tuned on the development "
            "articles.",
        ),
    ] = None,
    detector: DetectorOption = None,
    allow_private: AllowPrivateOption = False,
    timeout: TimeoutOption = 15.0,
    language: LanguageOption = None,
) -> None:
    """Analyse articles and write them as Label Studio tasks, spans as pre-annotations.

    Import the task file into a Label Studio project whose labelling interface is the .xml
    written beside it; see docs/label-studio.md. An input that fails is reported on stderr,
    the others are written, and the command then exits non-zero.
    """
    from spinscope.analyzer import Analyzer, analyze_sources
    from spinscope.integrations.label_studio import analyses_to_tasks, write_tasks
    from spinscope.signals.language import language_code

    with reported():
        code = language_code(language) if language is not None else None
        sources = _sources(list(inputs or []))
        if not sources:
            raise InputError(
                "give at least one article: a file, a folder of .txt files, an http(s) URL, or "
                "- for standard input (spinscope export --format label-studio a.txt -o "
                "tasks.json)."
            )
        if sources.count("-") > 1:
            raise InputError("standard input (-) can be given only once.")
        analyzer = Analyzer(detector.value if detector else None, threshold=threshold).load()
    results = list(
        analyze_sources(
            sources, analyzer, language=code, allow_private=allow_private, timeout=timeout
        )
    )
    failures = [r for r in results if r.error is not None]
    for r in failures:
        named = r.source in str(r.error)
        stderr().print(f"error: {'' if named else r.source + ': '}{r.error}")
    done = [r.analysis for r in results if r.analysis is not None]
    if analyzer.info.note and done:
        stderr().print(f"note: {analyzer.info.note}")
    if done:
        with reported():
            tasks = analyses_to_tasks(done, likely_only=likely_only, offsets=offsets.value)
            tasks_path, config = write_tasks(out, tasks)
        spans = sum(len(t["predictions"][0]["result"]) for t in tasks)
        plural = "" if len(tasks) == 1 else "s"
        stderr().print(
            f"wrote {len(tasks)} task{plural} ({spans} predicted spans) to {tasks_path}; "
            f"labelling configuration: {config}"
        )
    if failures:
        raise typer.Exit(max(r.error.exit_code for r in failures if r.error is not None))


import_app = typer.Typer(
    name="import",
    help="Import annotations made in other tools as an annotation folder for spinscope train.",
    no_args_is_help=True,
)


@import_app.command("label-studio")
def import_label_studio(
    export_file: Annotated[
        Path,
        typer.Argument(
            help="Label Studio's JSON export of the project (Export -> JSON).",
            show_default=False,
            metavar="EXPORT.json",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "-o",
            "--out",
            help="The annotation folder to write (articles/<id>.txt, labels/<id>.tsv).",
            show_default=False,
        ),
    ],
    annotation: Annotated[
        AnnotationPick,
        typer.Option(
            help="Which annotation of a task to import, among those not cancelled: the latest, "
            "the first, or the latest marked ground truth."
        ),
    ] = AnnotationPick.latest,
    annotator: Annotated[
        str | None,
        typer.Option(
            help="Only annotations by this user (Label Studio user id or email).",
            show_default=False,
        ),
    ] = None,
    drop_unknown: Annotated[
        bool,
        typer.Option(
            "--drop-unknown",
            help="Leave out spans whose label is not one of the 23 techniques (counted) "
            "instead of stopping.",
        ),
    ] = False,
    offsets: OffsetsOption = OffsetChoice.code_points,
    text_field: Annotated[
        str, typer.Option(help="The task data field holding the article text.")
    ] = "text",
) -> None:
    """Turn a Label Studio JSON export into an annotation folder (spinscope train --data DIR).

    Each task's id is data.spinscope_id, else the task id. Tasks without an annotation to
    import are skipped and listed; results other than spans (choices, relations) are ignored.
    """
    from spinscope.integrations.label_studio import import_label_studio as run_import

    with reported():
        summary = run_import(
            export_file,
            out,
            annotation=annotation.value,
            annotator=annotator,
            drop_unknown=drop_unknown,
            offsets=offsets.value,
            text_field=text_field,
        )
    for skipped in summary.skipped:
        stderr().print(f"skipped task {skipped.task}: {skipped.reason}")
    if summary.dropped:
        listed = ", ".join(f"{label} ({n})" for label, n in summary.dropped.items())
        total = sum(summary.dropped.values())
        stderr().print(f"dropped {total} spans whose label is not a technique: {listed}")
    if summary.ignored_results:
        stderr().print(f"ignored {summary.ignored_results} results that are not labelled spans")
    plural = "" if summary.articles == 1 else "s"
    stderr().print(
        f"wrote {summary.articles} article{plural} ({summary.spans} spans) to {summary.folder}"
        f"{f'; skipped {len(summary.skipped)} tasks' if summary.skipped else ''}"
    )
