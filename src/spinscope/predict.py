"""Predict with a detector and turn its spans into the rows of each task's submission file.

The tasks and the rows they take (see :mod:`spinscope.formats` for the file layouts):

* ``si``: ``(id, start, end)`` -- every detected span, whatever its technique, with overlapping
  spans of one article merged (the official SI scorer refuses overlapping spans);
* ``flc``: ``(id, technique, start, end)`` -- every detected span, overlapping spans of one
  technique merged;
* ``tc``: ``(id, technique, start, end)`` -- one row per line of a TC template (the PTC template,
  or any gold file in that layout), in template order. When the same ``(id, start, end)`` occurs
  ``k`` times, its rows get the ``k`` best-ranked distinct techniques;
* ``st3``: ``(id, paragraph, techniques)`` -- one row per line of a subtask-3 template; a
  paragraph (a 1-based line number) gets the techniques of the spans that overlap its line;
* ``st1``: ``(id, genre)`` -- every article, with the likeliest genre of the genre model
  (:mod:`spinscope.article`; opinion, reporting or satire, calibrated for the article's
  language);
* ``st2``: ``(id, frames)`` -- every article, with the frames whose score reaches the frame
  model's threshold for that frame (possibly none), in the official frame order.

With ``taxonomy="semeval2020"`` techniques are mapped with :data:`~spinscope.taxonomy.TO_2020`
and spans whose technique has no 2020 class are dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from spinscope.corpora.textio import article_files, read_article
from spinscope.detectors.base import Detector
from spinscope.detectors.registry import (  # load_detector re-exported: benchmarks use it here
    check_model_folder,
    detector_choice,
    load_detector,
)
from spinscope.document import Document, Span
from spinscope.errors import InputError
from spinscope.formats import (
    read_tc_template,
    read_template,
    write_flc,
    write_si,
    write_st1,
    write_st2,
    write_st3,
)
from spinscope.scoring.spans import merge_spans
from spinscope.signals.language import (
    SUPPORTED_LANGUAGES,
    detect_language,
    language_code,
    language_name,
)
from spinscope.signals.language import preload as preload_language_identifier
from spinscope.taxonomy import FRAMES, TECHNIQUES, TECHNIQUES_2020, TO_2020

__all__ = [
    "ARTICLE_TASKS",
    "PREDICT_TASKS",
    "TASKS",
    "TAXONOMIES",
    "PredictSummary",
    "article_languages",
    "article_rows",
    "article_tagger",
    "language_note",
    "load_detector",
    "predict_rows",
    "predict_to_file",
    "rank_techniques",
    "read_articles",
    "write_rows",
]

#: Every task spinscope knows, as named on the command line.
TASKS: tuple[str, ...] = ("si", "flc", "tc", "st1", "st2", "st3")
#: The tasks :func:`predict_rows` can do.
PREDICT_TASKS: tuple[str, ...] = ("si", "flc", "tc", "st1", "st2", "st3")
#: The article-level tasks, predicted by the genre and frame models, not by span detectors.
ARTICLE_TASKS: tuple[str, ...] = ("st1", "st2")
#: The technique names predictions can be written in.
TAXONOMIES: tuple[str, ...] = ("semeval2023", "semeval2020")

#: The 2023 techniques from most to least frequent in the SemEval-2023 English training spans
#: (then the four that never occur there, in taxonomy order). A detector without ``rank`` gets
#: its second, third ... choice for a TC span from this list.
FREQUENCY_ORDER: tuple[str, ...] = (
    "Loaded_Language",
    "Name_Calling-Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration-Minimisation",
    "Appeal_to_Fear-Prejudice",
    "Flag_Waving",
    "Causal_Oversimplification",
    "Slogans",
    "Appeal_to_Authority",
    "False_Dilemma-No_Choice",
    "Conversation_Killer",
    "Guilt_by_Association",
    "Red_Herring",
    "Appeal_to_Hypocrisy",
    "Whataboutism",
    "Obfuscation-Vagueness-Confusion",
    "Straw_Man",
    "Appeal_to_Popularity",
    "Questioning_the_Reputation",
    "Appeal_to_Values",
    "Consequential_Oversimplification",
    "Appeal_to_Time",
)


SiRow = tuple[str, int, int]
FlcRow = tuple[str, str, int, int]
St3Row = tuple[str, int, tuple[str, ...]]
St1Row = tuple[str, str]
St2Row = tuple[str, tuple[str, ...]]
Row = SiRow | FlcRow | St3Row | St1Row | St2Row


@runtime_checkable
class Ranker(Protocol):
    """A detector that ranks every technique for given spans (the tagger does)."""

    def rank(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[list[str]]:
        """For each span, the technique names from most to least likely."""
        ...


@dataclass(frozen=True)
class PredictSummary:
    """What :func:`predict_to_file` did."""

    task: str
    out: Path
    detector: str
    articles: int
    rows: int


# ----------------------------------------------------------------------------------- input


def read_articles(folder: str | Path) -> list[Document]:
    """Read every ``article<ID>.txt`` of ``folder`` as a :class:`Document` with id ``<ID>``.

    Texts are read byte-faithfully (:func:`~spinscope.corpora.textio.read_article`), so offsets
    count the code points of the file as it is. Documents are sorted by id. Other files are
    ignored. Raises :class:`~spinscope.errors.InputError` when ``folder`` does not exist, is not
    a folder, or holds no article file.
    """
    p = Path(folder)
    if not p.exists():
        raise InputError(f"articles folder {str(p)!r} does not exist. Check the path.")
    if not p.is_dir():
        raise InputError(
            f"articles path {str(p)!r} is not a folder. Pass the folder that holds the "
            "article<ID>.txt files."
        )
    found = article_files(p)
    if not found:
        raise InputError(
            f"articles folder {str(p)!r} holds no file named article<ID>.txt. Name each "
            "article article<ID>.txt (for example article123.txt, whose id is 123)."
        )
    return [
        Document(doc_id, read_article(path), {"path": str(path)}) for doc_id, path in found.items()
    ]


def article_languages(docs: Sequence[Document], language: str | None = None) -> list[str | None]:
    """Each article's ISO code: ``language`` for all (checked by the caller), else detected."""
    if language is not None:
        return [language] * len(docs)
    return [detect_language(doc.text)[0] for doc in docs]


