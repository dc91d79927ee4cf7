r"""Label Studio round trip: analyses out as pre-annotated tasks, annotations back as a folder.

**Export.** :func:`analyses_to_tasks` turns analyses into Label Studio tasks in its documented
import format for pre-annotations (https://labelstud.io/guide/predictions)::

    {"data": {"text": ..., "spinscope_id": ..., "title": ...},
     "predictions": [{"model_version": "spinscope 0.1.0 hybrid", "score": 0.61,
                      "result": [{"id": "spinscope-0", "from_name": "technique",
                                  "to_name": "text", "type": "labels",
                                  "value": {"start": 10, "end": 18, "text": "...",
                                            "labels": ["Loaded_Language"]},
                                  "score": 0.83}, ...]}]}

:func:`label_config` is the labelling configuration those tasks need: one
``<Labels name="technique" toName="text">`` holding the 23 SemEval-2023 techniques (each label's
``value`` is the technique id), one ``<View>`` with a ``<Header>`` per category inside it, and
``<Text name="text" value="$text"/>``. Label Studio's ``Labels`` tag accepts ``View`` and
``Header`` children, and Label Studio finds labels nested in them, so every result keeps the
one ``from_name`` whatever the category.

**Import.** :func:`tasks_to_documents` reads Label Studio's JSON export (tasks with
``annotations``), keeps one annotation per task (the latest that was not cancelled, or as
chosen), turns its ``labels`` results into technique spans and ignores results of other types;
:func:`import_label_studio` writes them as an annotation folder
(:func:`spinscope.corpora.annotations.write_annotations`), which ``spinscope train --data DIR``
reads. Overlapping and duplicate spans are kept as they are.

**Offsets.** spinscope counts offsets in code points (Python string indices). Label Studio's
``Text`` tag stores code points too since 2022: its front end converts the browser's UTF-16
selection offsets to code points (``fixCodePointsInRange`` in its ``selection-tools``), so that
"Python and other modern tools" read them as they are. Older Label Studio versions stored
UTF-16 code units, and so an emoji or any other character outside the Basic Multilingual Plane
shifted every later offset by one (label-studio issues 1008 and 1347). ``offsets="code-points"``
(the default) writes and reads offsets as they are; ``offsets="utf-16"`` converts them for
those versions and for tools that count JavaScript string units. On import, when a result's
``text`` matches the article only under the other unit, the error says which option to use.
Line ends need no conversion: the ``Text`` tag counts ``\r`` and ``\n`` one each, as Python
does.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from spinscope.document import Document, Span
from spinscope.errors import InputError, UnknownTechniqueError
from spinscope.taxonomy import CATEGORIES, TECHNIQUES, category_of, technique

if TYPE_CHECKING:
    from spinscope.analysis import Analysis

__all__ = [
    "FROM_NAME",
    "RESULT_TYPE",
    "TO_NAME",
    "AnnotationChoice",
    "ImportSummary",
    "OffsetUnit",
    "SkippedTask",
    "analyses_to_tasks",
    "analysis_task",
    "code_points_to_utf16",
    "config_path",
    "import_label_studio",
    "label_config",
    "read_export",
    "tasks_to_documents",
    "utf16_to_code_points",
    "write_tasks",
]

#: The ``name`` of the ``Labels`` tag, which results carry as ``from_name``.
FROM_NAME = "technique"
#: The ``name`` of the ``Text`` tag, which results carry as ``to_name``.
TO_NAME = "text"
#: The result ``type`` of a span labelled with a ``Labels`` tag.
RESULT_TYPE = "labels"

#: How Label Studio counts span offsets: code points (Label Studio since 2022, Python) or
#: UTF-16 code units (older Label Studio, JavaScript string indices).
OffsetUnit = Literal["code-points", "utf-16"]
#: Which annotation of a task to import: the latest or the first not cancelled, or the one
#: marked ground truth.
AnnotationChoice = Literal["latest", "first", "ground-truth"]

_TECHNIQUE_SET = frozenset(TECHNIQUES)
# the article ids write_annotations accepts (spinscope.corpora.annotations)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_NOT_ID = re.compile(r"[^A-Za-z0-9._-]+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# ------------------------------------------------------------------------------- offsets


def _check_unit(offsets: str) -> OffsetUnit:
    if offsets not in get_args(OffsetUnit):
        raise InputError(
            f"unknown offset unit {offsets!r}: use 'code-points' (Label Studio since 2022) or "
            "'utf-16' (older Label Studio)"
        )
    return cast(OffsetUnit, offsets)


def code_points_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 offset (JavaScript string index) of code-point offset ``offset`` of ``text``."""
    if not 0 <= offset <= len(text):
        raise ValueError(f"offset {offset} lies outside the text ({len(text)} characters)")
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def utf16_to_code_points(text: str, offset: int) -> int:
    """The code-point offset of UTF-16 offset ``offset`` of ``text``.

    Raises :class:`ValueError` when ``offset`` falls between the two halves of a surrogate pair
    or outside the text.
    """
    units = 0
    for i, ch in enumerate(text):
        if units == offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > offset:
            raise ValueError(f"UTF-16 offset {offset} falls inside the character at {i}")
    if units == offset:
        return len(text)
    raise ValueError(f"UTF-16 offset {offset} lies outside the text ({units} UTF-16 units)")


