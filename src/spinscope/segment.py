r"""Paragraphs and sentences as character-offset spans.

A paragraph is a non-empty line, as in SemEval-2023 subtask 3: its number is its 1-based line
number in the article (lines split on ``\\n`` only, so a lone ``\\r`` stays inside a line), and
its span excludes the line break. Sentences come from nupunkt (a Punkt model that ships in the
package and returns character offsets) run inside each line, so a sentence never crosses a line
break, and are trimmed of surrounding whitespace.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spinscope.document import Span

__all__ = ["paragraphs", "sentences", "trimmed"]


def paragraphs(text: str) -> tuple[Span, ...]:
    """Non-empty lines of ``text`` as spans labelled ``paragraph`` with ``meta['number']``.

    ``number`` is the 1-based line number, the SemEval-2023 paragraph id. A line of only
    whitespace is not a paragraph.
    """
    out: list[Span] = []
    pos = 0
    for number, line in enumerate(text.split("\n"), start=1):
        end = pos + len(line)
        if line.strip():
            out.append(Span(pos, end, "paragraph", meta={"number": number}))
        pos = end + 1
    return tuple(out)


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import nupunkt

    return nupunkt.load_default_model()


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


#: A run of four or more "!" and "?": nupunkt takes time quadratic in its length (2.7 s for
#: 50,000 "!"), so a hostile text could hold an analysis for minutes.
_BANG_RUN = re.compile(r"[!?]{4,}")


def _shorter_bang_run(match: re.Match[str]) -> str:
    """The run as its first mark, dots, and its last mark.

    The same length, so the offsets of the sentences hold, and still a sentence end where the
    run was one.
    """
    run = match.group()
    return run[0] + "." * (len(run) - 2) + run[-1]


def sentences(text: str) -> tuple[Span, ...]:
    """Sentences of ``text`` as spans labelled ``sentence``, none crossing a line break."""
    tokenizer = _tokenizer()
    out: list[Span] = []
    for para in paragraphs(text):
        line = _BANG_RUN.sub(_shorter_bang_run, text[para.start : para.end])
        for s, e in tokenizer.span_tokenize(line):
            start, end = trimmed(text, para.start + s, para.start + e)
            if end > start:
                out.append(Span(start, end, "sentence"))
    return tuple(out)
