"""Is the text English, and long enough to judge? A stopword-ratio heuristic, no dependency.

The tagger was trained on English news only; on other languages it finds little or nonsense.
English prose is about a quarter function words from :data:`ENGLISH_MARKERS` (words that are
rare in other languages written in Latin script: "the", "and", "of", "which"...); French,
German, Spanish or Italian news scores below 0.05, and text in another script scores 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ENGLISH_MARKERS",
    "MIN_ENGLISH_RATIO",
    "MIN_SENTENCES",
    "MIN_WORDS",
    "LanguageCheck",
    "check_language",
]

#: Frequent English function words that are rare as words of other Latin-script languages
#: ("a", "in", "an", "was", "will", "also" are left out: they are words of German, Italian
#: or Spanish too).
ENGLISH_MARKERS: frozenset[str] = frozenset(
    """the and of to is that with which for from have has had been are it its not by at
    would their they this these those or were be he she his her who what when there than
    but into about after over more said such should could our we you them""".split()
)

#: Below this share of marker words the text is judged not English.
MIN_ENGLISH_RATIO = 0.12
#: Fewer words than this and the article is too short to judge.
MIN_WORDS = 40
#: Fewer sentences than this and the article is too short to judge.
MIN_SENTENCES = 2
#: Fewer words than this and no language is guessed at all.
_MIN_WORDS_FOR_LANGUAGE = 8

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True)
class LanguageCheck:
    """What :func:`check_language` measured.

    ``english`` is ``None`` when the text has too few words to tell.
    """

    english: bool | None
    english_ratio: float
    latin_ratio: float
    words: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "english": self.english,
            "english_ratio": round(self.english_ratio, 4),
            "latin_ratio": round(self.latin_ratio, 4),
            "words": self.words,
        }


def _is_latin(word: str) -> bool:
    return all(ord(c) < 0x250 for c in word)


def check_language(text: str) -> LanguageCheck:
    """Measure how English ``text`` looks: the share of marker words and of Latin-script words."""
    words = _WORD.findall(text)
    n = len(words)
    if n == 0:
        return LanguageCheck(None, 0.0, 0.0, 0)
    markers = sum(1 for w in words if w.lower() in ENGLISH_MARKERS)
    latin = sum(1 for w in words if _is_latin(w))
    ratio, latin_ratio = markers / n, latin / n
    english: bool | None = None
    if n >= _MIN_WORDS_FOR_LANGUAGE:
        english = ratio >= MIN_ENGLISH_RATIO and latin_ratio >= 0.5
    return LanguageCheck(english, ratio, latin_ratio, n)
