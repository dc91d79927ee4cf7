"""Tidy detector spans before a reader sees them.

What a model proposes on real articles can be ragged: a span running from the headline into
the body, across two sentences, starting or ending on a space, holding one quotation mark of a
pair (``shocking"``, ``“circus show``), or a lone function word ("Our"). :func:`tidy_spans`
fixes that for every report, whatever the detector:

1. a span is cut at sentence boundaries (sentences never cross a line break, so neither do the
   pieces); each piece keeps the technique and score;
2. the ends are trimmed of spaces;
3. a quotation mark at one end whose partner is not in the span: the span grows to take the
   partner when it is close (:data:`MAX_QUOTE_REACH` characters, same sentence), otherwise the
   mark is dropped;
4. a piece that is one function word (:data:`FUNCTION_WORDS`, six languages) or has no letter
   or digit is dropped.

The SemEval submission files (``spinscope predict``) are not tidied: the official gold spans
may cross sentences, and the scorers judge the spans as the model found them.
"""

from __future__ import annotations

from collections.abc import Sequence

from spinscope.document import Span
from spinscope.segment import trimmed

__all__ = ["FUNCTION_WORDS", "MAX_QUOTE_REACH", "tidy_spans"]

#: How far (characters) a span may grow to take the partner of a quotation mark it holds.
MAX_QUOTE_REACH = 40

#: Words that are never a technique on their own (pronouns, articles, conjunctions,
#: prepositions) in the six supported languages.
FUNCTION_WORDS: frozenset[str] = frozenset(
    """
    a an the our ours we us you your yours they them their theirs he him his she her hers it its
    i me my this that these those and or but nor of to in on for with as at by from so if
    le la les l un une des nous notre nos vous votre vos ils elles leur leurs il elle lui son sa
    ses ce cet cette ces et ou mais ni de du d à au aux en pour par sur que qui
    der die das den dem des ein eine einen einem einer eines wir uns unser unsere ihr ihre sie
    er es sein seine dies diese dieser und oder aber von zu im mit für auf an aus bei dass
    il lo la i gli le un uno una noi nostro nostra nostri nostre voi vostro loro lui lei suo sua
    suoi sue questo questa questi queste e ed o ma di a da in con per su che
    my nasz nasza nasze naszych wy wasz wasza oni one on ona ono jego jej ich ten ta to te tych
    i oraz lub albo ale w we na z ze do od za że
    мы нас наш наша наше наши вы вас ваш ваша они их он она оно его её ее этот эта это эти и
    или но а в во на с со к ко от по за что
    """.split()
)

_OPENERS = {"“": "”", "„": "“”", "«": "»", "‘": "’", '"': '"', "‹": "›"}
_CLOSERS = {"”": "“„", "»": "«", "’": "‘", '"': '"', "“": "„", "›": "‹"}


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _fix_quotes(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Give an unpaired quotation mark at an end its partner (within ``[lo, hi)``) or drop it."""
    if end - start >= 1 and text[start] in _OPENERS:
        partners = _OPENERS[text[start]]
        if not any(ch in partners for ch in text[start + 1 : end]):
            reach = text[end : min(hi, end + MAX_QUOTE_REACH)]
            k = next((i for i, ch in enumerate(reach) if ch in partners), -1)
            if k >= 0:
                end = end + k + 1
            else:
                start += 1
    if end - start >= 1 and text[end - 1] in _CLOSERS:
        partners = _CLOSERS[text[end - 1]]
        if not any(ch in partners for ch in text[start : end - 1]):
            window = text[max(lo, start - MAX_QUOTE_REACH) : start]
            k = max((i for i, ch in enumerate(window) if ch in partners), default=-1)
            # an apostrophe ending a word ("the voters’") is not a closing quote
            apostrophe = text[end - 1] == "’" and end - 2 >= start and text[end - 2].isalpha()
            if k >= 0 and not apostrophe:
                start = start - len(window) + k
            elif not apostrophe:
                end -= 1
    return trimmed(text, start, end)


def _is_function_word(piece: str) -> bool:
    words = piece.strip(" \t.,;:!?()[]{}\"'“”„«»‘’‹›–—-").split()
    return len(words) == 1 and words[0].lower() in FUNCTION_WORDS


def tidy_spans(text: str, spans: Sequence[Span], sentences: Sequence[Span]) -> list[Span]:
    """``spans`` cut at sentence boundaries and cleaned (see the module docstring), sorted."""
    bounds = sorted((s.start, s.end) for s in sentences)
    out: set[Span] = set()
    for span in spans:
        pieces = [
            (max(span.start, a), min(span.end, b), a, b)
            for a, b in bounds
            if a < span.end and span.start < b
        ]
        if not pieces:  # outside every sentence (whitespace between them): nothing to show
            continue
        for start, end, lo, hi in pieces:
            start, end = _fix_quotes(text, *trimmed(text, start, end), lo, hi)
            piece = text[start:end]
            if end <= start or not _has_word(piece) or _is_function_word(piece):
                continue
            out.add(Span(start, end, span.label, span.score, span.source, span.meta))
    return sorted(out)