def language_note(
    docs: Sequence[Document],
    language: str | None = None,
    *,
    codes: Sequence[str | None] | None = None,
) -> str | None:
    """A note naming the articles in a language spinscope is not trained on, or ``None``.

    ``language`` is the code of every article (checked, from the caller); without it, each
    article's language is detected, or taken from ``codes`` (:func:`article_languages`) when
    the caller has them already.
    """
    supported = ", ".join(SUPPORTED_LANGUAGES)
    if language is not None:
        if language in SUPPORTED_LANGUAGES:
            return None
        return (
            f"the articles were given as {language_name(language)} ({language}), a language "
            f"spinscope was not trained on ({supported}): the predictions are unreliable."
        )
    outside = []
    found = codes if codes is not None else article_languages(docs)
    for doc, code in zip(docs, found, strict=True):
        if code not in SUPPORTED_LANGUAGES:
            outside.append(f"article{doc.id} ({language_name(code) or 'unknown'})")
    if not outside:
        return None
    more = f" and {len(outside) - 5} more" if len(outside) > 5 else ""
    return (
        f"{len(outside)} of {len(docs)} articles are not in a language spinscope was trained on "
        f"({supported}) or their language is unknown: {', '.join(outside[:5])}{more}. Their "
        "predictions are unreliable; --language sets the language if the detection is wrong."
    )


# ------------------------------------------------------------------------------ predicting


def _check_task(task: str) -> None:
    if task not in PREDICT_TASKS:
        raise InputError(f"unknown task {task!r}; use one of: {', '.join(TASKS)}.")


