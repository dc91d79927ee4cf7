r"""Turn bytes into article text: UTF-8 first, then the declared or detected encoding.

The text analysed is the decoded text with a leading byte-order mark removed and line breaks
normalised to ``\n`` (a report's offsets count in that text, which it carries). Bytes that hold
NUL characters, or that decode to mostly control characters, are refused as binary.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from spinscope.document import Document
from spinscope.errors import InputError

__all__ = ["decode", "normalise", "read_bytes", "read_text_file", "require_text"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


def normalise(text: str) -> str:
    r"""Drop a leading BOM and turn ``\r\n`` and lone ``\r`` into ``\n``."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    return len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * max(1, len(text))


#: Text codecs that are no charset: a page declaring one is not decoded with it.
_NOT_CHARSETS = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape"})


def _known(encoding: str | None) -> str | None:
    """The codec name of a declared or detected charset; ``None`` when it names none.

    Bytes-to-bytes codecs (``base64``, ``rot13``, ``zlib``) and text codecs that are no
    charset (``idna``, ``undefined``) do not count: a page may declare anything.
    """
    if not encoding:
        return None
    try:
        info = codecs.lookup(encoding.strip().strip("\"'"))
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def decode(data: bytes, *, name: str, declared: str | None = None) -> str:
    """Decode ``data`` (the content of ``name``) and :func:`normalise` it.

    Tries UTF-8, then ``declared`` (an HTTP or HTML charset), then the encoding
    charset-normalizer detects. Raises :class:`InputError` naming ``name`` and the encodings
    tried when none fits, or when the bytes look binary.
    """
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(
            f"{name}: this looks like a binary file (it holds NUL bytes), not text or HTML. "
            "Pass the article as a .txt or .html file."
        )
    tried: list[str] = []
    candidates = ["utf-8"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates.insert(0, "utf-16")
    if (known := _known(declared)) and known not in candidates:
        candidates.append(known)
    for encoding in candidates:
        tried.append(encoding)
        try:
            text = data.decode(encoding)
        except UnicodeError:
            continue
        if not _looks_binary(text):
            return normalise(text)
    detected = _detect(data)
    if detected is not None and detected not in tried:
        tried.append(detected)
        try:
            text = data.decode(detected)
        except UnicodeError:
            text = ""
        if text and not _looks_binary(text):
            return normalise(text)
    raise InputError(
        f"{name}: cannot decode the bytes as text (tried {', '.join(tried)}"
        f"{'' if detected else '; no other encoding could be detected'}). Save the article "
        "as UTF-8 text, or check that it is a text or HTML file."
    )


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return _known(best.encoding) if best is not None else None


def read_text_file(path: str | Path, *, doc_id: str | None = None) -> Document:
    """Read a plain-text article into a :class:`Document` with ``source`` metadata."""
    p = Path(path)
    data = read_bytes(p)
    text = require_text(decode(data, name=str(p)), str(p))
    return Document(doc_id or p.stem or "article", text, {"source": str(p), "format": "text"})


def require_text(text: str, name: str) -> str:
    """Return ``text``; raise :class:`InputError` naming ``name`` if it is empty or blank."""
    if not text:
        raise InputError(f"{name}: the input is empty. Pass a file that holds the article.")
    if not text.strip():
        raise InputError(
            f"{name}: the input holds only whitespace. Pass a file that holds the article."
        )
    return text


def read_bytes(p: Path) -> bytes:
    """The bytes of file ``p``; :class:`InputError` naming it if missing or unreadable."""
    if not p.exists():
        raise InputError(f"{str(p)!r} does not exist. Check the path.")
    if p.is_dir():
        raise InputError(f"{str(p)!r} is a folder; pass an article file (.txt or .html).")
    try:
        return p.read_bytes()
    except OSError as err:
        raise InputError(f"{str(p)!r} cannot be read ({err.strerror or err}).") from None
