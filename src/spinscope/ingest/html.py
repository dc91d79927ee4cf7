r"""The main text of an HTML page, with its title, author and date, extracted by trafilatura.

Offsets of the report count in the extracted text (paragraphs joined by ``\n``), which the
report carries; boilerplate (menus, comments, tables) is left out. Needs ``trafilatura`` and
``lxml_html_clean`` (runtime dependencies of spinscope).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.ingest.text import decode, normalise, read_bytes, require_text

__all__ = ["declared_charset", "extract_html", "looks_like_html", "read_html_file"]

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_METADATA = ("title", "author", "date", "sitename", "description", "url")


def declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` tag declares in the first 4 KB of an HTML page, if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def looks_like_html(text: str) -> bool:
    """Whether ``text`` starts like an HTML document."""
    return _HTML_START.match(text[:2048]) is not None


def extract_html(
    html: str, *, name: str, url: str | None = None, doc_id: str | None = None
) -> Document:
    """Extract the article of ``html`` (read from ``name``) into a :class:`Document`.

    Metadata keeps ``title``, ``author``, ``date``, ``sitename``, ``description`` and ``url``
    where the page has them. Raises :class:`InputError` when no article text is found.
    """
    try:
        import trafilatura
    except ImportError as err:  # pragma: no cover - a runtime dependency
        raise InputError(
            f"{name}: reading HTML needs trafilatura and lxml_html_clean "
            f"({err}); reinstall spinscope: pip install spinscope"
        ) from None
    extracted: Any = None
    for with_metadata in (True, False):
        try:
            extracted = trafilatura.bare_extraction(
                html,
                url=url,
                with_metadata=with_metadata,
                include_comments=False,
                include_tables=False,
                include_images=False,
                include_links=False,
                favor_recall=True,
            )
            break
        except Exception as err:  # trafilatura, htmldate and lxml fail on some broken pages
            # most such failures are in the metadata (htmldate's date search): without it, the
            # text may still come out
            if not with_metadata:
                raise InputError(
                    f"{name}: this HTML page cannot be read ({type(err).__name__}: "
                    f"{' '.join(str(err).split())[:200]}). Save the article's text to a .txt file "
                    "and pass that instead."
                ) from None
    text = normalise(getattr(extracted, "text", None) or "") if extracted is not None else ""
    if not text.strip():
        raise InputError(
            f"{name}: no article text found in this HTML page. It may be an index page, "
            "need JavaScript to show its text, or be empty; save the article's text to a .txt "
            "file and pass that instead."
        )
    meta: dict[str, Any] = {"source": name, "format": "html"}
    for key in _METADATA:
        value = getattr(extracted, key, None)
        if value:
            meta[key] = str(value)
    if url:
        meta["url"] = url
    stem = Path(name).stem if not url else "article"
    return Document(doc_id or stem or "article", text, meta)


def read_html_file(
    path: str | Path, *, doc_id: str | None = None, data: bytes | None = None
) -> Document:
    """Read an HTML file and extract its article (see :func:`extract_html`).

    ``data``: the file's bytes when the caller has read them already.
    """
    p = Path(path)
    data = read_bytes(p) if data is None else data
    html = require_text(decode(data, name=str(p), declared=declared_charset(data)), str(p))
    return extract_html(html, name=str(p), doc_id=doc_id)
