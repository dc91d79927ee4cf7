"""Score one detector on the documents of several languages, each language and all pooled.

For each language, :func:`run_language` predicts on the articles' text alone (their gold layers
and metadata are dropped) with :func:`spinscope.predict.predict_rows`, the code of
``spinscope predict``, and scores:

* ``st3``: SemEval-2023 subtask 3 (:func:`~spinscope.scoring.score_st3`, micro-F1 primary, macro
  over the 23 techniques) on every paragraph (:func:`spinscope.segment.paragraphs`) of every
  article, with the ``paragraph_techniques`` layer as gold (a paragraph without it has none);
* ``flc``: FLC P/R/F1 (:func:`~spinscope.scoring.score_flc`) against the ``techniques`` layer,
  with ``f1/<T>``, ``precision/<T>``, ``recall/<T>`` per technique;
* ``tc``: TC micro-F1 (:func:`~spinscope.scoring.score_tc`): every gold span of the
  ``techniques`` layer classified, a span listed k times getting the k best-ranked
  techniques; ``None`` when the language has no gold span;
* ``techniques_predicted``: the number of distinct techniques in the FLC predictions, and
  ``techniques_scored``: the number of techniques with FLC F1 > 0;
* ``articles``, ``paragraphs``, ``gold_spans`` (rows of the ``techniques`` layer), and
  ``spans``: :data:`EXACT`, or :data:`APPROXIMATE` for a language whose span offsets are not
  reliable (every SemEval-2023 language but English: see the data README), which makes its
  ``flc`` and ``tc`` figures approximate. Subtask 3 is scored on the paragraph labels, the
  official gold, in every language.

:func:`pool` scores the rows of several languages together (article ids prefixed with their
language, so equal ids never meet): the ``"all"`` row of :func:`evaluate_languages`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spinscope.detectors.base import Detector
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.formats import write_flc
from spinscope.predict import FlcRow, St3Row, predict_rows
from spinscope.scoring import score_flc, score_st3, score_tc
from spinscope.segment import paragraphs

__all__ = [
    "APPROXIMATE",
    "EXACT",
    "POOLED",
    "LanguageRun",
    "evaluate_languages",
    "flc_gold_rows",
    "pool",
    "run_language",
    "st3_gold_rows",
]

#: ``spans`` of a language whose gold span offsets are exact.
EXACT = "exact"
#: ``spans`` of a language whose gold span offsets are not (its FLC and TC figures).
APPROXIMATE = "approximate (snapped spans)"
#: The key of the pooled figures in what :func:`evaluate_languages` returns.
POOLED = "all"


@dataclass(frozen=True)
class LanguageRun:
    """The gold and predicted rows of one language (or of several, pooled) and their figures."""

    lang: str
    articles: int
    spans: str
    flc_gold: list[FlcRow]
    flc_pred: list[FlcRow]
    st3_gold: list[St3Row]
    st3_pred: list[St3Row]
    tc_pred: list[FlcRow]
    figures: dict[str, Any]


def flc_gold_rows(docs: Sequence[Document]) -> list[FlcRow]:
    """``(id, technique, start, end)`` for every span of each document's ``techniques`` layer."""
    return [(d.id, s.label, s.start, s.end) for d in docs for s in d.layer("techniques")]


def st3_gold_rows(docs: Sequence[Document]) -> list[St3Row]:
    """``(id, paragraph, techniques)`` for every paragraph, from ``paragraph_techniques``."""
    rows: list[St3Row] = []
    for d in docs:
        gold: dict[int, set[str]] = {}
        for s in d.layer("paragraph_techniques"):
            gold.setdefault(s.meta["number"], set()).add(s.label)
        rows.extend(
            (d.id, p.meta["number"], tuple(sorted(gold.get(p.meta["number"], ()))))
            for p in paragraphs(d.text)
        )
    return rows


def _figures(
    articles: int,
    spans: str,
    flc_gold: list[FlcRow],
    flc_pred: list[FlcRow],
    st3_gold: list[St3Row],
    st3_pred: list[St3Row],
    tc_pred: list[FlcRow],
) -> dict[str, Any]:
    flc = score_flc(flc_gold, flc_pred)
    return {
        "articles": articles,
        "paragraphs": len(st3_gold),
        "gold_spans": len(flc_gold),
        "spans": spans,
        "st3": score_st3(st3_gold, st3_pred),
        "flc": flc,
        "tc": score_tc(flc_gold, tc_pred) if flc_gold else None,
        "techniques_predicted": len({row[1] for row in flc_pred}),
        "techniques_scored": sum(1 for k, v in flc.items() if k.startswith("f1/") and v > 0),
    }