def _check_taxonomy(taxonomy: str) -> None:
    if taxonomy not in TAXONOMIES:
        raise InputError(f"unknown taxonomy {taxonomy!r}; use one of: {', '.join(TAXONOMIES)}.")


def _rename(technique: str, taxonomy: str) -> str | None:
    """The technique's name in ``taxonomy``, or ``None`` when that taxonomy lacks it."""
    return technique if taxonomy == "semeval2023" else TO_2020.get(technique)


def _spans(
    detector: Detector,
    docs: Sequence[Document],
    taxonomy: str,
    min_score: float | None,
    *,
    for_si: bool = False,
) -> list[list[Span]]:
    """The detector's spans of each document, renamed into ``taxonomy``, non-empty only.

    With ``for_si``, a detector that has a span-identification operating point
    (``predict_si``, the tagger) is asked for it.
    """
    out: list[list[Span]] = []
    predict_si = getattr(detector, "predict_si", None) if for_si else None
    found = predict_si(docs) if predict_si is not None else detector.predict(docs)
    for spans in found:
        kept = []
        for span in spans:
            name = _rename(span.label, taxonomy)
            if name is None or span.end <= span.start:
                continue
            if min_score is not None and span.score < min_score:
                continue
            kept.append(Span(span.start, span.end, name, span.score, span.source, span.meta))
        out.append(kept)
    return out


def rank_techniques(
    detector: Detector, doc: Document, spans: Sequence[tuple[int, int]], taxonomy: str
) -> list[list[str]]:
    """For each span, distinct techniques of ``taxonomy`` from best to worst.

    A detector with ``rank`` (the tagger) ranks them; otherwise its ``classify`` choice comes
    first and :data:`FREQUENCY_ORDER` gives the rest.
    """
    if not spans:
        return []
    if isinstance(detector, Ranker):
        ranked = detector.rank(doc, spans)
    else:
        ranked = [
            [first, *(t for t in FREQUENCY_ORDER if t != first)]
            for first in detector.classify(doc, spans)
        ]
    out = []
    for names in ranked:
        mapped = (_rename(name, taxonomy) for name in [*names, *FREQUENCY_ORDER])
        out.append(list(dict.fromkeys(name for name in mapped if name is not None)))
    return out


def _docs_for(ids: Iterable[str], docs: Sequence[Document], template: str | Path) -> list[Document]:
    """The documents the template names, in the template's order; error on a missing one."""
    by_id = {doc.id: doc for doc in docs}
    wanted = list(dict.fromkeys(ids))
    missing = [doc_id for doc_id in wanted if doc_id not in by_id]
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise InputError(
            f"template {str(template)!r} names article(s) {shown}, but the articles folder has "
            f"no article<ID>.txt for them. Pass the articles the template belongs to."
        )
    return [by_id[doc_id] for doc_id in wanted]


def _si_rows(docs: Sequence[Document], spans: Sequence[Sequence[Span]]) -> list[SiRow]:
    rows: list[SiRow] = []
    for doc, doc_spans in zip(docs, spans, strict=True):
        merged = merge_spans((s.start, s.end) for s in doc_spans)
        rows.extend((doc.id, start, end) for start, end in merged)
    return rows


def _flc_rows(docs: Sequence[Document], spans: Sequence[Sequence[Span]]) -> list[FlcRow]:
    rows: list[FlcRow] = []
    for doc, doc_spans in zip(docs, spans, strict=True):
        by_technique: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for span in doc_spans:
            by_technique[span.label].append((span.start, span.end))
        merged = [
            (start, end, tech)
            for tech, ranges in by_technique.items()
            for start, end in merge_spans(ranges)
        ]
        rows.extend((doc.id, tech, start, end) for start, end, tech in sorted(merged))
    return rows