class _OffsetMap:
    """Code-point offsets of one text to Label Studio's offsets and back (one pass, cached)."""

    def __init__(self, text: str, unit: OffsetUnit) -> None:
        self.size = len(text)
        self.identity = unit == "code-points" or all(ord(ch) <= 0xFFFF for ch in text)
        self.units: list[int] = []
        self.back: dict[int, int] = {}
        if not self.identity:
            total = 0
            for ch in text:
                self.units.append(total)
                total += 2 if ord(ch) > 0xFFFF else 1
            self.units.append(total)
            self.back = {u: i for i, u in enumerate(self.units)}

    @property
    def length(self) -> int:
        """The text's length in the unit."""
        return self.size if self.identity else self.units[-1]

    def out(self, offset: int) -> int:
        """Label Studio's offset for code-point offset ``offset``."""
        return offset if self.identity else self.units[offset]

    def back_or_none(self, offset: int) -> int | None:
        """The code-point offset of Label Studio's ``offset``; ``None`` inside a character."""
        if self.identity:
            return offset if 0 <= offset <= self.size else None
        return self.back.get(offset)


# ------------------------------------------------------------------------------- export


def label_config() -> str:
    """The labelling configuration (XML) for the exported tasks.

    One ``Labels`` tag named :data:`FROM_NAME` on the ``Text`` tag named :data:`TO_NAME`; inside
    it a ``View`` per category with a ``Header`` and the category's techniques, each ``Label``
    valued by its SemEval-2023 id, coloured by category, with the technique's title and
    definition as its hover hint.
    """
    from spinscope.explanations import explain
    from spinscope.render.common import CATEGORY_COLOURS

    view = ET.Element("View")
    labels = ET.SubElement(view, "Labels", name=FROM_NAME, toName=TO_NAME, showInline="false")
    for category in CATEGORIES:
        group = ET.SubElement(labels, "View")
        ET.SubElement(group, "Header", value=category, size="6")
        for name in TECHNIQUES:
            if category_of(name) != category:
                continue
            ET.SubElement(
                group,
                "Label",
                value=name,
                background=CATEGORY_COLOURS[category],
                hint=f"{technique(name).title}: {explain(name).what}",
            )
    ET.SubElement(view, "Text", name=TO_NAME, value=f"${TO_NAME}")
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def _article_id(raw: str, taken: set[str]) -> str:
    """``raw`` as an id an annotation folder accepts, never one already in ``taken``."""
    base = _NOT_ID.sub("-", raw).lstrip("._-")[:190] or "article"
    doc_id, n = base, 1
    while doc_id in taken:
        n += 1
        doc_id = f"{base}-{n}"
    taken.add(doc_id)
    return doc_id


def analysis_task(
    analysis: Analysis,
    *,
    likely_only: bool = False,
    offsets: OffsetUnit = "code-points",
    task_id: str | None = None,
) -> dict[str, Any]:
    """One Label Studio task: the article's text and its spans as one prediction.

    ``likely_only`` leaves out the possible spans (those scored below the detector's
    threshold). ``task_id`` becomes ``data.spinscope_id`` (default: the analysis id), the id
    ``spinscope import label-studio`` names the article by. The prediction's ``score`` is the
    mean score of its spans (left out when it has none).
    """
    from spinscope import __version__

    unit = _check_unit(offsets)
    text = analysis.text
    where = _OffsetMap(text, unit)
    spans = analysis.likely_spans if likely_only else analysis.spans
    results = []
    for i, s in enumerate(spans):
        results.append(
            {
                "id": f"spinscope-{i}",
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": RESULT_TYPE,
                "value": {
                    "start": where.out(s.start),
                    "end": where.out(s.end),
                    "text": text[s.start : s.end],
                    "labels": [s.technique],
                },
                "score": round(s.score, 4),
            }
        )
    version = analysis.version or __version__
    prediction: dict[str, Any] = {"model_version": f"spinscope {version} {analysis.detector.name}"}
    if spans:
        prediction["score"] = round(sum(s.score for s in spans) / len(spans), 4)
    prediction["result"] = results
    return {
        "data": {
            TO_NAME: text,
            "spinscope_id": task_id if task_id is not None else analysis.id,
            "title": analysis.title,
        },
        "predictions": [prediction],
    }


