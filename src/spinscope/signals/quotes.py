"""Quotations: reported speech and who said it, and scare quotes.

Readers object when an article is blamed for words it quotes, so every quotation is found and
classified (:attr:`Quotation.kind`):

* ``speech`` -- reported speech: attributed ("…”, reads the statement", "X said: “…”",
  "according to X, “…”"), or unattributed but longer than a few words. ``speaker`` holds the
  attribution's subject when one is found ("the statement", "Vladimir Putin", "he");
* ``scare`` -- scare quotes: one to four words in quotation marks, not attributed, not a
  sentence, and not a name or title (“peaceful” demonstrators). These are the author's voice:
  the marks distance the author from the word, often to mock it;
* ``title`` -- a short quoted phrase whose every word is capitalised (“Nexta”, “War and Peace”):
  a name or a title, neither speech nor scare quotes.

Quotations are found inside one paragraph (a line). Curly double quotes pair “ with the next ”
(an unclosed one runs to the end of the paragraph, as news quotes spanning paragraphs do),
„ with “ or ”, « with », straight double quotes in order; single quotes (‘…’ and '…') are only
taken for short phrases, since apostrophes make longer ones ambiguous.

Two conventions of news writing carry a speaker beyond the attribution itself:

* **Continued quotes**: ``“…,” said Mayor Jane Hardin. “They are traitors…”`` — a quotation
  with no attribution of its own that follows an attributed one, with nothing but the end of
  the attribution's sentence between them (or at the start of the next paragraph), keeps that
  speaker.
* **Pronouns**: ``he said`` / ``she added`` resolve to the last named speaker when the
  quotations of the last :data:`PRONOUN_WINDOW` paragraphs name exactly one person; otherwise
  the pronoun stays the speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spinscope.detectors.baseline import load_lexicon
from spinscope.segment import paragraphs

__all__ = ["KINDS", "PRONOUN_WINDOW", "Quotation", "find_quotations", "quotation_covering"]

#: The kinds of quotation, see the module docstring.
KINDS: tuple[str, ...] = ("speech", "scare", "title")

#: How many paragraphs back (this one included) a pronoun speaker looks for a named speaker.
PRONOUN_WINDOW = 3
#: The most characters between an attributed quotation and its continuation.
_MAX_CONTINUATION_GAP = 60
_MAX_SCARE_WORDS = 4
_MAX_SINGLE_QUOTE_WORDS = 6
_LOOK_AFTER = 80
_LOOK_BEFORE = 160

# Verbs that introduce speech in news beyond the shared speech-verb lexicon.
_EXTRA_VERBS = (
    "stressed",
    "stresses",
    "emphasized",
    "emphasised",
    "emphasizes",
    "emphasises",
    "underlined",
    "pointed out",
    "assured",
    "admitted",
    "confirmed",
    "denied",
    "promised",
    "suggested",
    "urged",
    "commented",
    "recalled",
    "concluded",
    "explained",
    "believes",
    "believed",
)

# Who speaks: a determiner phrase ("the statement", "the Kremlin's press service", "the
# statement of the fishermen's union"), a name ("Vladimir Putin", "Mr. Smith"), or a pronoun.
_NAME_WORD = r"[A-Z][\w’'.\-]*"
# a word of a determiner phrase: not a preposition or conjunction that would start a new clause
_PHRASE_WORD = (
    r"(?!(?i:of|on|in|at|to|for|after|before|with|and|but|or|as|that|which|who|when|while|from|"
    r"by|during|since|on|last|yesterday|today|tonight|earlier|later)\b)[\w’'\-]+"
)
_DET_PHRASE = (
    rf"(?i:the|a|an|his|her|their|its|this|that)\s+(?:{_PHRASE_WORD}\s+){{0,3}}{_PHRASE_WORD}"
    rf"(?:\s+of\s+(?:the\s+)?(?:{_PHRASE_WORD}\s+){{0,2}}{_PHRASE_WORD})?"
)
_SPEAKER = (
    rf"(?:{_DET_PHRASE}"
    rf"|{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|van|von|al|bin|der|la|le)){{0,4}}"
    r"|(?i:he|she|they|it|we|I|you))"
)
_DASHES = r"[\s,–—\-]*"


@lru_cache(maxsize=1)
def _verbs() -> str:
    verbs = {*load_lexicon("speech_verbs.txt"), *_EXTRA_VERBS}
    verbs.discard("according to")
    words = sorted(verbs, key=len, reverse=True)
    return "(?i:" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in words) + ")"


@lru_cache(maxsize=1)
def _after() -> tuple[re.Pattern[str], re.Pattern[str]]:
    verbs = _verbs()
    verb_first = re.compile(rf"{_DASHES}(?P<verb>{verbs})\s+(?P<speaker>{_SPEAKER})\b")
    speaker_first = re.compile(
        rf"{_DASHES}(?P<speaker>{_SPEAKER})\s+(?:\w+\s+)?(?P<verb>{verbs})\b"
    )
    return verb_first, speaker_first


@lru_cache(maxsize=1)
def _before() -> tuple[re.Pattern[str], re.Pattern[str]]:
    verbs = _verbs()
    said = re.compile(
        rf"(?P<speaker>{_SPEAKER})\s+(?:\w+\s+)?(?P<verb>{verbs})\b"
        r"(?:\s+[\w’']+){0,3}?[\s,:]*(?:that\s+)?$"
    )
    according = re.compile(rf"(?P<verb>(?i:according\s+to))\s+(?P<speaker>{_SPEAKER})[\s,:]*$")
    return said, according


@dataclass(frozen=True)
class Quotation:
    """A quotation ``[start, end)`` of the text, quote marks included.

    ``speaker`` and ``speaker_start``/``speaker_end`` locate who is said to speak, when the
    attribution was found; ``cue`` is the attribution as written ("reads the statement").
    """

    start: int
    end: int
    kind: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None

    @property
    def inner(self) -> tuple[int, int]:
        """The quoted words without the quote marks (an unclosed quote keeps its end)."""
        return self.start + 1, max(self.start + 1, self.end - 1)

    def to_dict(self, text: str) -> dict[str, Any]:
        """A JSON-ready dict; ``text`` is the article the offsets count in."""
        return {
            "start": self.start,
            "end": self.end,
            "text": text[self.start : self.end],
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_start": self.speaker_start,
            "speaker_end": self.speaker_end,
            "cue": self.cue,
        }


# Lowercase words that a title may hold ("War and Peace", "Lord of the Rings").
_TITLE_SMALL_WORDS = frozenset("a an and at de for in la of on or the to von".split())

_OPEN_CLOSE = {"“": "”", "„": "“”", "«": "»", '"': '"'}
_SINGLE = re.compile(r"(?<![\w'’])(?:‘[^‘’\n]{1,60}?’|'[^'\n]{1,60}?')(?![\w'’])")


def _regions(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """``(start, end, closed)`` of the double-quoted regions in ``text[start:end]``."""
    out: list[tuple[int, int, bool]] = []
    i = start
    while i < end:
        c = text[i]
        if c in _OPEN_CLOSE:
            closers = _OPEN_CLOSE[c]
            j = next((k for k in range(i + 1, end) if text[k] in closers), -1)
            if j == -1:
                # a straight quote with no partner is most likely an inch mark: skip it
                if c != '"':
                    out.append((i, end, False))
                i = end if c != '"' else i + 1
                continue
            out.append((i, j + 1, True))
            i = j + 1
        else:
            i += 1
    return out


def _attribution(
    text: str, q_start: int, q_end: int, para_start: int, para_end: int
) -> tuple[str, int, int, str] | None:
    """``(speaker, start, end, cue)`` of the attribution around a quotation, if any."""
    after = text[q_end : min(para_end, q_end + _LOOK_AFTER)]
    for pattern in _after():
        m = pattern.match(after)
        if m:
            s, e = m.span("speaker")
            cue = after[m.start("verb") if m.start("verb") < s else s : m.end()].strip()
            return after[s:e], q_end + s, q_end + e, cue
    lo = max(para_start, q_start - _LOOK_BEFORE)
    before = text[lo:q_start]
    for pattern in _before():
        m = pattern.search(before)
        if m:
            s, e = m.span("speaker")
            cue = before[min(s, m.start("verb")) :].strip(" ,:")
            return before[s:e], lo + s, lo + e, cue
    return None


def _short_kind(inner: str) -> str | None:
    """``scare`` or ``title`` for a short unattributed phrase, ``None`` if it reads as speech."""
    words = inner.split()
    if not (1 <= len(words) <= _MAX_SCARE_WORDS) or not inner[:1].isalnum():
        return None
    if inner.rstrip()[-1:] in ".,!?;:…":
        return None  # a fragment of speech ("No," he said) or a full sentence
    if words[0][:1].isupper() and all(
        w[:1].isupper() or not w[:1].isalpha() or w in _TITLE_SMALL_WORDS for w in words
    ):
        return "title"
    return "scare"


def _classify(
    text: str, start: int, end: int, closed: bool, para: tuple[int, int]
) -> Quotation | None:
    inner = text[start + 1 : end - 1 if closed else end].strip()
    if not inner:
        return None
    kind = _short_kind(inner) if closed else None
    if kind == "title":
        return Quotation(start, end, kind)
    found = _attribution(text, start, end, *para)
    if found is not None:
        speaker, s, e, cue = found
        return Quotation(start, end, "speech", speaker, s, e, cue)
    return Quotation(start, end, kind or "speech")


_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you"})
_NAMED = re.compile(rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|van|von|al|bin|der|la|le))*$")
_GAP = re.compile(r"[^“”„«»\".!?]*[.!?,:;–—]\s*$")
_NOTHING = re.compile(r"[\s.,:;–—]*$")


def _is_named(speaker: str | None) -> bool:
    """Whether ``speaker`` is a person's name ("Jane Hardin"), not a pronoun or a description."""
    if speaker is None or speaker.lower() in _PRONOUNS:
        return False
    return bool(_NAMED.match(speaker)) and speaker.split()[0].lower() not in _DETERMINERS


