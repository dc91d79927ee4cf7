"""The output tables of a batch run: their rows, fixed Arrow schemas, and atomic chunk writers.

Rows are plain dicts, built in the workers from each :class:`~spinscope.analysis.Analysis`, so
that every engine sends the same values back to the one writer. The Arrow schemas are fixed here
so that an empty chunk, a chunk of skipped documents and a chunk from another engine all have
the same column types.

Layout of an output folder (``N`` is the chunk number, 8 digits)::

    manifest.json                    what the run is and which chunks are done
    documents/part-N.parquet         --format parquet: the tables, one file per chunk
    spans/part-N.parquet
    errors.jsonl                     every input problem, merged when the run completes
    _parts/errors/part-N.jsonl       per-chunk errors while the run is going
    _parts/documents/part-N.jsonl    --format jsonl: per-chunk parts, merged into
    _parts/spans/part-N.jsonl        documents.jsonl and spans.jsonl when the run completes

Every file is written under a temporary name in the same folder, flushed to disk and renamed
(``os.replace``), so a reader never sees half a file, even after ``kill -9``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinscope.taxonomy import CATEGORIES

if TYPE_CHECKING:
    import pyarrow as pa

    from spinscope.analysis import Analysis
    from spinscope.batch.inputs import Record

__all__ = [
    "CATEGORY_COLUMNS",
    "FORMATS",
    "TABLES_VERSION",
    "ChunkResult",
    "ChunkWriter",
    "document_row",
    "documents_schema",
    "empty_document_row",
    "error_row",
    "read_rows",
    "span_rows",
    "spans_schema",
]

FORMATS = ("parquet", "jsonl")

#: One count column per technique category, e.g. ``category_attack_on_reputation``.
CATEGORY_COLUMNS = {c: "category_" + c.lower().replace(" ", "_") for c in CATEGORIES}

PARTS = "_parts"

#: The layout of the tables; bumped when a column is added, removed or changed, so that a run
#: is never resumed into tables of another layout (2: the documents' ``language``).
TABLES_VERSION = 2


def _part(chunk: int, suffix: str) -> str:
    return f"part-{chunk:08d}{suffix}"


# ------------------------------------------------------------------------------- schemas


def documents_schema() -> pa.Schema:
    """The Arrow schema of the ``documents`` table."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("seq", pa.int64()),
            ("input", pa.string()),
            ("line", pa.int64()),
            ("source", pa.string()),
            ("date", pa.string()),
            ("url", pa.string()),
            ("title", pa.string()),
            ("status", pa.string()),
            ("reason", pa.string()),
            ("language", pa.string()),
            ("n_chars", pa.int64()),
            ("n_words", pa.int64()),
            ("n_sentences", pa.int64()),
            ("n_spans", pa.int64()),
            ("n_author_spans", pa.int64()),
            ("n_quoted_spans", pa.int64()),
            ("n_possible_spans", pa.int64()),
            ("density", pa.float64()),
            ("sentence_share", pa.float64()),
            ("charge", pa.float64()),
            ("charge_density", pa.float64()),
            ("techniques", pa.list_(pa.string())),
            *((name, pa.int64()) for name in CATEGORY_COLUMNS.values()),
            ("genre", pa.string()),
            ("genre_confidence", pa.float64()),
            ("frames", pa.list_(pa.string())),
            ("warning_codes", pa.list_(pa.string())),
            (
                "warnings",
                pa.list_(pa.struct([("code", pa.string()), ("message", pa.string())])),
            ),
            ("text", pa.large_string()),
        ]
    )


def spans_schema() -> pa.Schema:
    """The Arrow schema of the ``spans`` table."""
    import pyarrow as pa

    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("seq", pa.int64()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("technique", pa.string()),
            ("category", pa.string()),
            ("score", pa.float64()),
            ("quoted", pa.bool_()),
            ("scare_quote", pa.bool_()),
            ("speaker", pa.string()),
            ("text", pa.string()),
            ("detector", pa.string()),
            ("evidence", pa.string()),
            ("tier", pa.string()),
        ]
    )


# ------------------------------------------------------------------------------- rows