def analyses_to_tasks(
    analyses: Iterable[Analysis],
    *,
    likely_only: bool = False,
    offsets: OffsetUnit = "code-points",
) -> list[dict[str, Any]]:
    """Label Studio tasks for ``analyses``, in order (see :func:`analysis_task`).

    Each task's ``spinscope_id`` is its analysis id made fit to name a file in an annotation
    folder (letters, digits, ``.``, ``_``, ``-``) and unique: a second ``article`` becomes
    ``article-2``.
    """
    taken: set[str] = set()
    return [
        analysis_task(a, likely_only=likely_only, offsets=offsets, task_id=_article_id(a.id, taken))
        for a in analyses
    ]


def config_path(tasks_path: str | Path) -> Path:
    """Where the labelling configuration goes beside ``tasks_path``: ``tasks.label-config.xml``."""
    p = Path(tasks_path)
    stem = p.stem if p.suffix.lower() == ".json" else p.name
    return p.with_name(f"{stem}.label-config.xml")


def write_tasks(path: str | Path, tasks: Sequence[Mapping[str, Any]]) -> tuple[Path, Path]:
    """Write ``tasks`` as a JSON array to ``path`` and :func:`label_config` beside it.

    Both atomically. Returns the two paths (tasks, configuration).
    """
    from spinscope.formats import write_text_atomic

    out = Path(path)
    config = config_path(out)
    write_text_atomic(out, json.dumps(list(tasks), ensure_ascii=False, indent=2) + "\n")
    write_text_atomic(config, label_config())
    return out, config


# ------------------------------------------------------------------------------- import


@dataclass(frozen=True)
class SkippedTask:
    """A task of the export that gave no article, and why."""

    task: str
    reason: str


@dataclass(frozen=True)
class ImportSummary:
    """What :func:`tasks_to_documents` or :func:`import_label_studio` did."""

    #: the annotation folder written (``None`` when nothing was written)
    folder: Path | None
    articles: int
    spans: int
    skipped: tuple[SkippedTask, ...] = ()
    #: label -> spans left out because the label is not a technique (``drop_unknown``)
    dropped: Mapping[str, int] = field(default_factory=dict)
    #: results of other types than ``labels`` (choices, relations, text areas...), ignored
    ignored_results: int = 0


def read_export(path: str | Path) -> list[dict[str, Any]]:
    """The tasks of a Label Studio JSON export (a JSON array of tasks).

    Raises :class:`~spinscope.errors.InputError` naming the file when it cannot be read, is not
    JSON, or is not a list of tasks (JSON-MIN and CSV exports are not: export as JSON).
    """
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            f"{str(p)!r} does not exist: give the JSON file Label Studio exported"
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read {str(p)!r}: {err}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise InputError(
            f"{str(p)!r} is not JSON ({err.msg} at line {err.lineno}): export the project from "
            "Label Studio as JSON"
        ) from None
    if isinstance(data, dict) and "data" in data:
        data = [data]
    if not isinstance(data, list) or not all(
        isinstance(t, dict) and isinstance(t.get("data"), dict) for t in data
    ):
        raise InputError(
            f"{str(p)!r} is not a Label Studio JSON export (a list of tasks, each with 'data' "
            "and 'annotations'): export the project as JSON, not JSON-MIN or CSV"
        )
    return data


def _task_name(task: Mapping[str, Any], index: int) -> str:
    tid = task.get("id")
    return str(tid) if tid is not None else f"#{index + 1}"


def _when(annotation: Mapping[str, Any]) -> datetime | None:
    """When the annotation was last saved (``updated_at``, else ``created_at``)."""
    for key in ("updated_at", "created_at"):
        value = annotation.get(key)
        if isinstance(value, str):
            try:
                stamp = datetime.fromisoformat(value)
            except ValueError:
                continue
            # Label Studio writes UTC; a stamp without a zone is read as UTC too
            return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
    return None


