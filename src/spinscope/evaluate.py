"""Score a prediction file against gold labels with the official scorer of its task.

Both sides are read with the readers of :mod:`spinscope.formats` (a path may be a file or a
folder of label files) and scored with :data:`spinscope.scoring.SCORERS`. Technique names may
come from either taxonomy (SemEval-2023 or the SemEval-2020 PTC classes).

An annotation folder (:mod:`spinscope.corpora.annotations`) is gold too: :func:`compare_models`
and :func:`evaluate_annotations` run the shipped model and models of your own
(``spinscope train``) on its articles and score their spans (SI and FLC) side by side.

Every result has ``precision``, ``recall`` and ``f1``. For ``st1`` the scorer reports only
per-genre figures and macro F1, so :func:`evaluate` adds ``precision`` and ``recall`` as the
macro averages over the genres present (scikit-learn's ``average="macro"``) and ``f1`` as the
official macro F1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinscope.errors import InputError
from spinscope.formats import read_flc, read_si, read_st1, read_st2, read_st3
from spinscope.scoring import PRIMARY, SCORERS, score_flc, score_si
from spinscope.scoring.semeval2023 import score_st3
from spinscope.taxonomy import TECHNIQUES, TECHNIQUES_2020

if TYPE_CHECKING:
    from spinscope.document import Document

__all__ = [
    "EVALUATE_TASKS",
    "SHIPPED",
    "SPAN_TASKS",
    "compare_models",
    "evaluate",
    "evaluate_annotations",
    "primary_metric",
    "read_labels",
]

#: The tasks :func:`evaluate` scores.
EVALUATE_TASKS: tuple[str, ...] = tuple(SCORERS)


def _check_task(task: str) -> None:
    if task not in SCORERS:
        raise InputError(f"unknown task {task!r}; use one of: {', '.join(SCORERS)}.")


def read_labels(task: str, path: str | Path) -> Any:
    """Read the label or prediction file (or folder) ``path`` of ``task``.

    Returns what the task's scorer takes: rows for ``si``, ``flc``, ``tc`` and ``st3``, a dict
    by article for ``st1`` and ``st2``.
    """
    _check_task(task)
    if task == "si":
        return read_si(path)
    if task in ("flc", "tc"):
        return read_flc(path, taxonomy="auto")
    if task == "st1":
        return read_st1(path)
    if task == "st2":
        return read_st2(path)
    return read_st3(path, taxonomy="auto")


def _st3_label_list(*sides: list[tuple[str, int, tuple[str, ...]]]) -> tuple[str, ...]:
    """The 23 techniques, or the 14 PTC classes when some label is a 2020-only name.

    The label list matters: subtask-3 macro F1 averages over all of it.
    """
    names = {t for side in sides for _, _, techniques in side for t in techniques}
    if names <= set(TECHNIQUES):
        return TECHNIQUES
    if names <= set(TECHNIQUES_2020):
        return TECHNIQUES_2020
    raise InputError(
        "subtask-3 labels mix the SemEval-2023 techniques and the SemEval-2020 classes "
        f"({', '.join(sorted(names - set(TECHNIQUES)))} are 2020 names); write gold and "
        "predictions in one taxonomy (predict --taxonomy)."
    )


def _macro(scores: dict[str, float], kind: str) -> float:
    values = [v for k, v in scores.items() if k.startswith(f"{kind}/")]
    return sum(values) / len(values) if values else 0.0


def evaluate(task: str, gold_path: str | Path, pred_path: str | Path) -> dict[str, float]:
    """Score the predictions at ``pred_path`` against the gold at ``gold_path`` for ``task``.

    ``task`` is one of :data:`EVALUATE_TASKS`. Returns the scorer's flat dict (with
    ``precision``, ``recall`` and ``f1`` always present; see the module docstring). The primary
    metric's key is :func:`primary_metric`.
    """
    _check_task(task)
    gold = read_labels(task, gold_path)
    pred = read_labels(task, pred_path)
    if task == "st3":
        scores = score_st3(gold, pred, labels=_st3_label_list(gold, pred))
    else:
        scores = SCORERS[task](gold, pred)
    if task == "st1":
        scores = {
            "precision": _macro(scores, "precision"),
            "recall": _macro(scores, "recall"),
            "f1": scores["macro_f1"],
            **scores,
        }
    return scores


def primary_metric(task: str) -> str:
    """The key of ``task``'s primary metric in what :func:`evaluate` returns."""
    _check_task(task)
    return PRIMARY[task]


