"""Phrases the article repeats: the raw material of the Repetition technique, shown as a list.

A phrase is two to five words inside one sentence-like stretch (it does not cross sentence
punctuation, quote marks or brackets), starting and ending with a content word (not a function
word), and occurring at least twice, matched case-insensitively. Phrases whose words are all
capitalised wherever they occur (names: "Alexander Lukashenko") are left out: repeating a name
is how news is written. A phrase inside a longer repeated phrase with the same count is left
out too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spinscope.detectors.baseline import load_lexicon
from spinscope.signals import LISTED_OCCURRENCES

__all__ = ["RepeatedPhrase", "repeated_phrases"]

_MIN_WORDS = 2
_MAX_WORDS = 5
_WORD_AND_GAP = re.compile(r"([^\W_]+(?:['’\-][^\W_]+)*)([^\w]*)")
_BREAK = re.compile(r"[.!?;:\n\"“”«»„()\[\]]")


@dataclass(frozen=True)
class RepeatedPhrase:
    """A phrase (lowercased), how often it occurs and the offsets of its first occurrences.

    ``occurrences`` lists at most :data:`~spinscope.signals.LISTED_OCCURRENCES`; ``count``
    (default: as many as listed) is the number in all.
    """

    phrase: str
    occurrences: tuple[tuple[int, int], ...]
    count: int = 0

    def __post_init__(self) -> None:
        if self.count < len(self.occurrences):
            object.__setattr__(self, "count", len(self.occurrences))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "phrase": self.phrase,
            "count": self.count,
            "occurrences": [{"start": s, "end": e} for s, e in self.occurrences],
        }


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(load_lexicon("stopwords.txt"))


def repeated_phrases(text: str, limit: int = 10) -> tuple[RepeatedPhrase, ...]:
    """Up to ``limit`` repeated phrases of ``text``, longest and most frequent first."""
    words: list[tuple[int, int, str, bool]] = []  # start, end, normalised, capitalised
    segment: list[int] = []
    seg = 0
    for m in _WORD_AND_GAP.finditer(text):
        word = m.group(1)
        words.append((m.start(1), m.end(1), word.lower().replace("’", "'"), word[0].isupper()))
        segment.append(seg)
        if _BREAK.search(m.group(2)):
            seg += 1
    stop = _stopwords()
    content = [w[2] not in stop and not w[2].isdigit() and len(w[2]) > 1 for w in words]
    found: dict[tuple[str, ...], list[int]] = {}
    for size in range(_MAX_WORDS, _MIN_WORDS - 1, -1):
        where: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i in range(len(words) - size + 1):
            j = i + size - 1
            if segment[i] != segment[j] or not (content[i] and content[j]):
                continue
            where[tuple(w[2] for w in words[i : j + 1])].append(i)
        for phrase, starts in where.items():
            if len(starts) < 2:
                continue
            if all(all(words[k][3] for k in range(i, i + size)) for i in starts):
                continue  # a name: capitalised wherever it occurs
            if any(
                len(other) > size and len(at) == len(starts) and _inside(phrase, other)
                for other, at in found.items()
            ):
                continue
            found[phrase] = starts
    out = [
        RepeatedPhrase(
            " ".join(phrase),
            tuple(
                (words[i][0], words[i + len(phrase) - 1][1]) for i in starts[:LISTED_OCCURRENCES]
            ),
            len(starts),
        )
        for phrase, starts in found.items()
    ]
    out.sort(key=lambda p: (-p.count * len(p.phrase.split()), p.occurrences[0]))
    return tuple(out[:limit])


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))