_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "this", "that"})


_PERSON = re.compile(r"\b[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)+")


def _other_names(text: str, source: Quotation, q: Quotation, quotes: Sequence[Quotation]) -> bool:
    """Whether the narration between ``source``'s attribution and ``q`` names someone else.

    ("Councilman Bob Reyes disagreed. “…,” he said": "he" is not the earlier speaker.)
    """
    assert source.speaker is not None
    start = max(source.end, source.speaker_end or source.end)
    inside = [(p.start, p.end) for p in quotes if p.start >= start] + [(q.start, q.end)]
    for m in _PERSON.finditer(text, start, q.start):
        if any(a <= m.start() < b for a, b in inside):
            continue
        words = set(m.group().split()) - {"The", "A", "An", "This", "That", "His", "Her"}
        if words and not words <= set(source.speaker.split()):
            return True
    return False


def _carry_speakers(text: str, quotes: list[Quotation]) -> list[Quotation]:
    """Give continued quotations their speaker, and pronoun speakers their name (see above)."""
    breaks = [m.start() for m in re.finditer("\n", text)]

    def line_of(pos: int) -> int:
        return bisect_right(breaks, pos - 1)

    out: list[Quotation] = []
    previous: Quotation | None = None  # the last speech quotation with a speaker
    tail = 0  # where that quotation's attribution ends
    for q in quotes:
        own_tail = max(q.end, q.speaker_end or q.end)
        if q.kind == "speech" and q.speaker is None and previous is not None:
            gap = text[tail : q.start]
            # after an attribution that follows its quotation, the rest of that sentence may
            # stand between ("…,” she added, to loud applause. “…”); otherwise nothing may
            after = tail > previous.end
            pattern = _GAP if after else _NOTHING
            first, _, rest = gap.partition("\n")
            same = line_of(tail) == line_of(q.start) and pattern.match(gap) is not None
            next_para = (
                line_of(q.start) == line_of(tail) + 1
                and not rest.strip()
                and (not first.strip() or pattern.match(first) is not None)
            )
            if len(gap) <= _MAX_CONTINUATION_GAP and (same or next_para):
                q = Quotation(
                    q.start,
                    q.end,
                    q.kind,
                    previous.speaker,
                    previous.speaker_start,
                    previous.speaker_end,
                    "continues the quotation before it",
                )
        if q.kind == "speech" and q.speaker is not None and q.speaker.lower() in ("he", "she"):
            named = {
                p.speaker: p
                for p in out
                if p.kind == "speech"
                and _is_named(p.speaker)
                and line_of(q.start) - line_of(p.start) < PRONOUN_WINDOW
            }
            if len(named) == 1 and not _other_names(text, next(iter(named.values())), q, out):
                (source,) = named.values()
                q = Quotation(
                    q.start,
                    q.end,
                    q.kind,
                    source.speaker,
                    source.speaker_start,
                    source.speaker_end,
                    q.cue,
                )
        if q.kind == "speech" and q.speaker is not None:
            previous, tail = q, own_tail
        out.append(q)
    return out


