"""Corpus readers: the data root, byte-faithful article text, PTC and SemEval-2023.

The corpora are never shipped (their licences forbid it); they are read from a data root found
by :func:`data_root`.
"""

from __future__ import annotations

from spinscope.corpora.datapath import data_root, find_data_root
from spinscope.corpora.ptc import PTC_SPLITS, load_ptc, ptc_dev_ids
from spinscope.corpora.semeval2023 import (
    SEMEVAL2023_LANGS,
    load_semeval2023,
    load_st1_gold,
    load_st2_gold,
    load_st3_gold,
    st3_template_rows,
)
from spinscope.corpora.textio import read_article

__all__ = [
    "PTC_SPLITS",
    "SEMEVAL2023_LANGS",
    "data_root",
    "find_data_root",
    "load_ptc",
    "load_semeval2023",
    "load_st1_gold",
    "load_st2_gold",
    "load_st3_gold",
    "ptc_dev_ids",
    "read_article",
    "st3_template_rows",
]
