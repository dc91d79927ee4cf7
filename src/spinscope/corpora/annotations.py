r"""A folder of your own annotated articles: what ``spinscope import`` writes and ``train`` reads.

Layout (UTF-8 throughout)::

    DIR/
      articles/<id>.txt     the article's text, exactly as annotated (offsets count in it)
      labels/<id>.tsv       its technique spans: ``id \t technique \t start \t end`` per line,
                            the SemEval-2023 span format (:func:`~spinscope.formats.read_flc`);
                            an article with no span has an empty file (a negative example)
      README.md             optional; ignored

``<id>`` is the article id (letters, digits, ``-``, ``_`` and ``.``; no separators). Offsets
are Python string indices (code points) into the text, end exclusive. Techniques are the 23 of
the SemEval-2023 taxonomy. :func:`read_annotations` checks every span against its text and
names the file and line of anything wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from spinscope.corpora.textio import read_article
from spinscope.document import Document, Span
from spinscope.errors import DataRootError, InputError
from spinscope.formats import read_flc, write_flc, write_text_atomic

__all__ = ["is_annotation_folder", "read_annotations", "write_annotations"]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def is_annotation_folder(path: str | Path) -> bool:
    """Whether ``path`` has the layout above (an ``articles/`` and a ``labels/`` folder)."""
    p = Path(path)
    return (p / "articles").is_dir() and (p / "labels").is_dir()


def _check_id(doc_id: str) -> str:
    if not _ID.match(doc_id):
        raise InputError(
            f"article id {doc_id!r} cannot name a file: use letters, digits, '-', '_' and '.' "
            "(at most 200, not starting with '.')"
        )
    return doc_id


def write_annotations(folder: str | Path, docs: Sequence[Document]) -> Path:
    """Write ``docs`` (spans in their ``"techniques"`` layer) as an annotation folder.

    Existing files of the same ids are replaced (each atomically); other files are left alone.
    Returns the folder.
    """
    root = Path(folder)
    seen: set[str] = set()
    for doc in docs:
        doc_id = _check_id(doc.id)
        if doc_id in seen:
            raise InputError(f"article id {doc_id!r} appears twice; give each article its own")
        seen.add(doc_id)
        spans = doc.layers.get("techniques", ())
        for s in spans:
            if not 0 <= s.start < s.end <= len(doc.text):
                raise InputError(
                    f"article {doc_id!r}: span [{s.start}, {s.end}) lies outside its text "
                    f"({len(doc.text)} characters)"
                )
        write_text_atomic(root / "articles" / f"{doc_id}.txt", doc.text)
        write_flc(
            root / "labels" / f"{doc_id}.tsv",
            [(doc_id, s.label, s.start, s.end) for s in sorted(spans)],
            taxonomy="semeval2023",
        )
    return root


def read_annotations(folder: str | Path) -> list[Document]:
    """The annotated articles of ``folder``, sorted by id, spans in their ``"techniques"`` layer.

    Raises :class:`~spinscope.errors.DataRootError` when the folder does not have the layout,
    and :class:`~spinscope.errors.InputError` naming the file for a label file without its
    article, a span of another article, or a span outside its text.
    """
    root = Path(folder)
    if not is_annotation_folder(root):
        raise DataRootError(
            f"{str(root)!r} is not an annotation folder: it needs articles/<id>.txt and "
            "labels/<id>.tsv (what `spinscope import label-studio` writes)"
        )
    texts = {p.stem: p for p in sorted((root / "articles").glob("*.txt"))}
    labels = {p.stem: p for p in sorted((root / "labels").glob("*.tsv"))}
    orphans = sorted(set(labels) - set(texts))
    if orphans:
        raise InputError(
            f"{str(root / 'labels' / (orphans[0] + '.tsv'))!r} has no article: add "
            f"articles/{orphans[0]}.txt or remove the label file"
        )
    docs = []
    for doc_id, path in texts.items():
        # the text exactly as written (CRLF counts two characters, as annotated)
        text = read_article(path)
        spans = []
        if doc_id in labels:
            for row_no, (art, tech, start, end) in enumerate(
                read_flc(labels[doc_id], taxonomy="semeval2023"), start=1
            ):
                where = f"{str(labels[doc_id])!r}, row {row_no}"
                if art != doc_id:
                    raise InputError(f"{where}: the span names article {art!r}, not {doc_id!r}")
                if not 0 <= start < end <= len(text):
                    raise InputError(
                        f"{where}: span [{start}, {end}) lies outside the article's "
                        f"{len(text)} characters"
                    )
                spans.append(Span(start, end, tech))
        docs.append(Document(doc_id, text, layers={"techniques": tuple(sorted(spans))}))
    if not docs:
        raise DataRootError(f"{str(root / 'articles')!r} holds no article (<id>.txt)")
    return docs
