"""Evaluation on the development articles of every training language.

:func:`evaluate_languages` scores one detector on several languages' documents, each language
and all of them pooled, through the code of ``spinscope predict``. ``benchmarks/dev_eval.py``
runs it on the fixed dev splits (:mod:`spinscope.corpora.splits`).
:mod:`spinscope.evaluation.language_id` measures language detection on the training articles.
"""

from __future__ import annotations

from spinscope.evaluation.languages import (
    APPROXIMATE,
    EXACT,
    POOLED,
    LanguageRun,
    evaluate_languages,
    flc_gold_rows,
    pool,
    run_language,
    st3_gold_rows,
)

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
