"""Read a corpus into numbered records: folders of articles, JSONL, CSV and Parquet files.

Records come out in a fixed order (inputs as given; a folder's files sorted by relative path;
lines and rows in file order), each with a sequence number ``seq`` counted from 0 over all
inputs. The order, and so every chunk's content, is the same on every run over the same input:
that is what makes a batch run resumable and deterministic.

A record is a document to analyse, or a problem found while reading (a malformed JSONL line or
CSV row, a duplicate id): problems keep their place in the sequence so that they land in the same
chunk on every run. Folder files are only listed here; each is read by the worker that analyses
it (HTML extraction is work worth spreading).
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from spinscope.errors import InputError

__all__ = [
    "ARTICLE_SUFFIXES",
    "TABLE_SUFFIXES",
    "Fields",
    "Record",
    "count_records",
    "input_fingerprint",
    "iter_records",
]

#: Article files read from a folder (plain text or HTML).
ARTICLE_SUFFIXES = frozenset({".txt", ".html", ".htm"})
#: Tabular inputs, by suffix.
TABLE_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}

#: Columns tried, in order, for the outlet when ``--source-field`` is not given.
SOURCE_FIELDS = ("source", "outlet")


@dataclass(frozen=True)
class Fields:
    """Which columns (or JSON keys) hold the text, the id and the optional metadata.

    ``source=None`` takes the first of ``source`` and ``outlet`` that the input has.
    """

    text: str = "text"
    id: str = "id"
    source: str | None = None
    date: str = "date"
    url: str = "url"
    title: str = "title"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for the manifest)."""
        return asdict(self)