def _tc_rows(
    docs: Sequence[Document], detector: Detector, template: str | Path, taxonomy: str
) -> list[FlcRow]:
    lines = read_tc_template(template, taxonomy="auto")
    chosen = _docs_for((line[0] for line in lines), docs, template)
    by_article: dict[str, dict[tuple[int, int], None]] = defaultdict(dict)
    for art, _, start, end in lines:
        by_article[art][(start, end)] = None
    ranking: dict[tuple[str, int, int], list[str]] = {}
    for doc in chosen:
        spans = list(by_article[doc.id])
        for start, end in spans:
            if end > len(doc.text):
                raise InputError(
                    f"template {str(template)!r}: span {start}-{end} of article {doc.id} ends "
                    f"after the article ({len(doc.text)} characters). The template does not "
                    "belong to these articles."
                )
        for span, ranked in zip(
            spans, rank_techniques(detector, doc, spans, taxonomy), strict=True
        ):
            ranking[(doc.id, *span)] = ranked
    seen: dict[tuple[str, int, int], int] = defaultdict(int)
    rows: list[FlcRow] = []
    for art, _, start, end in lines:
        key = (art, start, end)
        ranked = ranking[key]
        rows.append((art, ranked[seen[key] % len(ranked)], start, end))
        seen[key] += 1
    return rows


def _st3_rows(
    docs: Sequence[Document],
    detector: Detector,
    template: str | Path,
    taxonomy: str,
    min_score: float | None,
) -> list[St3Row]:
    lines = read_template(template)
    chosen = _docs_for((line[0] for line in lines), docs, template)
    spans = dict(
        zip((doc.id for doc in chosen), _spans(detector, chosen, taxonomy, min_score), strict=True)
    )
    texts = {doc.id: doc.text for doc in chosen}
    order = {
        name: i
        for i, name in enumerate(TECHNIQUES if taxonomy == "semeval2023" else TECHNIQUES_2020)
    }
    bounds: dict[str, list[tuple[int, int, str]]] = {}
    rows: list[St3Row] = []
    for art, number, paragraph in lines:
        if art not in bounds:
            pos, found = 0, []
            for line in texts[art].split("\n"):
                found.append((pos, pos + len(line), line))
                pos += len(line) + 1
            bounds[art] = found
        if number > len(bounds[art]):
            raise InputError(
                f"template {str(template)!r}: article {art} has {len(bounds[art])} lines, but "
                f"the template names paragraph {number}. The template does not belong to this "
                "article."
            )
        start, end, line = bounds[art][number - 1]
        if line != paragraph:
            raise InputError(
                f"template {str(template)!r}: paragraph {number} of article {art} reads "
                f"{paragraph[:40]!r} in the template but {line[:40]!r} in the article. The "
                "template does not belong to this article (or one of them was re-saved)."
            )
        techs = {s.label for s in spans[art] if s.start < end and start < s.end}
        rows.append((art, number, tuple(sorted(techs, key=order.__getitem__))))
    return rows


def _no_template(task: str, template: str | Path | None) -> None:
    if template is not None:
        raise InputError(
            f"task {task!r} predicts every article and takes no template; drop --template."
        )


def article_tagger(
    detector: str | None, model: str | Path | None = None, threads: int | None = None
) -> Any:
    """What the article models read their tagger features from (``ArticleModels(tagger=)``).

    Nothing with the baseline detector; the tagger of ``model`` (a model folder) when one is
    given; else the shipped tagger, when installed (``"auto"``).
    """
    if detector == "baseline":
        return None
    if model is None:
        return "auto" if threads is None else _shipped_tagger(threads)
    from spinscope.tagger.model import Tagger

    return Tagger(check_model_folder(model), threads=threads)


def _shipped_tagger(threads: int) -> Any:
    from spinscope.tagger.model import Tagger

    tagger = Tagger(threads=threads)
    return tagger if (tagger.path / "model.onnx").is_file() else None


