r"""The official SemEval label and submission file formats: readers and writers.

All formats are tab-separated, one record a line:

* SI (PTC span identification): ``id \t start \t end``;
* FLC / TC (PTC technique spans, SemEval-2023 span files): ``id \t technique \t start \t end``;
* PTC TC template: ``id \t technique-or-? \t start \t end``;
* SemEval-2023 subtask 1: ``id \t genre``;
* SemEval-2023 subtask 2: ``id \t frame1,frame2,...`` (the frames may be empty);
* SemEval-2023 subtask 3: ``id \t paragraph \t tech1,tech2,...`` (the techniques may be empty);
* SemEval-2023 subtask-3 template: ``id \t paragraph \t paragraph text``.

Offsets are character offsets, start inclusive, end exclusive. A reader's ``path`` may be a file
or a folder. In a folder, the readers of label files read every regular file whose name ends
in ``.labels`` or ``.txt`` (so ``.template`` files are skipped), :func:`read_template` reads the
files ending in ``.template`` and :func:`read_tc_template` those ending in ``.template`` or
``.out``. Hidden files (name starting with ``.``, such as a writer's temporary file) are
skipped. Files are read in order of name and their records concatenated.

Readers ignore blank lines, a UTF-8 byte-order mark at the start of a file, and a ``\r``
before a line's ``\n`` (the non-English SemEval-2023 span files use CRLF). The paragraph text of
a template is kept verbatim, ``\r`` included, because it is the article's line. Any other
deviation raises :class:`~spinscope.errors.LabelFormatError` naming file and line, and an
unknown technique raises :class:`~spinscope.errors.UnknownTechniqueError` listing the valid
names, with ``file:line`` in its message.

Writers write UTF-8 with ``\n`` line ends, create missing parent folders, and replace the
target atomically (a temporary file in the same folder, then :func:`os.replace`), so a reader
never sees a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

from spinscope.errors import InputError, LabelFormatError, UnknownTechniqueError
from spinscope.taxonomy import FRAMES, GENRES, TECHNIQUES, TECHNIQUES_2020

__all__ = [
    "LABEL_SUFFIXES",
    "TC_TEMPLATE_SUFFIXES",
    "TEMPLATE_SUFFIXES",
    "Taxonomy",
    "label_files",
    "read_flc",
    "read_si",
    "read_st1",
    "read_st2",
    "read_st3",
    "read_tc_template",
    "read_template",
    "valid_techniques",
    "write_flc",
    "write_si",
    "write_st1",
    "write_st2",
    "write_st3",
    "write_text_atomic",
]

#: Which technique names a reader accepts: ``"semeval2023"`` (23 techniques),
#: ``"semeval2020"`` (14 PTC classes), ``"auto"`` (a name valid in either) or ``None`` (any).
Taxonomy = Literal["auto", "semeval2023", "semeval2020"] | None

#: File name endings read from a folder by the label-file readers.
LABEL_SUFFIXES: tuple[str, ...] = (".labels", ".txt")
#: File name endings read from a folder by :func:`read_template`.
TEMPLATE_SUFFIXES: tuple[str, ...] = (".template",)
#: File name endings read from a folder by :func:`read_tc_template` (PTC named its template
#: ``dev-task-TC-template.out``).
TC_TEMPLATE_SUFFIXES: tuple[str, ...] = (".template", ".out")

_TAXONOMIES: dict[str, tuple[str, ...]] = {
    "semeval2023": TECHNIQUES,
    "semeval2020": TECHNIQUES_2020,
    "auto": TECHNIQUES + tuple(t for t in TECHNIQUES_2020 if t not in TECHNIQUES),
}
_INT = re.compile(r"-?[0-9]+")
_BOM = "\ufeff"

Row = tuple[Path, int, list[str]]


# --------------------------------------------------------------------------- reading helpers


def valid_techniques(taxonomy: Taxonomy) -> tuple[str, ...] | None:
    """Return the technique names ``taxonomy`` accepts, or ``None`` when it accepts any."""
    if taxonomy is None:
        return None
    try:
        return _TAXONOMIES[taxonomy]
    except KeyError:
        raise InputError(
            f"unknown taxonomy {taxonomy!r}; use one of: {', '.join(_TAXONOMIES)} (or None to "
            f"accept any technique name)."
        ) from None


def label_files(path: str | Path, suffixes: Sequence[str] = LABEL_SUFFIXES) -> list[Path]:
    """Return the files read for ``path``: the file itself, or a folder's matching files.

    A folder yields its regular, non-hidden files whose names end in one of ``suffixes``,
    sorted by name. Raises :class:`~spinscope.errors.InputError` when ``path`` does not exist
    or a folder holds no such file.
    """
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.exists():
        raise InputError(f"label path {str(p)!r} does not exist. Check the path.")
    if not p.is_dir():
        raise InputError(f"label path {str(p)!r} is neither a file nor a folder.")
    ends = tuple(suffixes)
    files = sorted(
        (
            f
            for f in p.iterdir()
            if f.is_file() and not f.name.startswith(".") and f.name.endswith(ends)
        ),
        key=lambda f: f.name,
    )
    if not files:
        raise InputError(
            f"label folder {str(p)!r} holds no file ending in {' or '.join(ends)}. "
            f"Pass a label file, or the folder that holds the label files."
        )
    return files


def _read_text(path: Path) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as err:
        raise InputError(
            f"label file {str(path)!r} is not valid UTF-8 (tried encoding 'utf-8'; byte "
            f"{err.start}). Re-save it as UTF-8."
        ) from None
    except OSError as err:
        raise InputError(f"label file {str(path)!r} cannot be read: {err.strerror}.") from None
    return text[1:] if text.startswith(_BOM) else text


def _lines(path: str | Path, suffixes: Sequence[str], *, text_last: bool = False) -> Iterator[Row]:
    r"""Yield ``(file, line number, tab-separated fields)`` for every non-blank line.

    With ``text_last`` (st3 templates) the third field is the rest of the line, verbatim: the
    paragraph text may itself hold tabs, and ends in ``\r`` where the article's line does.
    """
    for file in label_files(path, suffixes):
        for number, line in enumerate(_read_text(file).split("\n"), start=1):
            if not text_last and line.endswith("\r"):
                line = line[:-1]
            if not line.strip():
                continue
            yield file, number, line.split("\t", 2) if text_last else line.split("\t")


def _fields(row: Row, counts: tuple[int, ...], layout: str) -> list[str]:
    file, number, fields = row
    if len(fields) not in counts:
        want = " or ".join(str(c) for c in counts)
        raise LabelFormatError(
            file, number, f"expected {want} tab-separated fields ({layout}), got {len(fields)}"
        )
    if not fields[0].strip():
        raise LabelFormatError(file, number, f"the article id is empty ({layout})")
    return fields


def _int(row: Row, value: str, name: str, minimum: int = 0) -> int:
    file, number, _ = row
    if not _INT.fullmatch(value):
        raise LabelFormatError(file, number, f"{name} {value!r} is not an integer")
    try:
        result = int(value)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise LabelFormatError(
            file, number, f"{name} {value[:20]}... has {len(value):,} digits, too many"
        ) from None
    if result < minimum:
        problem = "negative" if minimum == 0 else f"less than {minimum}"
        raise LabelFormatError(file, number, f"{name} {result} is {problem}")
    return result


def _offsets(row: Row, start: str, end: str) -> tuple[int, int]:
    s, e = _int(row, start, "start offset"), _int(row, end, "end offset")
    if s > e:
        raise LabelFormatError(row[0], row[1], f"start offset {s} is after end offset {e}")
    return s, e


def _technique(row: Row, name: str, taxonomy: Taxonomy) -> str:
    valid = valid_techniques(taxonomy)
    if not name:
        raise LabelFormatError(row[0], row[1], "the technique name is empty")
    if valid is not None and name not in valid:
        raise UnknownTechniqueError(name, valid, f"{row[0]}:{row[1]}")
    return name


def _split_techniques(row: Row, cell: str, taxonomy: Taxonomy) -> tuple[str, ...]:
    """Split a comma-separated technique list; 2020 class names contain commas themselves."""
    if not cell:
        return ()
    valid = valid_techniques(taxonomy)
    pieces = cell.split(",")
    out: list[str] = []
    i = 0
    while i < len(pieces):
        take = 1
        if valid is not None:
            for k in (3, 2):
                if i + k <= len(pieces) and ",".join(pieces[i : i + k]) in valid:
                    take = k
                    break
        out.append(_technique(row, ",".join(pieces[i : i + take]), taxonomy))
        i += take
    return tuple(out)


# --------------------------------------------------------------------------------- readers


def read_si(path: str | Path) -> list[tuple[str, int, int]]:
    """Read SI spans: ``(article id, start, end)`` rows."""
    out = []
    for row in _lines(path, LABEL_SUFFIXES):
        art, start, end = _fields(row, (3,), "id, start, end")
        out.append((art, *_offsets(row, start, end)))
    return out


def read_flc(path: str | Path, taxonomy: Taxonomy = "auto") -> list[tuple[str, str, int, int]]:
    """Read technique spans: ``(article id, technique, start, end)`` rows.

    The format of PTC's FLC/TC labels and of the SemEval-2023 span files.
    """
    valid_techniques(taxonomy)  # a bad taxonomy fails even on an empty file
    out = []
    for row in _lines(path, LABEL_SUFFIXES):
        art, tech, start, end = _fields(row, (4,), "id, technique, start, end")
        out.append((art, _technique(row, tech, taxonomy), *_offsets(row, start, end)))
    return out


def read_tc_template(
    path: str | Path, taxonomy: Taxonomy = "auto"
) -> list[tuple[str, str, int, int]]:
    """Read a PTC TC template: ``(article id, technique or "?", start, end)`` rows."""
    valid_techniques(taxonomy)  # a bad taxonomy fails even on an empty file
    out = []
    for row in _lines(path, TC_TEMPLATE_SUFFIXES):
        art, tech, start, end = _fields(row, (4,), "id, technique or ?, start, end")
        if tech != "?":
            tech = _technique(row, tech, taxonomy)
        out.append((art, tech, *_offsets(row, start, end)))
    return out


def read_st3(
    path: str | Path, taxonomy: Taxonomy = "auto"
) -> list[tuple[str, int, tuple[str, ...]]]:
    """Read subtask-3 labels: ``(article id, paragraph number, techniques)`` rows.

    The technique column may be empty or missing (no technique in that paragraph). A
    paragraph given twice for the same article is an error.
    """
    valid_techniques(taxonomy)  # a bad taxonomy fails even on an empty file
    out = []
    seen: dict[tuple[str, int], int] = {}
    for row in _lines(path, LABEL_SUFFIXES):
        fields = _fields(row, (2, 3), "id, paragraph, techniques")
        para = _int(row, fields[1], "paragraph number", minimum=1)
        key = (fields[0], para)
        if key in seen:
            raise LabelFormatError(
                row[0],
                row[1],
                f"paragraph {para} of article {fields[0]} was already given at line {seen[key]}",
            )
        seen[key] = row[1]
        techs = _split_techniques(row, fields[2] if len(fields) == 3 else "", taxonomy)
        out.append((fields[0], para, techs))
    return out


def read_template(path: str | Path) -> list[tuple[str, int, str]]:
    r"""Read a subtask-3 template: ``(article id, paragraph number, paragraph text)`` rows.

    The text is kept as in the file, tabs and a trailing ``\r`` included: it is the article's
    line, and CRLF articles keep their ``\r`` in it.
    """
    out = []
    for row in _lines(path, TEMPLATE_SUFFIXES, text_last=True):
        art, para, text = _fields(row, (3,), "id, paragraph, text")
        out.append((art, _int(row, para, "paragraph number", minimum=1), text))
    return out


def read_st1(path: str | Path) -> dict[str, str]:
    """Read subtask-1 labels: article id -> genre (one of :data:`~spinscope.taxonomy.GENRES`)."""
    out: dict[str, str] = {}
    where: dict[str, int] = {}
    for row in _lines(path, LABEL_SUFFIXES):
        art, genre = _fields(row, (2,), "id, genre")
        if genre not in GENRES:
            raise LabelFormatError(
                row[0], row[1], f"unknown genre {genre!r}; valid genres are: {', '.join(GENRES)}"
            )
        _check_new(row, art, where)
        out[art] = genre
    return out


def read_st2(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Read subtask-2 labels: article id -> frames (possibly none).

    Frames must be in :data:`~spinscope.taxonomy.FRAMES`; the frame column may be empty or
    missing.
    """
    out: dict[str, tuple[str, ...]] = {}
    where: dict[str, int] = {}
    for row in _lines(path, LABEL_SUFFIXES):
        fields = _fields(row, (1, 2), "id, frames")
        frames = tuple(fields[1].split(",")) if len(fields) == 2 and fields[1] else ()
        for frame in frames:
            if frame not in FRAMES:
                raise LabelFormatError(
                    row[0],
                    row[1],
                    f"unknown frame {frame!r}; valid frames are: {', '.join(FRAMES)}",
                )
        _check_new(row, fields[0], where)
        out[fields[0]] = frames
    return out