def _annotator_matches(annotation: Mapping[str, Any], annotator: str) -> bool:
    by = annotation.get("completed_by")
    names: set[str] = set()
    if isinstance(by, Mapping):
        names = {str(by[k]) for k in ("id", "email", "username") if by.get(k) is not None}
    elif by is not None:
        names = {str(by)}
    email = annotation.get("created_username")  # "name email, id" in some exports
    if isinstance(email, str):
        names.add(email)
        names.update(part.strip() for part in re.split(r"[\s,]+", email) if part.strip())
    return annotator in names


def _choose(
    annotations: Sequence[Mapping[str, Any]], choice: AnnotationChoice, annotator: str | None
) -> Mapping[str, Any] | str:
    """The annotation to import, or why there is none."""
    if not annotations:
        return "no annotations"
    kept = [a for a in annotations if not a.get("was_cancelled")]
    if not kept:
        return "every annotation was cancelled (skipped)"
    if annotator is not None:
        kept = [a for a in kept if _annotator_matches(a, annotator)]
        if not kept:
            return f"no annotation by {annotator}"
    if choice == "ground-truth":
        kept = [a for a in kept if a.get("ground_truth")]
        if not kept:
            return "no annotation is marked ground truth"

    def key(i: int) -> tuple[bool, datetime, int, int]:
        stamp = _when(kept[i])
        number = kept[i].get("id")
        if not isinstance(number, int) or isinstance(number, bool):
            number = 0
        return (stamp is not None, stamp or _EPOCH, number, i)

    order = sorted(range(len(kept)), key=key)
    return kept[order[0] if choice == "first" else order[-1]]


def _same_text(a: str, b: str) -> bool:
    r"""Whether two span texts agree as Label Studio writes them.

    Its ``text`` has newlines as ``\n`` and runs of spaces collapsed.
    """

    def norm(s: str) -> str:
        return " ".join(s.replace("\\n", " ").split())

    return norm(a) == norm(b)


def _span(
    value: Mapping[str, Any],
    label: str,
    text: str,
    where: _OffsetMap,
    other: _OffsetMap,
    unit: OffsetUnit,
    task: str,
) -> Span:
    start, end = value.get("start"), value.get("end")
    if not (
        isinstance(start, int)
        and isinstance(end, int)
        and not isinstance(start, bool)
        and not isinstance(end, bool)
    ):
        raise InputError(
            f"Label Studio task {task}: a {label!r} result has no integer start and end "
            f"(got {start!r}, {end!r}); spinscope imports spans of a Text tag"
        )
    a, b = where.back_or_none(start), where.back_or_none(end)
    if a is None or b is None or not a < b:
        raise InputError(
            f"Label Studio task {task}: the {label!r} span [{start}, {end}) does not fit the "
            f"text ({where.length} {unit}); was it annotated on another text?"
        )
    shown = value.get("text")
    if isinstance(shown, str) and not _same_text(shown, text[a:b]):
        oa, ob = other.back_or_none(start), other.back_or_none(end)
        if oa is not None and ob is not None and oa < ob and _same_text(shown, text[oa:ob]):
            flip = "utf-16" if unit == "code-points" else "code-points"
            raise InputError(
                f"Label Studio task {task}: the {label!r} span [{start}, {end}) holds "
                f"{shown!r} only when its offsets count {flip}; import with --offsets {flip} "
                f"(offsets={flip!r})"
            )
    return Span(a, b, label)