def article_rows(
    task: str,
    docs: Sequence[Document],
    models: Any,
    language: str | None = None,
    *,
    codes: Sequence[str | None] | None = None,
) -> list[Any]:
    """The ``st1`` or ``st2`` rows of ``docs``, from loaded article models.

    ``models`` is an :class:`~spinscope.article.ArticleModels`. Each article's genre is
    calibrated for its language: ``language`` (an ISO code) for every article, or detected
    (or ``codes``, from :func:`article_languages`, when the caller has them already).
    """
    languages = codes if codes is not None else article_languages(docs, language)
    found = models.predict([doc.text for doc in docs], languages=list(languages))
    if task == "st1":
        return [(doc.id, p.genre.label) for doc, p in zip(docs, found, strict=True)]
    order = {frame: i for i, frame in enumerate(FRAMES)}
    return [
        (doc.id, tuple(sorted(p.selected_frames, key=order.__getitem__)))
        for doc, p in zip(docs, found, strict=True)
    ]


def predict_rows(
    task: str,
    docs: Sequence[Document],
    detector: Detector,
    *,
    template: str | Path | None = None,
    taxonomy: str = "semeval2023",
    min_score: float | None = None,
    article_models: Any = None,
) -> list[Any]:
    """Run ``detector`` on ``docs`` and return the rows of ``task``'s submission file.

    ``tc`` and ``st3`` need a ``template`` (a file or folder read with
    :func:`~spinscope.formats.read_tc_template` or :func:`~spinscope.formats.read_template`)
    and predict only the articles it names; ``si``, ``flc``, ``st1`` and ``st2`` predict
    every document. ``min_score`` drops spans scored below it (for detectors without their own
    threshold). ``st1`` and ``st2`` use ``article_models`` (default: the shipped ones, reading
    the detector's tagger if their features need it). See the module docstring for each
    task's rows.
    """
    _check_task(task)
    _check_taxonomy(taxonomy)
    if task in ARTICLE_TASKS:
        _no_template(task, template)
        if article_models is None:
            from spinscope.article.models import ArticleModels

            article_models = ArticleModels(tagger=detector)
        return article_rows(task, docs, article_models.load())
    if task in ("tc", "st3") and template is None:
        raise InputError(
            f"task {task!r} needs a template: pass --template FILE (the "
            f"{'TC template or gold labels' if task == 'tc' else 'subtask-3 template'})."
        )
    if task == "tc":
        assert template is not None
        return _tc_rows(docs, detector, template, taxonomy)
    if task == "st3":
        assert template is not None
        return _st3_rows(docs, detector, template, taxonomy, min_score)
    if task == "si":
        return _si_rows(docs, _spans(detector, docs, taxonomy, min_score, for_si=True))
    return _flc_rows(docs, _spans(detector, docs, taxonomy, min_score))


def write_rows(task: str, path: str | Path, rows: Sequence[Any], taxonomy: str) -> None:
    """Write ``rows`` of ``task`` to ``path`` in the official layout (atomically)."""
    _check_task(task)
    checked: Literal["semeval2023", "semeval2020"] = (
        "semeval2020" if taxonomy == "semeval2020" else "semeval2023"
    )
    if task == "si":
        write_si(path, rows)
    elif task == "st1":
        write_st1(path, dict(rows))
    elif task == "st2":
        write_st2(path, dict(rows))
    elif task in ("flc", "tc"):
        write_flc(path, rows, taxonomy=checked)
    else:
        write_st3(path, rows, taxonomy=checked)