def _base(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "seq": record.seq,
        "input": record.input,
        "line": record.line,
        "source": record.source,
        "date": record.date,
        "url": record.url,
        "title": record.title,
    }


def empty_document_row(record: Record, status: str, reason: str, text: str = "") -> dict[str, Any]:
    """The row of a document that was not analysed (``status`` "skipped" or "failed")."""
    row = _base(record)
    row.update(
        status=status,
        reason=reason,
        language=None,
        n_chars=len(text),
        n_words=0,
        n_sentences=0,
        n_spans=0,
        n_author_spans=0,
        n_quoted_spans=0,
        n_possible_spans=0,
        density=0.0,
        sentence_share=0.0,
        charge=0.0,
        charge_density=0.0,
        techniques=[],
        genre=None,
        genre_confidence=None,
        frames=[],
        warning_codes=[],
        warnings=[],
        text=text,
    )
    row.update({name: 0 for name in CATEGORY_COLUMNS.values()})
    return row


def document_row(record: Record, analysis: Analysis) -> dict[str, Any]:
    """The ``documents`` row of an analysed article.

    ``language`` is the article's ISO 639-1 code (``None`` when unknown); ``density`` is spans
    per 1,000 words; ``charge`` is the sum of the scores of the author's own spans (outside
    quotations), and ``charge_density`` that sum per 1,000 words.
    """
    summary = analysis.summary
    words = analysis.language_check.words
    charge = sum(s.score for s in analysis.author_spans)
    row = _base(record)
    # metadata found in the article itself (an HTML page's title) fills what the input lacks
    row["title"] = row["title"] or analysis.title
    row["url"] = row["url"] or analysis.url
    if row["date"] is None and analysis.metadata.get("date"):
        row["date"] = str(analysis.metadata["date"])
    if row["source"] is None and analysis.metadata.get("sitename"):
        row["source"] = str(analysis.metadata["sitename"])
    row.update(
        status="ok",
        reason=None,
        language=analysis.language,
        n_chars=len(analysis.text),
        n_words=words,
        n_sentences=summary.sentences,
        n_spans=summary.spans,
        n_author_spans=summary.author_spans,
        n_quoted_spans=summary.quoted_spans,
        n_possible_spans=summary.possible_spans,
        density=1000.0 * summary.spans / words if words else 0.0,
        sentence_share=summary.sentence_share,
        charge=charge,
        charge_density=1000.0 * charge / words if words else 0.0,
        techniques=[t for t in analysis.techniques if t in summary.by_technique],
        genre=analysis.genre.label if analysis.genre is not None else None,
        genre_confidence=analysis.genre.confidence if analysis.genre is not None else None,
        frames=[f.frame for f in analysis.selected_frames],
        warning_codes=[w.code for w in analysis.warnings],
        warnings=[{"code": w.code, "message": w.message} for w in analysis.warnings],
        text=analysis.text,
    )
    row.update({name: int(summary.by_category.get(c, 0)) for c, name in CATEGORY_COLUMNS.items()})
    return row


def span_rows(record: Record, analysis: Analysis) -> list[dict[str, Any]]:
    """The ``spans`` rows of an analysed article, in offset order."""
    return [
        {
            "doc_id": record.id,
            "seq": record.seq,
            "start": s.start,
            "end": s.end,
            "technique": s.technique,
            "category": s.category,
            "score": s.score,
            "quoted": s.quoted,
            "scare_quote": s.scare_quote,
            "speaker": s.speaker,
            "text": s.text,
            "detector": s.source,
            "evidence": s.evidence,
            "tier": s.tier,
        }
        for s in analysis.spans
    ]


def error_row(record: Record, code: str, reason: str) -> dict[str, Any]:
    """An ``errors.jsonl`` entry: where the problem is (input, line) and what it is."""
    return {
        "seq": record.seq,
        "input": record.input,
        "line": record.line,
        "id": record.id,
        "code": code,
        "reason": reason,
    }


