r"""SemEval-2023 Task 3 training data: genre (subtask 1), framing (2) and techniques (3).

Layout under the data root (original file names), for ``<lang>`` in en, fr, ge, it, po, ru::

    semeval2023/<lang>/train-articles-subtask-3/article<ID>.txt
    semeval2023/<lang>/train-labels-subtask-3-spans/article<ID>-labels-subtask-3.txt
    semeval2023/<lang>/train-labels-subtask-3.txt          id, paragraph, techniques
    semeval2023/<lang>/train-labels-subtask-3/*.txt.template
    semeval2023/<lang>/train-labels-subtask-{1,2}.txt      id, genre / id, frames

A paragraph is a non-empty line; its number is its 1-based line number with lines split on
``\n`` only (:func:`spinscope.segment.paragraphs`). The English texts are the PTC texts
re-segmented, so their offsets differ from PTC's. Only the English span offsets are reliable;
the other languages' spans are repaired where that is safe (:mod:`spinscope.corpora.snapping`:
ends moved to word edges, drifting spans shifted, each repair checked against the paragraph
labels, which are the official gold) and dropped otherwise; each article's metadata counts what
happened to its spans.

The combined ``train-labels-subtask-3.template`` of fr, ge, it, po and ru is the concatenation of
per-article templates that lack a final newline, so an article's last paragraph and the next
article's first line share a line there. :func:`st3_template_rows` therefore reads the
per-article templates, which are intact (for English both agree).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spinscope.corpora.datapath import data_root, require_dir, require_file
from spinscope.corpora.ptc import check_same_article
from spinscope.corpora.snapping import snap_span
from spinscope.corpora.textio import article_files, check_gold_spans, read_article
from spinscope.document import Document, Span
from spinscope.errors import DataRootError, SpanOffsetError
from spinscope.formats import read_flc, read_st1, read_st2, read_st3, read_template
from spinscope.segment import paragraphs

__all__ = [
    "SEMEVAL2023_LANGS",
    "load_semeval2023",
    "load_st1_gold",
    "load_st2_gold",
    "load_st3_gold",
    "semeval2023_article_paths",
    "st3_template_rows",
]

#: The languages with training data (``ge`` is German, ``po`` Polish).
SEMEVAL2023_LANGS: tuple[str, ...] = ("en", "fr", "ge", "it", "po", "ru")


def _lang_dir(lang: str, root: str | Path | None) -> Path:
    base = data_root(root) / "semeval2023"
    folder = base / lang
    if not folder.is_dir():
        have = sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
        raise DataRootError(
            f"SemEval-2023 language folder {str(folder)!r} does not exist (found: "
            f"{', '.join(have) or 'none'}). Use one of {', '.join(SEMEVAL2023_LANGS)}, and pass "
            f"--data DIR or set SPINSCOPE_DATA to the folder that holds semeval2023/."
        )
    return folder


def semeval2023_article_paths(
    lang: str = "en", root: str | Path | None = None, *, subtask: int = 3
) -> dict[str, Path]:
    """Map article id -> article file of ``subtask`` (1, 2 or 3) for ``lang``, sorted by id.

    Subtasks 1 and 2 share their articles; for English they are 426 of the subtask-3 texts with
    small edits (see the data README), so read each subtask's labels with its own files.
    """
    if subtask not in (1, 2, 3):
        raise DataRootError(f"SemEval-2023 has subtasks 1, 2 and 3, not {subtask!r}")
    folder = require_dir(
        _lang_dir(lang, root) / f"train-articles-subtask-{subtask}",
        f"SemEval-2023 {lang} subtask-{subtask} articles",
    )
    return article_files(folder)


def load_st1_gold(lang: str = "en", root: str | Path | None = None) -> dict[str, str]:
    """Return the subtask-1 training gold of ``lang``: article id -> genre."""
    path = _lang_dir(lang, root) / "train-labels-subtask-1.txt"
    return read_st1(require_file(path, f"SemEval-2023 {lang} subtask-1 label"))


def load_st2_gold(lang: str = "en", root: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """Return the subtask-2 training gold of ``lang``: article id -> frames."""
    path = _lang_dir(lang, root) / "train-labels-subtask-2.txt"
    return read_st2(require_file(path, f"SemEval-2023 {lang} subtask-2 label"))


def load_st3_gold(
    lang: str = "en", root: str | Path | None = None
) -> list[tuple[str, int, tuple[str, ...]]]:
    """Return the subtask-3 training gold rows of ``lang``: (id, paragraph, techniques)."""
    path = _lang_dir(lang, root) / "train-labels-subtask-3.txt"
    return read_st3(require_file(path, f"SemEval-2023 {lang} subtask-3 label"), "semeval2023")


def st3_template_rows(
    lang: str = "en", root: str | Path | None = None
) -> list[tuple[str, int, str]]:
    """Return the subtask-3 template rows of ``lang``: (id, paragraph, paragraph text).

    Read from the per-article ``*.txt.template`` files, in order of file name (see the module
    docstring for why not the combined file). The text is the article's line verbatim.
    """
    folder = _lang_dir(lang, root) / "train-labels-subtask-3"
    return read_template(require_dir(folder, f"SemEval-2023 {lang} subtask-3 template"))


def _paragraph_check(
    paras: Iterable[Span], labels: dict[int, set[str]], technique: str
) -> Callable[[int, int], bool]:
    """Whether a span ``[start, end)`` overlaps a paragraph whose gold labels hold ``technique``."""
    marked = [p for p in paras if technique in labels.get(p.meta["number"], ())]

    def check(start: int, end: int) -> bool:
        return any(p.start < end and start < p.end for p in marked)

    return check


def load_semeval2023(
    lang: str = "en", root: str | Path | None = None, *, strict_spans: bool | None = None
) -> list[Document]:
    r"""Load the subtask-3 training articles of ``lang`` as documents sorted by id.

    Layers, all with ``source="gold"``:

    * ``"techniques"``: the technique spans (2023 names) of the span files;
    * ``"paragraph_techniques"``: one span per (paragraph, technique) of the subtask-3 labels,
      covering the paragraph's line without its ``\n``, with ``meta={"number": n}``.

    Metadata: ``corpus``, ``lang``, and ``genre`` and ``frames`` (a list) where the subtask-1
    and subtask-2 labels have the article.

    ``strict_spans`` (default: true for English only) makes a span that ends after its article
    an error (:class:`~spinscope.errors.SpanOffsetError`) and keeps the offsets as they are.
    Otherwise every span goes through :func:`~spinscope.corpora.snapping.snap_span`; a
    repaired span keeps its file offsets in ``meta["original"]``, and the metadata's
    ``span_repairs`` counts the outcomes (``exact``, ``edges``, ``shift``, or the reason a span
    was dropped: ``unrepaired``, ``ambiguous_shift``, ``paragraph_mismatch``, ``empty``).
    """
    strict = lang == "en" if strict_spans is None else strict_spans
    folder = _lang_dir(lang, root)
    spans_dir = require_dir(
        folder / "train-labels-subtask-3-spans", f"SemEval-2023 {lang} subtask-3 span"
    )
    genres = load_st1_gold(lang, root)
    frames = load_st2_gold(lang, root)
    st3_path = folder / "train-labels-subtask-3.txt"
    by_paragraph: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for doc_id, number, techs in load_st3_gold(lang, root):
        by_paragraph.setdefault(doc_id, []).append((number, techs))

    docs = []
    for doc_id, article in semeval2023_article_paths(lang, root).items():
        text = read_article(article)
        spans_path = require_file(
            spans_dir / f"article{doc_id}-labels-subtask-3.txt", "SemEval-2023 span label"
        )
        rows = read_flc(spans_path, taxonomy="semeval2023")
        check_same_article(spans_path, doc_id, (row[0] for row in rows))
        lines = {p.meta["number"]: p for p in paragraphs(text)}
        labels = {number: set(techs) for number, techs in by_paragraph.get(doc_id, [])}
        repairs: Counter[str] = Counter()
        if strict:
            spans = [Span(s, e, tech, source="gold") for _, tech, s, e in rows]
            check_gold_spans(doc_id, text, spans, article, spans_path)
        else:
            spans = []
            for _, tech, s, e in rows:
                snapped = snap_span(text, s, e, _paragraph_check(lines.values(), labels, tech))
                repairs[snapped.how] += 1
                if snapped.kept:
                    meta = {"original": [s, e]} if (snapped.start, snapped.end) != (s, e) else {}
                    spans.append(Span(snapped.start, snapped.end, tech, source="gold", meta=meta))
        para_spans: list[Span] = []
        for number, techs in by_paragraph.get(doc_id, []):
            para = lines.get(number)
            if para is None:
                raise SpanOffsetError(
                    f"article {doc_id} ({article}): {st3_path} labels paragraph {number}, but "
                    f"line {number} of the article is missing or blank (paragraphs are the "
                    f"non-empty lines, split on \\n only). The labels do not belong to this text."
                )
            para_spans.extend(
                Span(para.start, para.end, t, source="gold", meta={"number": number}) for t in techs
            )

        metadata: dict[str, Any] = {"corpus": "semeval2023", "lang": lang}
        if doc_id in genres:
            metadata["genre"] = genres[doc_id]
        if doc_id in frames:
            metadata["frames"] = list(frames[doc_id])
        if repairs:
            metadata["span_repairs"] = dict(sorted(repairs.items()))
        docs.append(
            Document(
                doc_id,
                text,
                metadata,
                {"techniques": tuple(spans), "paragraph_techniques": tuple(para_spans)},
            )
        )
    return docs