def _check_new(row: Row, art: str, where: dict[str, int]) -> None:
    if art in where:
        raise LabelFormatError(
            row[0], row[1], f"article {art} was already labelled at line {where[art]}"
        )
    where[art] = row[1]


# --------------------------------------------------------------------------------- writers


def _bad(path: Path, index: int, problem: str) -> LabelFormatError:
    return LabelFormatError(path, index, f"cannot write row {index}: {problem}")


def _cell(path: Path, index: int, value: object, name: str, *, commas: bool = True) -> str:
    # what the readers could not read back: a blank cell, a BOM (dropped at the file's
    # start), a lone surrogate (no UTF-8 file holds one)
    if not isinstance(value, str) or not value.strip():
        raise _bad(path, index, f"{name} must be a non-empty string, got {value!r}")
    if value.startswith("\ufeff"):
        raise _bad(path, index, f"{name} {value!r} starts with a byte-order mark")
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise _bad(path, index, f"{name} {value!r} holds a lone surrogate, which UTF-8 cannot")
    if any(c in value for c in "\t\n\r") or (not commas and "," in value):
        forbidden = "a tab, newline" if commas else "a tab, newline, comma"
        raise _bad(path, index, f"{name} {value!r} contains {forbidden} or carriage return")
    return value


def _offset(path: Path, index: int, value: object, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(path, index, f"{name} must be a non-negative int, got {value!r}")
    return str(value)


def _span_cells(path: Path, index: int, start: object, end: object) -> list[str]:
    cells = [_offset(path, index, start, "start"), _offset(path, index, end, "end")]
    if int(cells[0]) > int(cells[1]):
        raise _bad(path, index, f"start {start} is after end {end}")
    return cells


def _checked_technique(path: Path, index: int, name: object, taxonomy: Taxonomy) -> str:
    tech = _cell(path, index, name, "technique")
    valid = valid_techniques(taxonomy)
    if valid is not None and tech not in valid:
        raise UnknownTechniqueError(tech, valid, f"row {index} written to {path}")
    return tech


def _write_atomic(path: str | Path, lines: Iterable[str]) -> None:
    """Write ``lines`` (each without its line end) to ``path`` via a temporary file."""
    write_text_atomic(path, "".join(f"{line}\n" for line in lines))


def write_text_atomic(path: str | Path, data: str) -> None:
    """Write ``data`` (UTF-8, line ends as given) to ``path`` atomically.

    Through a temporary file in the same folder, flushed to disk, then :func:`os.replace`: a
    reader sees the old file or the new one, never half of one, even if the process dies.
    Raises :class:`~spinscope.errors.InputError` naming the path when it cannot be written.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise InputError(f"cannot write {str(target)!r}: {err.strerror}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file private (0600); give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError):
            raise InputError(f"cannot write {str(target)!r}: {err.strerror}.") from None
        raise


def write_si(path: str | Path, rows: Iterable[tuple[str, int, int]]) -> None:
    r"""Write SI spans, one ``id \t start \t end`` line per row."""
    p = Path(path)
    lines = []
    for i, (art, start, end) in enumerate(rows, start=1):
        lines.append("\t".join([_cell(p, i, art, "article id"), *_span_cells(p, i, start, end)]))
    _write_atomic(p, lines)


def write_flc(
    path: str | Path, rows: Iterable[tuple[str, str, int, int]], taxonomy: Taxonomy = "auto"
) -> None:
    r"""Write technique spans, one ``id \t technique \t start \t end`` line per row."""
    valid_techniques(taxonomy)  # a bad taxonomy fails even on an empty file
    p = Path(path)
    lines = []
    for i, (art, tech, start, end) in enumerate(rows, start=1):
        cells = [_cell(p, i, art, "article id"), _checked_technique(p, i, tech, taxonomy)]
        lines.append("\t".join([*cells, *_span_cells(p, i, start, end)]))
    _write_atomic(p, lines)


def write_st3(
    path: str | Path,
    rows: Iterable[tuple[str, int, Sequence[str]]],
    taxonomy: Taxonomy = "auto",
) -> None:
    r"""Write subtask-3 labels, one ``id \t paragraph \t tech1,tech2`` line per row.

    A paragraph without techniques gets an empty last column, as in the official files.
    """
    valid = valid_techniques(taxonomy)  # a bad taxonomy fails even on an empty file
    p = Path(path)
    lines = []
    seen: dict[tuple[str, int], int] = {}
    for i, (art, para, techs) in enumerate(rows, start=1):
        art_id = _cell(p, i, art, "article id")
        if isinstance(para, bool) or not isinstance(para, int) or para < 1:
            raise _bad(p, i, f"paragraph must be an int >= 1, got {para!r}")
        if (art_id, para) in seen:  # read_st3 refuses a paragraph given twice
            raise _bad(
                p, i, f"paragraph {para} of article {art_id} is row {seen[art_id, para]} too"
            )
        seen[art_id, para] = i
        if isinstance(techs, str):
            raise _bad(p, i, f"techniques must be a sequence of names, got the string {techs!r}")
        names = [_checked_technique(p, i, t, taxonomy) for t in techs]
        for name in names:
            # Only the 2020 class names may hold a comma, and only where the taxonomy knows
            # them: the reader joins pieces back into the names it knows, and splits the rest.
            if "," in name and (valid is None or name not in TECHNIQUES_2020):
                raise _bad(p, i, f"technique {name!r} contains a comma")
        lines.append(f"{art_id}\t{para}\t{','.join(names)}")
    _write_atomic(p, lines)


def write_st1(path: str | Path, labels: Mapping[str, str]) -> None:
    r"""Write subtask-1 labels, one ``id \t genre`` line per article."""
    p = Path(path)
    lines = []
    for i, (art, genre) in enumerate(labels.items(), start=1):
        if genre not in GENRES:
            raise _bad(p, i, f"unknown genre {genre!r}; valid genres are: {', '.join(GENRES)}")
        lines.append(f"{_cell(p, i, art, 'article id')}\t{genre}")
    _write_atomic(p, lines)


def write_st2(path: str | Path, labels: Mapping[str, Sequence[str]]) -> None:
    r"""Write subtask-2 labels, one ``id \t frame1,frame2`` line per article (may be empty)."""
    p = Path(path)
    lines = []
    for i, (art, frames) in enumerate(labels.items(), start=1):
        if isinstance(frames, str):
            raise _bad(p, i, f"frames must be a sequence of names, got the string {frames!r}")
        for frame in frames:
            if frame not in FRAMES:
                raise _bad(p, i, f"unknown frame {frame!r}; valid frames are: {', '.join(FRAMES)}")
        lines.append(f"{_cell(p, i, art, 'article id')}\t{','.join(frames)}")
    _write_atomic(p, lines)
