"""The worker side of a batch run: load the analyzer once, turn a chunk of records into rows.

The same :func:`analyse_chunk` runs in a local worker process, in the parent (one worker) and in
a Ray actor, so every engine produces the same rows for the same chunk. A document that cannot
be analysed (unreadable, or any error from the analyzer, expected or not) becomes a "failed"
row and an error entry; it never sinks its chunk.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spinscope.analyzer import Analyzer
from spinscope.batch.inputs import Record
from spinscope.batch.tables import (
    ChunkResult,
    document_row,
    empty_document_row,
    error_row,
    span_rows,
)
from spinscope.document import Document
from spinscope.errors import InputError, SpinscopeError

__all__ = ["analyse_chunk", "peak_rss_bytes"]


def peak_rss_bytes() -> int:
    """The peak resident memory of the calling process, in bytes (0 where unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _document(record: Record) -> Document:
    """The record's article; reads a folder's file here, in the worker."""
    if record.path is None:
        return Document(record.id, record.text or "")
    from spinscope.ingest import read_file
    from spinscope.ingest.text import read_bytes

    data = read_bytes(Path(record.path))
    if not data.strip():
        return Document(record.id, "")
    doc = read_file(record.path, data=data)  # read once
    return Document(record.id, doc.text, doc.metadata)


def _metadata(record: Record, doc: Document) -> dict[str, Any]:
    meta = dict(doc.metadata)
    meta.pop("source", None)  # the file path, which the row has as input
    for key in ("title", "url", "date"):
        value = getattr(record, key)
        if value is not None:
            meta[key] = value
    return meta


def _reason(err: Exception) -> str:
    """Why a document failed: spinscope's own message, or the exception's type and text."""
    return err.message if isinstance(err, SpinscopeError) else f"{type(err).__name__}: {err}"


def analyse_chunk(
    analyzer: Analyzer, chunk: int, records: Sequence[Record], language: str | None = None
) -> ChunkResult:
    """Analyse one chunk of records, in ``seq`` order, into its rows.

    ``language`` is the ISO 639-1 code of every record (default: detected for each).
    """
    result = ChunkResult(chunk, len(records), worker=f"{socket.gethostname()}:{os.getpid()}")
    docs: list[tuple[Record, Document]] = []
    rows: dict[int, dict[str, Any]] = {}
    spans: dict[int, list[dict[str, Any]]] = {}
    for record in records:
        if record.error is not None:
            result.errors.append(error_row(record, record.error_code or "input", record.error))
            continue
        try:
            doc = _document(record)
        except Exception as err:  # recorded for this document, whatever it is
            reason = _reason(err)
            rows[record.seq] = empty_document_row(record, "failed", reason)
            result.errors.append(error_row(record, "unreadable", reason))
            continue
        if not doc.text.strip():
            rows[record.seq] = empty_document_row(
                record, "skipped", "empty document: no text to analyse", doc.text
            )
            continue
        docs.append((record, Document(doc.id, doc.text, _metadata(record, doc))))
    analyses: list[Any]
    try:
        analyses = analyzer.analyze_many([d for _, d in docs], language=language) if docs else []
    except Exception:
        # one bad document must not sink the others: analyse them one by one
        analyses = []
        for _, doc in docs:
            try:
                analyses.append(analyzer.analyze(doc, language=language))
            except Exception as err:  # recorded for this document, whatever it is
                analyses.append(err)
    for (record, doc), analysis in zip(docs, analyses, strict=True):
        if isinstance(analysis, Exception):
            reason = _reason(analysis)
            rows[record.seq] = empty_document_row(record, "failed", reason, doc.text)
            code = "input" if isinstance(analysis, InputError) else "analysis_failed"
            result.errors.append(error_row(record, code, reason))
            continue
        rows[record.seq] = document_row(record, analysis)
        spans[record.seq] = span_rows(record, analysis)
    for seq in sorted(rows):
        result.documents.append(rows[seq])
        result.spans.extend(spans.get(seq, []))
    result.errors.sort(key=lambda e: e["seq"])
    result.peak_rss = peak_rss_bytes()
    return result
