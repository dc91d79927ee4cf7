"""Analyse a corpus: ``spinscope batch`` (resumable, parallel tables) and ``spinscope report``.

:func:`run_batch` reads folders of articles, JSONL, CSV or Parquet files, analyses every
article on local worker processes or a Ray cluster, and writes the ``documents`` and ``spans``
tables, ``errors.jsonl`` and a manifest (:mod:`spinscope.batch.runner`). :func:`write_report`
draws the dashboard of a finished run (:mod:`spinscope.batch.report`). Both need the ``batch``
extra (pyarrow, altair, vl-convert-python); the Ray engine needs the ``ray`` extra.
"""

from __future__ import annotations

from spinscope.batch.inputs import Fields, Record, iter_records
from spinscope.batch.runner import BatchOptions, BatchSummary, read_manifest, run_batch

__all__ = [
    "BatchOptions",
    "BatchSummary",
    "Fields",
    "Record",
    "iter_records",
    "read_manifest",
    "run_batch",
]
