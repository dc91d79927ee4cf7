"""The Propaganda Techniques Corpus (SemEval-2020 Task 11), train and dev splits.

Layout under the data root (the original file names)::

    ptc/{split}-articles/article<ID>.txt
    ptc/{split}-labels-task-si/article<ID>.task-si.labels
    ptc/{split}-labels-task-flc-tc/article<ID>.task-flc-tc.labels

Offsets count code points of the raw UTF-8 text with the BOM kept (two train articles start
with one), so articles are read with :func:`~spinscope.corpora.textio.read_article`. The PTC
dev split (75 articles) is spinscope's dev split for every task: see :func:`ptc_dev_ids`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spinscope.corpora.datapath import data_root, require_dir, require_file
from spinscope.corpora.textio import article_files, check_gold_spans, read_article
from spinscope.document import Document, Span
from spinscope.errors import InputError, LabelFormatError
from spinscope.formats import read_flc, read_si

__all__ = ["PTC_SPLITS", "check_same_article", "load_ptc", "ptc_article_paths", "ptc_dev_ids"]

#: The PTC splits with gold labels (the test split is held out).
PTC_SPLITS: tuple[str, ...] = ("train", "dev")


def ptc_article_paths(split: str = "dev", root: str | Path | None = None) -> dict[str, Path]:
    """Map article id -> article file for a PTC split, sorted by id."""
    if split not in PTC_SPLITS:
        raise InputError(f"unknown PTC split {split!r}; use one of: {', '.join(PTC_SPLITS)}.")
    folder = require_dir(data_root(root) / "ptc" / f"{split}-articles", f"PTC {split} articles")
    return article_files(folder)


def ptc_dev_ids(root: str | Path | None = None) -> frozenset[str]:
    """Return the ids of the 75 PTC dev articles, spinscope's dev split for every task."""
    return frozenset(ptc_article_paths("dev", root))


def check_same_article(path: Path, doc_id: str, ids: Iterable[str]) -> None:
    """Raise :class:`~spinscope.errors.LabelFormatError` if a per-article file names another id."""
    for other in ids:
        if other != doc_id:
            lines = read_article(path).split("\n")
            line_no = next(
                (
                    i
                    for i, line in enumerate(lines, 1)
                    if line.split("\t")[0].strip("\ufeff") == other
                ),
                0,
            )
            raise LabelFormatError(
                path, line_no, f"labels article {other}, but the file is for article {doc_id}"
            )


def load_ptc(split: str = "dev", root: str | Path | None = None) -> list[Document]:
    """Load the PTC ``split`` ("train" or "dev") as documents sorted by id.

    Each document has metadata ``{"corpus": "ptc", "split": split}`` and two gold layers:
    ``"si"`` (label ``"propaganda"``) and ``"techniques"`` (the 14 SemEval-2020 class names),
    both with ``source="gold"``.
    """
    paths = ptc_article_paths(split, root)
    base = data_root(root) / "ptc"
    si_dir = require_dir(base / f"{split}-labels-task-si", f"PTC {split} SI labels")
    tc_dir = require_dir(base / f"{split}-labels-task-flc-tc", f"PTC {split} TC labels")
    docs = []
    for doc_id, article in paths.items():
        text = read_article(article)
        si_path = require_file(si_dir / f"article{doc_id}.task-si.labels", "PTC SI label")
        tc_path = require_file(tc_dir / f"article{doc_id}.task-flc-tc.labels", "PTC TC label")
        si_rows = read_si(si_path)
        tc_rows = read_flc(tc_path, taxonomy="semeval2020")
        check_same_article(si_path, doc_id, (row[0] for row in si_rows))
        check_same_article(tc_path, doc_id, (row[0] for row in tc_rows))
        si = [Span(s, e, "propaganda", source="gold") for _, s, e in si_rows]
        tc = [Span(s, e, tech, source="gold") for _, tech, s, e in tc_rows]
        check_gold_spans(doc_id, text, si, article, si_path)
        check_gold_spans(doc_id, text, tc, article, tc_path)
        docs.append(
            Document(
                doc_id,
                text,
                {"corpus": "ptc", "split": split},
                {"si": tuple(si), "techniques": tuple(tc)},
            )
        )
    return docs