def tasks_to_documents(
    tasks: Sequence[Mapping[str, Any]],
    *,
    annotation: AnnotationChoice = "latest",
    annotator: str | None = None,
    drop_unknown: bool = False,
    offsets: OffsetUnit = "code-points",
    text_field: str = TO_NAME,
) -> tuple[list[Document], ImportSummary]:
    """The annotated articles of Label Studio ``tasks``, spans in their ``"techniques"`` layer.

    Per task: the id is ``data.spinscope_id``, else the task id; the text is
    ``data[text_field]``; the spans come from the ``labels`` results of one annotation, the
    latest not cancelled (``annotation="first"``: the earliest; ``"ground-truth"``: the latest
    marked ground truth), by ``annotator`` (a user id or email) when given. A task without such
    an annotation is skipped and listed in the summary; one whose annotation has no span
    becomes an article without spans (a negative example). A label that is not one of the 23
    SemEval-2023 techniques raises :class:`~spinscope.errors.UnknownTechniqueError` naming the
    task, unless ``drop_unknown`` (then the summary counts what was left out).
    """
    unit = _check_unit(offsets)
    if annotation not in get_args(AnnotationChoice):
        raise InputError(
            f"unknown annotation choice {annotation!r}: use one of "
            f"{', '.join(get_args(AnnotationChoice))}"
        )
    docs: list[Document] = []
    skipped: list[SkippedTask] = []
    dropped: Counter[str] = Counter()
    ignored = 0
    ids: dict[str, str] = {}
    for index, task in enumerate(tasks):
        name = _task_name(task, index)
        data = task.get("data")
        if not isinstance(data, Mapping):
            raise InputError(f"Label Studio task {name} has no 'data' object")
        anns = task.get("annotations", task.get("completions")) or []
        chosen = _choose(anns if isinstance(anns, list) else [], annotation, annotator)
        if isinstance(chosen, str):
            skipped.append(SkippedTask(name, chosen))
            continue
        text = data.get(text_field)
        if not isinstance(text, str):
            raise InputError(
                f"Label Studio task {name} has no text in data.{text_field} (got "
                f"{type(text).__name__}); tasks with the text in the task data can be imported"
            )
        raw_id = data.get("spinscope_id")
        if raw_id is None or raw_id == "":
            raw_id = task.get("id")
        if raw_id is None:
            raise InputError(
                f"Label Studio task {name} has neither data.spinscope_id nor an id to name "
                "its article by"
            )
        doc_id = str(raw_id)
        if not _ID.match(doc_id):
            raise InputError(
                f"Label Studio task {name}: article id {doc_id!r} cannot name a file (letters, "
                "digits, '-', '_' and '.'; at most 200); change data.spinscope_id"
            )
        if doc_id in ids:
            raise InputError(
                f"Label Studio tasks {ids[doc_id]} and {name} both name article {doc_id!r}; "
                "give each task its own data.spinscope_id"
            )
        ids[doc_id] = name
        where = _OffsetMap(text, unit)
        other = _OffsetMap(text, "utf-16" if unit == "code-points" else "code-points")
        spans: list[Span] = []
        results = chosen.get("result") or []
        for result in results if isinstance(results, list) else []:
            if not isinstance(result, Mapping) or result.get("type") != RESULT_TYPE:
                ignored += 1
                continue
            value = result.get("value")
            if not isinstance(value, Mapping):
                raise InputError(f"Label Studio task {name}: a labels result has no value")
            labels = value.get("labels") or []
            for label in [labels] if isinstance(labels, str) else labels:
                if label not in _TECHNIQUE_SET:
                    if drop_unknown:
                        dropped[str(label)] += 1
                        continue
                    raise UnknownTechniqueError(
                        str(label),
                        TECHNIQUES,
                        where=f"Label Studio task {name} (rename the label in Label Studio, or "
                        "import with --drop-unknown to leave such spans out)",
                    )
                spans.append(_span(value, label, text, where, other, unit, name))
        docs.append(Document(doc_id, text, layers={"techniques": tuple(spans)}))
    summary = ImportSummary(
        folder=None,
        articles=len(docs),
        spans=sum(len(d.layers["techniques"]) for d in docs),
        skipped=tuple(skipped),
        dropped=dict(sorted(dropped.items())),
        ignored_results=ignored,
    )
    return docs, summary


def import_label_studio(
    export: str | Path,
    folder: str | Path,
    *,
    annotation: AnnotationChoice = "latest",
    annotator: str | None = None,
    drop_unknown: bool = False,
    offsets: OffsetUnit = "code-points",
    text_field: str = TO_NAME,
) -> ImportSummary:
    """Read a Label Studio JSON export and write its annotations as an annotation folder.

    ``folder`` gets ``articles/<id>.txt`` and ``labels/<id>.tsv`` per imported task (see
    :mod:`spinscope.corpora.annotations`); options as in :func:`tasks_to_documents`. Raises
    :class:`~spinscope.errors.InputError` when no task has an annotation to import (nothing is
    written then).
    """
    from spinscope.corpora.annotations import write_annotations

    tasks = read_export(export)
    docs, summary = tasks_to_documents(
        tasks,
        annotation=annotation,
        annotator=annotator,
        drop_unknown=drop_unknown,
        offsets=offsets,
        text_field=text_field,
    )
    if not docs:
        reasons = Counter(s.reason for s in summary.skipped)
        why = "; ".join(f"{reason}: {n}" for reason, n in reasons.items()) or "it holds none"
        raise InputError(
            f"{str(export)!r}: no task has an annotation to import ({len(tasks)} "
            f"task{'' if len(tasks) == 1 else 's'}; {why})"
        )
    written = write_annotations(folder, docs)
    return ImportSummary(
        folder=written,
        articles=summary.articles,
        spans=summary.spans,
        skipped=summary.skipped,
        dropped=summary.dropped,
        ignored_results=summary.ignored_results,
    )