def find_quotations(text: str) -> tuple[Quotation, ...]:
    """Every quotation of ``text``, sorted by position (see the module docstring)."""
    out: list[Quotation] = []
    for para in paragraphs(text):
        bounds = (para.start, para.end)
        regions = _regions(text, para.start, para.end)
        for start, end, closed in regions:
            q = _classify(text, start, end, closed, bounds)
            if q is not None:
                out.append(q)
        for m in _SINGLE.finditer(text, para.start, para.end):
            start, end = m.span()
            if any(a <= start < b for a, b, _ in regions):
                continue
            inner = text[start + 1 : end - 1]
            if len(inner.split()) > _MAX_SINGLE_QUOTE_WORDS or not inner[:1].isalnum():
                continue
            q = _classify(text, start, end, True, bounds)
            if q is not None:
                out.append(q)
    return tuple(_carry_speakers(text, sorted(out, key=lambda q: (q.start, q.end))))


def quotation_covering(
    quotations: Sequence[Quotation], start: int, end: int, kind: str = "speech"
) -> Quotation | None:
    """The quotation of ``kind`` holding at least half of ``[start, end)``, if any."""
    size = max(1, end - start)
    for q in quotations:
        if q.kind != kind:
            continue
        a, b = q.inner if kind == "speech" else (q.start, q.end)
        if a >= end:
            break
        if 2 * (min(b, end) - max(a, start)) >= size:
            return q
    return None
