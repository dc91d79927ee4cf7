"""pandas tables of spinscope's results: one analysis's spans, and a batch run's two tables.

:func:`spans_frame` (also :meth:`Analysis.spans_frame <spinscope.analysis.Analysis.spans_frame>`)
gives an analysis's spans one row each; :func:`read_batch` (also ``spinscope.read_batch``) reads
the ``documents`` and ``spans`` tables that ``spinscope batch`` writes. Every column is
pyarrow-backed (:class:`pandas.ArrowDtype`): integers stay integers and strings stay strings
even where values are missing, and the types are those of the batch tables' Arrow schemas
(:mod:`spinscope.batch.tables`), whether the run wrote Parquet or JSON lines.

pandas and pyarrow come with the ``pandas`` extra (``pip install 'spinscope[pandas]'``); they
are imported when a function here runs, never when spinscope is imported.
"""

from __future__ import annotations

import os
import warnings
from bisect import bisect_right
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from spinscope.errors import InputError, require_extra

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from spinscope.analysis import Analysis

__all__ = ["SPAN_COLUMNS", "BatchTables", "read_batch", "spans_frame"]

#: The columns of :func:`spans_frame`, in order.
SPAN_COLUMNS = (
    "start",
    "end",
    "technique",
    "category",
    "score",
    "tier",
    "quoted",
    "speaker",
    "text",
    "paragraph",
    "sentence",
)


class BatchTables(NamedTuple):
    """The two tables of a ``spinscope batch`` run, as pandas DataFrames.

    ``documents`` has one row per input record (analysed, skipped or failed: see its
    ``status`` and ``reason``); ``spans`` one row per technique span, joined to its document
    by ``doc_id`` (= ``documents.id``) or ``seq``. Both are in input order. The columns are
    described in :mod:`spinscope.batch.tables` and in the batch documentation.
    """

    documents: pd.DataFrame
    spans: pd.DataFrame


def _require_pandas(needed_by: str) -> None:
    require_extra("pandas", "pandas", "pyarrow", needed_by=needed_by)


def _frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as a DataFrame whose every column keeps its Arrow type."""
    import pandas as pd

    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _spans_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("technique", pa.string()),
            ("category", pa.string()),
            ("score", pa.float64()),
            ("tier", pa.string()),
            ("quoted", pa.bool_()),
            ("speaker", pa.string()),
            ("text", pa.string()),
            ("paragraph", pa.int64()),
            ("sentence", pa.int64()),
        ]
    )


def spans_frame(analysis: Analysis) -> pd.DataFrame:
    """The spans of ``analysis`` as a DataFrame, one row per span, in offset order.

    Columns (:data:`SPAN_COLUMNS`): ``start`` and ``end`` (character offsets in
    ``analysis.text``), ``technique`` and ``category`` (taxonomy names), ``score`` (the
    detector's confidence), ``tier`` (``likely`` or ``possible``), ``quoted`` (inside reported
    speech) and ``speaker`` (who is quoted, when found), ``text`` (the span's words), then
    ``paragraph`` and ``sentence``: the 1-based numbers of the paragraph (a non-empty line, as
    the HTML report numbers them) and of the sentence (:func:`spinscope.segment.sentences`)
    holding the span's start. With no spans the frame is empty, with the same columns and
    dtypes.

    Raises :class:`~spinscope.errors.MissingDependencyError` without the ``pandas`` extra.
    """
    _require_pandas("Analysis.spans_frame()")
    import pyarrow as pa

    from spinscope.segment import paragraphs, sentences

    text = analysis.text
    paragraph_starts = [p.start for p in paragraphs(text)]
    sentence_starts = [s.start for s in sentences(text)] if analysis.spans else []
    rows: list[dict[str, Any]] = [
        {
            "start": s.start,
            "end": s.end,
            "technique": s.technique,
            "category": s.category,
            "score": s.score,
            "tier": s.tier,
            "quoted": s.quoted,
            "speaker": s.speaker,
            "text": s.text,
            "paragraph": max(1, bisect_right(paragraph_starts, s.start)),
            "sentence": max(1, bisect_right(sentence_starts, s.start)),
        }
        for s in analysis.spans
    ]
    return _frame(pa.Table.from_pylist(rows, schema=_spans_schema()))


def _batch_folder(out: Path) -> dict[str, Any]:
    """The manifest of the batch run in ``out``; :class:`InputError` saying what to give."""
    from spinscope.batch.runner import MANIFEST, read_manifest

    fix = (
        "give the folder that spinscope batch wrote (spinscope batch INPUT -o FOLDER, or "
        "spinscope.batch.run_batch)"
    )
    if not out.exists():
        raise InputError(f"{str(out)!r} does not exist; {fix}.")
    if not out.is_dir():
        raise InputError(f"{str(out)!r} is a file, not a folder; {fix}.")
    if not (out / MANIFEST).is_file():
        raise InputError(
            f"{str(out)!r} is not the output folder of a spinscope batch run (it has no "
            f"{MANIFEST}); {fix}."
        )
    return read_manifest(out)


def read_batch(out: str | os.PathLike[str], *, text: bool = True) -> BatchTables:
    """The ``documents`` and ``spans`` tables of the ``spinscope batch`` run in ``out``.

    Reads the tables the run wrote, Parquet (``documents/``, ``spans/``) or JSON lines
    (``documents.jsonl``, ``spans.jsonl``), as ``spinscope report`` does
    (:func:`spinscope.batch.tables.read_rows`), into DataFrames with the column types of the
    batch tables' schemas (:func:`~spinscope.batch.tables.documents_schema`,
    :func:`~spinscope.batch.tables.spans_schema`), pyarrow-backed. ``text=False`` leaves out
    the documents' ``text`` column, the bulk of a large run.

    A run still going, or stopped before its end, is read as far as it got (its finished
    chunks), with a :class:`UserWarning`. Raises :class:`~spinscope.errors.InputError` when
    ``out`` is not the output folder of a batch run, and
    :class:`~spinscope.errors.MissingDependencyError` without the ``pandas`` extra.
    """
    _require_pandas("spinscope.read_batch()")
    import pyarrow as pa

    from spinscope.batch.tables import documents_schema, read_rows, spans_schema

    folder = Path(out)
    manifest = _batch_folder(folder)
    if not manifest.get("complete"):
        warnings.warn(
            f"the batch run in {str(folder)!r} is not complete: read only the chunks finished "
            "so far. Re-run the same spinscope batch command to finish it.",
            UserWarning,
            stacklevel=2,
        )
    doc_schema = documents_schema()
    if not text:
        doc_schema = pa.schema([f for f in doc_schema if f.name != "text"])
    tables = []
    for name, schema in (("documents", doc_schema), ("spans", spans_schema())):
        # every column but a left-out text: a column missing from an older run is left empty
        columns = schema.names if name == "documents" and not text else None
        rows = list(read_rows(folder, name, columns))
        tables.append(_frame(pa.Table.from_pylist(rows, schema=schema)))
    return BatchTables(*tables)