@dataclass(frozen=True)
class Record:
    """One numbered item of the input: a document, or a problem met while reading it.

    Exactly one of ``text`` (the article), ``path`` (a file the worker reads) and ``error``
    (why the item cannot be analysed) is set. ``line`` is the line number of a JSONL line or the
    first line of a CSV row (1-based), the row number of a Parquet row (1-based), ``None`` for a
    file of a folder.
    """

    seq: int
    input: str
    line: int | None
    id: str
    text: str | None = None
    path: str | None = None
    source: str | None = None
    date: str | None = None
    url: str | None = None
    title: str | None = None
    error: str | None = None
    error_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (records travel to Ray actors as JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        """Inverse of :meth:`to_dict`."""
        return cls(**data)


# ------------------------------------------------------------------------------- listing


def _kind(path: Path) -> str:
    if path.is_dir():
        return "folder"
    kind = TABLE_SUFFIXES.get(path.suffix.lower())
    if kind is not None:
        return kind
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        return "file"
    raise InputError(
        f"{str(path)!r}: unknown input type; give a folder of .txt/.html files, or a .jsonl, "
        ".csv or .parquet file."
    )


def _check_inputs(inputs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    if not inputs:
        raise InputError("give at least one input: a folder, or a .jsonl, .csv or .parquet file.")
    paths = [Path(p) for p in inputs]
    for p in paths:
        if not p.exists():
            raise InputError(f"{str(p)!r} does not exist. Check the path.")
        _kind(p)
    return paths


def _folder_files(folder: Path) -> list[Path]:
    """The article files under ``folder`` (recursively), sorted by relative path."""
    found = [
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file() and not p.name.startswith(".")
    ]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def input_fingerprint(inputs: Sequence[str | os.PathLike[str]], fields: Fields) -> dict[str, Any]:
    """What identifies the input of a run: each file's path, size and modification time.

    Sizes and modification times (not content hashes) keep this cheap on millions of articles;
    a file touched without changes counts as changed (``--overwrite`` starts over).
    """
    files = []
    for p in _check_inputs(inputs):
        listed = _folder_files(p) if p.is_dir() else [p]
        for f in listed:
            st = f.stat()
            files.append([str(f.resolve()), st.st_size, st.st_mtime_ns])
    return {"files": files, "fields": fields.to_dict()}


# ------------------------------------------------------------------------------- values


#: Lone UTF-16 surrogates: valid in JSON ("\ud800"), but no UTF-8 file can hold them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD (same length: offsets hold)."""
    return _SURROGATE.sub("\ufffd", text)


def _text_value(value: Any) -> str | None:
    """A metadata value as text (dates in ISO form); ``None`` when missing or blank."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from a CSV or Parquet null
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = _clean(str(value)).strip()
    return text or None


class _Mapper:
    """Turns one row (a dict) into a :class:`Record`, checking ids as it goes."""

    def __init__(self, fields: Fields, seen: dict[str, int]) -> None:
        self.fields = fields
        self.seen = seen
        #: what a generated id starts with: the input's label (see :func:`_labels`)
        self.label = ""

    def source_field(self, columns: Sequence[str]) -> str | None:
        if self.fields.source is not None:
            return self.fields.source
        return next((c for c in SOURCE_FIELDS if c in columns), None)

    def record(
        self,
        seq: int,
        name: str,
        line: int,
        row: Mapping[str, Any],
        source_field: str | None,
    ) -> Record:
        f = self.fields
        raw_id = _text_value(row.get(f.id))
        doc_id = raw_id if raw_id is not None else f"{self.label}-{line}"
        text = row.get(f.text)
        meta: dict[str, Any] = {
            "source": _text_value(row.get(source_field)) if source_field else None,
            "date": _text_value(row.get(f.date)),
            "url": _text_value(row.get(f.url)),
            "title": _text_value(row.get(f.title)),
        }
        if text is not None and not isinstance(text, str):
            return Record(
                seq,
                name,
                line,
                doc_id,
                error=f"field {f.text!r} is {type(text).__name__}, not text",
                error_code="bad_text",
                **meta,
            )
        duplicate = self.duplicate(doc_id, seq)
        if duplicate is not None:
            return Record(
                seq, name, line, doc_id, error=duplicate, error_code="duplicate_id", **meta
            )
        return Record(seq, name, line, doc_id, text=_clean(text) if text else "", **meta)

    def duplicate(self, doc_id: str, seq: int) -> str | None:
        """Why record ``seq`` may not use ``doc_id`` (taken earlier), or ``None`` (now it is)."""
        first = self.seen.get(doc_id)
        if first is not None:
            return f"duplicate id {doc_id!r} (first seen as record {first}); not analysed"
        self.seen[doc_id] = seq
        return None


def _missing_text(name: str, field_name: str, columns: Sequence[str]) -> InputError:
    found = ", ".join(repr(c) for c in columns) or "none"
    return InputError(
        f"{name}: no text column {field_name!r}; the columns found are: {found}. "
        "Name the text column with --text-field."
    )


def _json_problem(err: ValueError | RecursionError) -> str:
    """What is wrong with a JSON line, without the decoder's line number (always 1 or 2)."""
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg} at character {err.pos + 1}"
    if isinstance(err, RecursionError):
        return "arrays or objects nested too deeply"
    return str(err)


def _iter_jsonl(path: Path, name: str, mapper: _Mapper, start: int) -> Iterator[Record]:
    seq = start
    checked = False
    source_field: str | None = None
    try:
        handle = open(path, encoding="utf-8-sig", errors="replace", newline="")
    except OSError as err:
        raise InputError(f"{name!r} cannot be read ({err.strerror or err}).") from None
    with handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue  # blank lines separate nothing in JSON lines
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError(f"a JSON {type(row).__name__}, not an object")
            except (ValueError, RecursionError) as err:
                yield Record(
                    seq,
                    name,
                    line_no,
                    f"{mapper.label}-{line_no}",
                    error=f"malformed JSON line: {_json_problem(err)}",
                    error_code="malformed",
                )
                seq += 1
                continue
            if not checked:
                if mapper.fields.text not in row:
                    raise _missing_text(f"{name}:{line_no}", mapper.fields.text, list(row))
                source_field = mapper.source_field(list(row))
                checked = True
            yield mapper.record(seq, name, line_no, row, source_field)
            seq += 1


def _iter_csv(path: Path, name: str, mapper: _Mapper, start: int) -> Iterator[Record]:
    # Articles are long: lift the default 128 KiB field limit.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    seq = start
    try:
        handle = open(path, encoding="utf-8-sig", errors="replace", newline="")
    except OSError as err:
        raise InputError(f"{name!r} cannot be read ({err.strerror or err}).") from None
    with handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise InputError(f"{name}: the CSV header cannot be read ({err}).") from None
        columns = [c.strip() for c in header]
        if mapper.fields.text not in columns:
            raise _missing_text(name, mapper.fields.text, columns)
        source_field = mapper.source_field(columns)
        while True:
            first_line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                yield Record(
                    seq,
                    name,
                    first_line,
                    f"{mapper.label}-{first_line}",
                    error=f"malformed CSV row: {err}",
                    error_code="malformed",
                )
                seq += 1
                continue
            if not values:
                continue
            if len(values) != len(columns):
                yield Record(
                    seq,
                    name,
                    first_line,
                    f"{mapper.label}-{first_line}",
                    error=f"malformed CSV row: {len(values)} fields, the header has {len(columns)}",
                    error_code="malformed",
                )
                seq += 1
                continue
            yield mapper.record(
                seq, name, first_line, dict(zip(columns, values, strict=True)), source_field
            )
            seq += 1


def _iter_parquet(path: Path, name: str, mapper: _Mapper, start: int) -> Iterator[Record]:
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path)
        columns = list(handle.schema_arrow.names)
    except Exception as err:  # pyarrow raises its own types
        raise InputError(f"{name}: not a readable Parquet file ({err}).") from None
    if mapper.fields.text not in columns:
        raise _missing_text(name, mapper.fields.text, columns)
    source_field = mapper.source_field(columns)
    wanted = [
        c
        for c in dict.fromkeys(
            [
                mapper.fields.text,
                mapper.fields.id,
                source_field or "",
                mapper.fields.date,
                mapper.fields.url,
                mapper.fields.title,
            ]
        )
        if c in columns
    ]
    seq = start
    row_no = 0
    batches = handle.iter_batches(batch_size=1024, columns=wanted)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except Exception as err:  # a damaged page or row group: pyarrow's own types
            raise InputError(
                f"{name}: not a readable Parquet file; the rows after row {row_no} cannot be "
                f"read ({err})."
            ) from None
        for row in _parquet_rows(batch):
            row_no += 1
            if isinstance(row, str):
                yield Record(
                    seq,
                    name,
                    row_no,
                    f"{mapper.label}-{row_no}",
                    error=f"malformed Parquet row: {row}",
                    error_code="malformed",
                )
            else:
                yield mapper.record(seq, name, row_no, row, source_field)
            seq += 1