def predict_to_file(
    task: str,
    articles: str | Path,
    out: str | Path,
    *,
    template: str | Path | None = None,
    taxonomy: str = "semeval2023",
    detector: str | None = None,
    threshold: float | None = None,
    language: str | None = None,
    notify: Callable[[str], None] | None = None,
    model: str | Path | None = None,
    workers: int = 1,
) -> PredictSummary:
    """Read the articles, predict ``task`` and write its submission file to ``out``.

    ``detector`` is a name of :data:`~spinscope.detectors.DETECTORS` or ``None`` (the tagger
    when installed, else the baseline; ``notify`` receives the note saying so). ``threshold``
    is the tagger's decision threshold, or the baseline's minimum span score. ``st1`` and
    ``st2`` run the article models instead (:mod:`spinscope.article`), reading the shipped
    tagger's features if they need them (not with ``detector="baseline"``). ``language`` is
    the ISO 639-1 code of every article (default: detected for each); ``notify`` also receives
    a note naming the articles in a language spinscope is not trained on. ``model`` is a
    model folder for the tagger to load instead of the shipped model (:func:`load_detector`).

    ``workers`` > 1 predicts in that many processes (:mod:`spinscope.parallel`), each with its
    share of the cores; the file is the same. ``tc`` and ``st3`` always run in one process.
    """
    _check_task(task)
    _check_taxonomy(taxonomy)
    code = language_code(language) if language is not None else None
    if template is not None and not Path(template).exists():
        raise InputError(f"template {str(template)!r} does not exist. Check the path.")
    if workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}.")
    docs = read_articles(articles)
    from spinscope.parallel import PARALLEL_TASKS

    parallel = workers > 1 and len(docs) > 1 and task in PARALLEL_TASKS
    if workers > 1 and task not in PARALLEL_TASKS and notify is not None:
        notify(
            f"--workers is ignored for task {task}: it follows the template's order, in one "
            "process."
        )
    if task in ARTICLE_TASKS:
        _no_template(task, template)
    if not parallel and (notify is not None or task in ARTICLE_TASKS) and code is None:
        preload_language_identifier()  # loads while the model does
    if parallel:
        return _predict_in_parallel(
            task, docs, out, workers, detector, threshold, code, model, taxonomy, notify
        )
    # detected once, for the note and for the article models' per-language calibration
    codes = article_languages(docs, code) if notify is not None or task in ARTICLE_TASKS else None
    if notify is not None:
        note = language_note(docs, code, codes=codes)
        if note:
            notify(note)
    if task in ARTICLE_TASKS:
        from spinscope.article.models import ArticleModels

        models = ArticleModels(tagger=article_tagger(detector, model)).load()
        if models.note and notify is not None:
            notify(models.note)
        rows = article_rows(task, docs, models, code, codes=codes)
        write_rows(task, out, rows, taxonomy)
        used = models.features["genre" if task == "st1" else "frames"]
        return PredictSummary(task, Path(out), f"article models ({used})", len(docs), len(rows))
    loaded, note = load_detector(
        detector, threshold=threshold, model=str(model) if model is not None else None
    )
    if note and notify is not None:
        notify(note)
    min_score = threshold if loaded.name != "tagger" else None
    rows = predict_rows(
        task, docs, loaded, template=template, taxonomy=taxonomy, min_score=min_score
    )
    write_rows(task, out, rows, taxonomy)
    n_articles = len({row[0] for row in rows}) if task in ("tc", "st3") else len(docs)
    return PredictSummary(task, Path(out), loaded.name, n_articles, len(rows))


def _predict_in_parallel(
    task: str,
    docs: list[Document],
    out: str | Path,
    workers: int,
    detector: str | None,
    threshold: float | None,
    code: str | None,
    model: str | Path | None,
    taxonomy: str,
    notify: Callable[[str], None] | None,
) -> PredictSummary:
    """:func:`predict_to_file`'s work in ``workers`` processes (:mod:`spinscope.parallel`).

    The workers also detect the articles' languages, so the parent only reads and writes.
    """
    from spinscope.parallel import parallel_rows

    folder = str(model) if model is not None else None
    if task in ARTICLE_TASKS:
        if folder is not None:
            check_model_folder(folder)  # here, before any worker starts
        min_score = None
        choice_note = None
    else:
        name, choice_note = detector_choice(detector, model=folder)
        min_score = threshold if name != "tagger" else None
    rows, codes, name, note = parallel_rows(
        task,
        docs,
        workers,
        detector=detector,
        threshold=threshold,
        model=folder,
        taxonomy=taxonomy,
        min_score=min_score,
        language=code,
    )
    if notify is not None:
        for message in (language_note(docs, code, codes=codes), choice_note or note):
            if message:
                notify(message)
    write_rows(task, out, rows, taxonomy)
    return PredictSummary(task, Path(out), name, len(docs), len(rows))
