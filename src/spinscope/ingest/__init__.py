"""Read articles from files, URLs and standard input into :class:`~spinscope.document.Document`.

One module per input kind: :mod:`~spinscope.ingest.text` (decoding bytes),
:mod:`~spinscope.ingest.html` (main-text extraction) and :mod:`~spinscope.ingest.url`
(fetching). :func:`read_source` picks the right one for a command-line argument.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import BinaryIO

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.ingest.html import (
    HTML_SUFFIXES,
    declared_charset,
    extract_html,
    looks_like_html,
    read_html_file,
)
from spinscope.ingest.text import decode, read_bytes, read_text_file, require_text
from spinscope.ingest.url import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, is_url, read_url

__all__ = [
    "STDIN",
    "decode",
    "extract_html",
    "read_bytes_source",
    "read_file",
    "read_html_file",
    "read_source",
    "read_stdin",
    "read_text_file",
    "read_url",
]

#: How standard input is named on the command line.
STDIN = "-"

# "scheme://": a URL of some kind (a Windows path "C:\\x" has no "//" after the colon)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://")


def read_bytes_source(data: bytes, *, name: str, doc_id: str = "article") -> Document:
    """Read ``data`` as HTML when it starts like an HTML page, else as plain text."""
    text = require_text(decode(data, name=name, declared=declared_charset(data)), name)
    if looks_like_html(text):
        return extract_html(text, name=name, doc_id=doc_id)
    return Document(doc_id, text, {"source": name, "format": "text"})


def read_file(path: str | Path, *, data: bytes | None = None) -> Document:
    """Read an article file: HTML by its suffix or its first bytes, else plain text.

    ``data``: the file's bytes when the caller has read them already.
    """
    p = Path(path)
    if p.suffix.lower() in HTML_SUFFIXES:
        return read_html_file(p, data=data)
    data = read_bytes(p) if data is None else data
    return read_bytes_source(data, name=str(p), doc_id=p.stem or "article")


def read_stdin(stream: BinaryIO | None = None) -> Document:
    """Read an article (text or HTML) from standard input."""
    data = (stream or sys.stdin.buffer).read()
    return read_bytes_source(data, name="<stdin>", doc_id="stdin")


def read_source(
    source: str,
    *,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Read one command-line input: ``-`` (standard input), an http(s) URL, or a file path."""
    if source == STDIN:
        return read_stdin()
    scheme = _SCHEME.match(source)
    if scheme is not None and not is_url(source):
        raise InputError(
            f"{source!r}: spinscope cannot fetch {scheme.group(1)}:// addresses. Give an "
            "http:// or https:// URL, a file path, or - for standard input (download the "
            "article first if it is only reachable another way)."
        )
    if is_url(source):
        return read_url(source, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)
    return read_file(source)