def run_language(
    detector: Detector, docs: Sequence[Document], lang: str, *, exact_spans: bool = True
) -> LanguageRun:
    """Predict and score ``detector`` on the gold documents ``docs`` of language ``lang``.

    ``exact_spans=False`` marks the FLC and TC figures :data:`APPROXIMATE`. Raises
    :class:`~spinscope.errors.InputError` when ``docs`` is empty or has no paragraph.
    """
    if not docs:
        raise InputError(f"no documents to evaluate for language {lang!r}; pass its articles")
    plain = [Document(d.id, d.text) for d in docs]
    flc_gold = flc_gold_rows(docs)
    st3_gold = st3_gold_rows(docs)
    if not st3_gold:
        raise InputError(
            f"the {lang!r} documents have no paragraph (non-blank line) to score subtask 3 on"
        )
    flc_pred = predict_rows("flc", plain, detector)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "st3.template"
        # newline="" keeps a CRLF article's "\r" inside its line, where the template reader
        # (and the paragraph check of predict_rows) expects it.
        with open(template, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(
                f"{d.id}\t{p.meta['number']}\t{d.text[p.start : p.end]}\n"
                for d in docs
                for p in paragraphs(d.text)
            )
        st3_pred = predict_rows("st3", plain, detector, template=template)
        tc_pred: list[FlcRow] = []
        if flc_gold:
            tc_template = Path(tmp) / "tc.labels"
            write_flc(tc_template, flc_gold)
            tc_pred = predict_rows("tc", plain, detector, template=tc_template)
    spans = EXACT if exact_spans else APPROXIMATE
    figures = _figures(len(docs), spans, flc_gold, flc_pred, st3_gold, st3_pred, tc_pred)
    return LanguageRun(
        lang, len(docs), spans, flc_gold, flc_pred, st3_gold, st3_pred, tc_pred, figures
    )


def _flc_prefixed(lang: str, rows: list[FlcRow]) -> list[FlcRow]:
    return [(f"{lang}:{art}", tech, start, end) for art, tech, start, end in rows]


def _st3_prefixed(lang: str, rows: list[St3Row]) -> list[St3Row]:
    return [(f"{lang}:{art}", number, techs) for art, number, techs in rows]


def pool(runs: Sequence[LanguageRun], lang: str = POOLED) -> LanguageRun:
    """Score the rows of ``runs`` together, article ids prefixed ``<lang>:``.

    Approximate when any of ``runs`` is. Micro figures weigh every paragraph (st3) or span
    (FLC, TC) equally, so larger languages count more.
    """
    if not runs:
        raise InputError("nothing to pool: evaluate at least one language")
    flc_gold = [row for r in runs for row in _flc_prefixed(r.lang, r.flc_gold)]
    flc_pred = [row for r in runs for row in _flc_prefixed(r.lang, r.flc_pred)]
    st3_gold = [row for r in runs for row in _st3_prefixed(r.lang, r.st3_gold)]
    st3_pred = [row for r in runs for row in _st3_prefixed(r.lang, r.st3_pred)]
    tc_pred = [row for r in runs for row in _flc_prefixed(r.lang, r.tc_pred)]
    articles = sum(r.articles for r in runs)
    spans = EXACT if all(r.spans == EXACT for r in runs) else APPROXIMATE
    figures = _figures(articles, spans, flc_gold, flc_pred, st3_gold, st3_pred, tc_pred)
    return LanguageRun(
        lang, articles, spans, flc_gold, flc_pred, st3_gold, st3_pred, tc_pred, figures
    )


def evaluate_languages(
    detector: Detector,
    docs_by_lang: Mapping[str, Sequence[Document]],
    *,
    exact_spans: Collection[str] = ("en",),
) -> dict[str, dict[str, Any]]:
    """The figures of ``detector`` for each language of ``docs_by_lang``, then :data:`POOLED`.

    ``exact_spans`` names the languages whose span offsets are reliable; the others' FLC and TC
    figures are marked :data:`APPROXIMATE`. Languages keep the mapping's order.
    """
    if POOLED in docs_by_lang:
        raise InputError(f"{POOLED!r} names the pooled figures; it cannot be a language")
    runs = [
        run_language(detector, docs, lang, exact_spans=lang in exact_spans)
        for lang, docs in docs_by_lang.items()
    ]
    out = {run.lang: run.figures for run in runs}
    out[POOLED] = pool(runs).figures
    return out
