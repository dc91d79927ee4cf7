r"""Reading article text exactly as the gold offsets count it.

SemEval offsets count Unicode code points of the file decoded as UTF-8 with nothing removed:
a byte-order mark is character 0 and ``\r`` stays where it is. So articles are read with
``encoding="utf-8"`` (not ``utf-8-sig``) and ``newline=""`` (no newline translation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from spinscope.document import Span
from spinscope.errors import InputError, SpanOffsetError

__all__ = ["ENCODING", "article_files", "check_gold_spans", "read_article"]

#: The only encoding the corpora use.
ENCODING = "utf-8"


#: How the corpora name article files: ``article<ID>.txt``.
_ARTICLE = re.compile(r"article(.+)\.txt")


def article_files(folder: Path) -> dict[str, Path]:
    """Map article id -> file for every ``article<ID>.txt`` in ``folder``, sorted by id."""
    found = {}
    for path in folder.iterdir():
        match = _ARTICLE.fullmatch(path.name)
        if match and path.is_file():
            found[match.group(1)] = path
    return dict(sorted(found.items()))


def read_article(path: str | Path) -> str:
    """Return the text of the article file ``path``, byte-faithful.

    A BOM is kept as character 0 and line endings are not translated. Raises
    :class:`~spinscope.errors.InputError` when the file is missing, is not a file, or is not
    valid UTF-8.
    """
    p = Path(path)
    try:
        with open(p, encoding=ENCODING, newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(
            f"article file {str(p)!r} does not exist. Check the path (and the data root)."
        ) from None
    except IsADirectoryError:
        raise InputError(f"article path {str(p)!r} is a folder, not a text file.") from None
    except PermissionError:
        raise InputError(f"article file {str(p)!r} cannot be read: permission denied.") from None
    except UnicodeDecodeError as err:
        raise InputError(
            f"article file {str(p)!r} is not valid {ENCODING.upper()} (tried encoding "
            f"{ENCODING!r}; byte {err.start} is {err.object[err.start : err.start + 1]!r}). "
            f"Re-save it as UTF-8."
        ) from None


def check_gold_spans(
    doc_id: str, text: str, spans: Iterable[Span], article: Path, labels: Path
) -> None:
    r"""Raise :class:`~spinscope.errors.SpanOffsetError` for a gold span that ends after ``text``.

    The message names the article, the label file and the span, and the likely cause: labels
    that belong to another version of the text, or a text read with its BOM or ``\r`` removed.
    """
    n = len(text)
    for span in spans:
        if span.end > n:
            raise SpanOffsetError(
                f"article {doc_id} ({article}): gold span [{span.start}, {span.end}) "
                f"{span.label!r} from {labels} ends after the text, which has {n} characters. "
                f"The labels do not belong to this text: check that the article and label files "
                f"come from the same release (PTC and SemEval-2023 offsets differ) and that the "
                f"article was read as UTF-8 with its BOM and line ends kept."
            )