def _parquet_rows(batch: Any) -> list[dict[str, Any] | str]:
    """The rows of a record batch as dicts; a row Python cannot hold is why, as a string.

    A date or timestamp outside Python's range (year 0 or 10000) fails the conversion.
    """
    try:
        rows: list[dict[str, Any] | str] = batch.to_pylist()
        return rows
    except Exception:  # pyarrow's own types, OverflowError, ValueError
        pass
    out: list[dict[str, Any] | str] = []
    for i in range(batch.num_rows):
        try:
            out.append(batch.slice(i, 1).to_pylist()[0])
        except Exception as err:
            out.append(f"a value cannot be converted ({type(err).__name__}: {err})")
    return out


def _iter_folder(
    folder: Path,
    name: str,
    mapper: _Mapper,
    start: int,
    files: Sequence[Path] | None = None,
    *,
    prefix: bool = False,
) -> Iterator[Record]:
    seq = start
    for path in files if files is not None else _folder_files(folder):
        rel = path.relative_to(folder) if files is None else Path(path.name)
        if files is not None:  # a file given on its own
            doc_id = mapper.label
        elif prefix:
            doc_id = f"{mapper.label}/{rel.with_suffix('').as_posix()}"
        else:
            doc_id = rel.with_suffix("").as_posix()
        # a corpus filed by outlet (folder/<outlet>/<article>.txt) names its source
        source = rel.parts[0] if len(rel.parts) > 1 else None
        shown = str(Path(name) / rel) if files is None else name
        duplicate = mapper.duplicate(doc_id, seq)
        if duplicate is not None:
            yield Record(seq, shown, None, doc_id, error=duplicate, error_code="duplicate_id")
        else:
            yield Record(seq, shown, None, doc_id, path=str(path), source=source)
        seq += 1


def _labels(inputs: Sequence[str | os.PathLike[str]], paths: Sequence[Path]) -> list[str]:
    """How generated ids name each input: its name without suffix, unique among the inputs.

    Two inputs of the same name (``2023/data.jsonl``, ``2024/data.jsonl``) are named by their
    paths as given instead, so that ids made from them never collide.
    """
    names = [p.name if p.is_dir() else p.stem for p in paths]
    counts = Counter(names)
    out = []
    for raw, p, label in zip(inputs, paths, names, strict=True):
        if counts[label] > 1:
            given = Path(os.fspath(raw))
            label = (given if p.is_dir() else given.with_suffix("")).as_posix().strip("/")
        out.append(label)
    return out


def iter_records(
    inputs: Sequence[str | os.PathLike[str]], fields: Fields = Fields()
) -> Iterator[Record]:
    """Every record of ``inputs``, in order, numbered from 0.

    Raises :class:`~spinscope.errors.InputError` for an input that cannot be used at all (a
    missing path, an unknown type, no text column); problems with single lines or rows become
    records with ``error`` set.
    """
    paths = _check_inputs(inputs)
    mapper = _Mapper(fields, {})
    seq = 0
    for raw, p, label in zip(inputs, paths, _labels(inputs, paths), strict=True):
        name = os.fspath(raw)
        kind = _kind(p)
        mapper.label = label
        if kind == "folder":
            it = _iter_folder(p, name, mapper, seq, prefix=len(paths) > 1)
        elif kind == "file":
            it = _iter_folder(p.parent, name, mapper, seq, files=[p])
        elif kind == "jsonl":
            it = _iter_jsonl(p, name, mapper, seq)
        elif kind == "csv":
            it = _iter_csv(p, name, mapper, seq)
        else:
            it = _iter_parquet(p, name, mapper, seq)
        for record in it:
            yield record
            seq = record.seq + 1


def count_records(inputs: Sequence[str | os.PathLike[str]]) -> int | None:
    """About how many records ``inputs`` hold, cheaply (for the progress bar's ETA).

    JSONL counts non-blank lines, CSV counts lines (a row spanning lines counts more than
    once), Parquet reads the row count from the footer. ``None`` when it cannot tell.
    """
    total = 0
    try:
        for p in _check_inputs(inputs):
            kind = _kind(p)
            if kind == "folder":
                total += len(_folder_files(p))
            elif kind == "file":
                total += 1
            elif kind == "parquet":
                import pyarrow.parquet as pq

                total += pq.ParquetFile(p).metadata.num_rows
            else:
                with open(p, "rb") as handle:
                    lines = sum(1 for line in handle if line.strip())
                total += max(0, lines - (1 if kind == "csv" else 0))
    except Exception:  # only an estimate: the real reading reports the problem
        return None
    return total