@dataclass
class ChunkResult:
    """What a worker returns for one chunk: its rows, and who computed them."""

    chunk: int
    records: int = 0
    documents: list[dict[str, Any]] = field(default_factory=list)
    spans: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    worker: str = ""
    peak_rss: int = 0

    def to_json(self) -> str:
        """Serialise (floats round-trip exactly through JSON)."""
        return json.dumps(self.__dict__, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> ChunkResult:
        """Inverse of :meth:`to_json`."""
        return cls(**json.loads(raw))


# ------------------------------------------------------------------------------- writing


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _jsonl(rows: Sequence[Mapping[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def _parquet_bytes(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(rows), schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


class ChunkWriter:
    """Writes each chunk's parts atomically, and merges them when the run completes."""

    def __init__(self, out: Path, fmt: str) -> None:
        self.out = out
        self.fmt = fmt

    def clean_temporary(self) -> None:
        """Remove temporary files left by a run that was killed while writing."""
        for folder in (
            self.out,
            self.out / "documents",
            self.out / "spans",
            *(self.out / PARTS / t for t in ("documents", "spans", "errors")),
        ):
            if folder.is_dir():
                for tmp in folder.glob(".*.tmp"):
                    tmp.unlink(missing_ok=True)

    def write(self, result: ChunkResult) -> None:
        """Write one chunk's three parts (each atomically)."""
        n = result.chunk
        if self.fmt == "parquet":
            atomic_write_bytes(
                self.out / "documents" / _part(n, ".parquet"),
                _parquet_bytes(result.documents, documents_schema()),
            )
            atomic_write_bytes(
                self.out / "spans" / _part(n, ".parquet"),
                _parquet_bytes(result.spans, spans_schema()),
            )
        else:
            atomic_write_bytes(
                self.out / PARTS / "documents" / _part(n, ".jsonl"), _jsonl(result.documents)
            )
            atomic_write_bytes(
                self.out / PARTS / "spans" / _part(n, ".jsonl"), _jsonl(result.spans)
            )
        atomic_write_bytes(self.out / PARTS / "errors" / _part(n, ".jsonl"), _jsonl(result.errors))

    def _merge(self, kind: str, chunks: Sequence[int], target: Path) -> None:
        tmp = target.with_name(f".{target.name}.tmp")
        with open(tmp, "wb") as out:
            for n in chunks:
                with open(self.out / PARTS / kind / _part(n, ".jsonl"), "rb") as part:
                    shutil.copyfileobj(part, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)

    def finish(self, chunks: Sequence[int]) -> None:
        """Merge the per-chunk parts into ``errors.jsonl`` (and the JSONL tables)."""
        if self.fmt == "jsonl":
            self._merge("documents", chunks, self.out / "documents.jsonl")
            self._merge("spans", chunks, self.out / "spans.jsonl")
        self._merge("errors", chunks, self.out / "errors.jsonl")

    def remove_parts(self) -> None:
        """Drop the merged parts (after the manifest says the run is complete)."""
        shutil.rmtree(self.out / PARTS, ignore_errors=True)

    def remove_outputs(self) -> None:
        """Remove everything a run writes (``--overwrite``)."""
        for name in ("documents", "spans", PARTS):
            shutil.rmtree(self.out / name, ignore_errors=True)
        for name in ("documents.jsonl", "spans.jsonl", "errors.jsonl"):
            (self.out / name).unlink(missing_ok=True)


# ------------------------------------------------------------------------------- reading


def read_rows(
    out: Path, table: str, columns: Sequence[str] | None = None
) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` ("documents" or "spans") of a finished run, in ``seq`` order.

    Reads the Parquet dataset (``out/table/``) or the JSONL file (``out/table.jsonl``),
    whichever the run wrote; ``columns`` limits what is read from Parquet.
    """
    folder = out / table
    if folder.is_dir() and any(folder.glob("part-*.parquet")):
        import pyarrow.parquet as pq

        for path in sorted(folder.glob("part-*.parquet")):
            part = pq.ParquetFile(path)
            for batch in part.iter_batches(
                batch_size=1024, columns=list(columns) if columns is not None else None
            ):
                yield from batch.to_pylist()
        return
    path = out / f"{table}.jsonl"
    if not path.is_file():
        from spinscope.errors import InputError

        raise InputError(
            f"{str(out)!r} has no {table} table (neither {table}/ nor {table}.jsonl); "
            "give the output folder of a finished spinscope batch run."
        )
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                yield {c: row.get(c) for c in columns} if columns is not None else row