#: The tasks an annotation folder's spans are scored on.
SPAN_TASKS: tuple[str, ...] = ("si", "flc")
#: The name :func:`evaluate_annotations` gives the shipped model.
SHIPPED = "shipped"


def _model_spans(
    docs: Sequence[Document], detector: str, model: str | Path | None
) -> tuple[list[Any], list[Any]]:
    """The FLC spans and the SI spans of ``detector`` on ``docs`` (the model runs once)."""
    from spinscope.detectors.registry import load_detector, tagger_of

    found, _ = load_detector(detector, model=model)
    tagger = tagger_of(found)
    kwargs: dict[str, Any] = {}
    if tagger is not None:
        kwargs["probs"] = tagger.article_probs([d.text for d in docs])
    flc = found.predict(docs, **kwargs)
    predict_si = getattr(found, "predict_si", None)
    si = predict_si(docs, **kwargs) if predict_si is not None else flc
    return flc, si


def compare_models(
    docs: Sequence[Document],
    models: Mapping[str, str | Path | None],
    *,
    detector: str = "hybrid",
    tasks: Sequence[str] = SPAN_TASKS,
) -> dict[str, dict[str, dict[str, float]]]:
    """Score each model on the gold spans of ``docs`` (their ``techniques`` layer).

    ``models`` maps a name to a model folder (``None``: the shipped model); each runs as
    ``detector`` (``"hybrid"``: with the rules, or ``"tagger"``: alone). Returns, per model
    name, per task (``"si"``, ``"flc"``) the scorer's figures, as :func:`evaluate` gives them:
    SI spans at the model's span-identification operating point, FLC spans with techniques.
    """
    if detector not in ("hybrid", "tagger"):
        raise InputError(
            f"models are compared as the hybrid or the tagger detector, not {detector!r}"
        )
    for task in tasks:
        if task not in SPAN_TASKS:
            raise InputError(
                f"an annotation folder is scored on the span tasks ({', '.join(SPAN_TASKS)}), "
                f"not {task!r}"
            )
    gold = [(d.id, s.label, s.start, s.end) for d in docs for s in d.layer("techniques")]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, model in models.items():
        flc, si = _model_spans(docs, detector, model)
        figures: dict[str, dict[str, float]] = {}
        if "si" in tasks:
            pred_si = [
                (d.id, s.start, s.end) for d, spans in zip(docs, si, strict=True) for s in spans
            ]
            figures["si"] = score_si([(g[0], g[2], g[3]) for g in gold], pred_si)
        if "flc" in tasks:
            pred = [
                (d.id, s.label, s.start, s.end)
                for d, spans in zip(docs, flc, strict=True)
                for s in spans
            ]
            figures["flc"] = score_flc(gold, pred)
        out[name] = figures
    return out


def evaluate_annotations(
    gold: str | Path,
    models: Sequence[str | Path] = (),
    *,
    detector: str = "hybrid",
    tasks: Sequence[str] = SPAN_TASKS,
    shipped: bool = True,
) -> dict[str, Any]:
    """Run the shipped model and ``models`` on the annotation folder ``gold``; score their spans.

    Returns ``{"gold", "articles", "spans", "detector", "models"}``; ``models`` maps
    :data:`SHIPPED` (unless ``shipped`` is false) and each model folder, as given, to
    :func:`compare_models`' figures. Folders that are not model folders are refused before
    any model runs.
    """
    from spinscope.corpora.annotations import read_annotations
    from spinscope.detectors.registry import check_model_folder

    for model in models:
        check_model_folder(model)
    docs = read_annotations(gold)
    named: dict[str, str | Path | None] = {SHIPPED: None} if shipped else {}
    named.update({str(m): m for m in models})
    if not named:
        raise InputError("nothing to evaluate: give a model folder or keep the shipped model")
    return {
        "gold": str(gold),
        "articles": len(docs),
        "spans": sum(len(d.layer("techniques")) for d in docs),
        "detector": detector,
        "models": compare_models(docs, named, detector=detector, tasks=tasks),
    }
