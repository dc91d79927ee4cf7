"""The article's language (detected, or given by the caller) and whether it is long enough.

The language is detected with py3langid (a Naive Bayes classifier over byte n-grams, 140
languages, numpy only), paragraph by paragraph: each line of text (short lines joined to the
next until :data:`MIN_BLOCK_LETTERS` letters) is classified, and each language gets the letters
of its paragraphs. The article's language is the one with most letters; the others that hold
at least :data:`MIN_OTHER_SHARE` of the letters make the text "mixed".

Every language stays a candidate, so that Spanish or Ukrainian is reported as such, but a
paragraph whose best supported language (:data:`SUPPORTED_LANGUAGES`) scores within
:data:`SUPPORTED_MARGIN` per byte of the best language overall is given to the supported one:
that fixes English headlines and tweets read as Nigerian Pidgin, while real Spanish, Ukrainian
or Bulgarian text scores five times further away (measured on the SemEval-2023 training
paragraphs and on hand-written paragraphs in 20 other languages).

Fewer than :data:`MIN_LETTERS` letters and no language is guessed (below that, py3langid is
wrong on more than one paragraph start in twenty). ``python -m spinscope.evaluation.language_id``
measures the accuracy on the training articles.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spinscope.errors import InputError
from spinscope.signals.iso639 import DETECTOR_ALIASES, DETECTOR_NAMES, ISO_639_1

__all__ = [
    "ENGLISH_MARKERS",
    "MIN_BLOCK_LETTERS",
    "MIN_LETTERS",
    "MIN_OTHER_SHARE",
    "MIN_SENTENCES",
    "MIN_WORDS",
    "SUPPORTED_LANGUAGES",
    "SUPPORTED_MARGIN",
    "LanguageCheck",
    "check_language",
    "detect_language",
    "language_code",
    "language_name",
]

#: The languages spinscope is trained on (ISO 639-1): no language warning for these.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "it", "pl", "ru")

#: Fewer words than this and the article is too short to judge.
MIN_WORDS = 40
#: Fewer sentences than this and the article is too short to judge.
MIN_SENTENCES = 2
#: Fewer letters than this and no language is guessed.
MIN_LETTERS = 30
#: Lines with fewer letters are classified together with the lines that follow them.
MIN_BLOCK_LETTERS = 40
#: A supported language this close to the best one (log-likelihood per byte) is preferred.
SUPPORTED_MARGIN = 0.05
#: Another language holding at least this share of the letters makes the text mixed.
MIN_OTHER_SHARE = 0.1

#: Frequent English function words, rare as words of other Latin-script languages; their share
#: (``english_ratio``) is kept in the report for readers of the first schema version.
ENGLISH_MARKERS: frozenset[str] = frozenset(
    """the and of to is that with which for from have has had been are it its not by at
    would their they this these those or were be he she his her who what when there than
    but into about after over more said such should could our we you them""".split()
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_LETTER = re.compile(r"[^\W\d_]")
_SOURCES = ("detected", "given")


def language_name(code: str | None) -> str | None:
    """The English name of a language code ("fr" -> "French"); the code itself if unknown."""
    if code is None:
        return None
    return ISO_639_1.get(code) or DETECTOR_NAMES.get(code) or code


def _listed(codes: tuple[str, ...]) -> str:
    return ", ".join(f"{c} ({ISO_639_1[c]})" for c in codes)


def language_code(code: str) -> str:
    """``code`` checked and normalised: a known ISO 639-1 code, in lower case.

    Raises :class:`~spinscope.errors.InputError` listing the supported codes when ``code`` is
    not an ISO 639-1 code. A known code outside :data:`SUPPORTED_LANGUAGES` is accepted (the
    report then warns that the model was not trained on it).
    """
    normalised = code.strip().lower() if isinstance(code, str) else code
    if isinstance(normalised, str) and normalised in ISO_639_1:
        return normalised
    raise InputError(
        f"unknown language {code!r}: give an ISO 639-1 code. spinscope supports "
        f"{_listed(SUPPORTED_LANGUAGES)}; other ISO 639-1 codes (es, uk...) are accepted with "
        "a warning."
    )


@dataclass(frozen=True)
class LanguageCheck:
    """The article's language and what was measured to find it.

    ``code`` is the ISO 639-1 code (or, for the few languages without one, the detector's
    ISO 639-3 code), ``None`` when the language cannot be told (no letters, or too few).
    ``source`` is ``"detected"`` or ``"given"`` (the caller's ``language``). ``shares`` is the
    share of the letters in each detected language, largest first (empty when given or
    unknown). ``words`` counts the words (the "too short" warning reads it); ``english_ratio``
    and ``latin_ratio`` are the shares of common English function words and of Latin-script
    words.
    """

    code: str | None
    source: str = "detected"
    shares: Mapping[str, float] = field(default_factory=dict)
    letters: int = 0
    words: int = 0
    english_ratio: float = 0.0
    latin_ratio: float = 0.0

    @property
    def name(self) -> str | None:
        """The language's English name ("French"), ``None`` when unknown."""
        return language_name(self.code)

    @property
    def supported(self) -> bool:
        """Whether spinscope is trained on the language."""
        return self.code in SUPPORTED_LANGUAGES

    @property
    def english(self) -> bool | None:
        """Whether the text is English; ``None`` when the language is unknown."""
        return None if self.code is None else self.code == "en"

    @property
    def others(self) -> tuple[str, ...]:
        """The other languages holding at least :data:`MIN_OTHER_SHARE` of the letters."""
        return tuple(
            c for c, share in self.shares.items() if c != self.code and share >= MIN_OTHER_SHARE
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``name``, ``supported`` and ``english`` are derived)."""
        return {
            "code": self.code,
            "name": self.name,
            "supported": self.supported,
            "source": self.source,
            "shares": {c: round(s, 4) for c, s in self.shares.items()},
            "letters": self.letters,
            "english": self.english,
            "english_ratio": round(self.english_ratio, 4),
            "latin_ratio": round(self.latin_ratio, 4),
            "words": self.words,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LanguageCheck:
        """Inverse of :meth:`to_dict`; also reads the layout before language codes.

        That layout said only whether the text was English (``english``): true reads as
        ``en``, anything else as unknown.
        """
        if "code" in data:
            code = data["code"]
        else:
            code = "en" if data.get("english") is True else None
        source = str(data.get("source", "detected"))
        if source not in _SOURCES:
            raise ValueError(f"language source {source!r} is not one of {_SOURCES}")
        return cls(
            code=None if code is None else str(code),
            source=source,
            shares={str(c): float(s) for c, s in dict(data.get("shares", {})).items()},
            letters=int(data.get("letters", 0)),
            words=int(data["words"]),
            english_ratio=float(data["english_ratio"]),
            latin_ratio=float(data["latin_ratio"]),
        )


_IDENTIFIER_LOCK = threading.Lock()


@cache
def _loaded_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def _identifier() -> Any:
    """py3langid's classifier over all its languages, loaded once (about half a second)."""
    with _IDENTIFIER_LOCK:  # a caller arriving during a preload waits for it, not loads again
        return _loaded_identifier()


def preload() -> threading.Thread:
    """Start loading the language identifier in a background thread; return the thread.

    The load is mostly decompression, which runs outside the GIL: a command that will detect
    languages starts it first and loads its model meanwhile (its cold start is shorter).
    """
    thread = threading.Thread(target=_identifier, name="spinscope-langid", daemon=True)
    thread.start()
    return thread


def _blocks(text: str) -> list[tuple[str, int]]:
    """The text's lines, short ones joined to the next, each with its number of letters."""
    blocks: list[tuple[str, int]] = []
    lines: list[str] = []
    letters = 0
    for line in text.split("\n"):
        n = len(_LETTER.findall(line))
        if n == 0:
            continue
        lines.append(line)
        letters += n
        if letters >= MIN_BLOCK_LETTERS:
            blocks.append(("\n".join(lines), letters))
            lines, letters = [], 0
    if lines:
        if blocks:  # too short to stand alone: join the last block
            last, n = blocks.pop()
            blocks.append((last + "\n" + "\n".join(lines), n + letters))
        else:
            blocks.append(("\n".join(lines), letters))
    return blocks


def _classify(block: str) -> str | None:
    ranked = _identifier().rank(block)
    best, score = ranked[0]
    if best not in SUPPORTED_LANGUAGES:
        size = len(block.encode("utf-8", "surrogatepass"))
        for code, other in ranked:
            if code in SUPPORTED_LANGUAGES:
                if (score - other) / size < SUPPORTED_MARGIN:
                    best = code
                break
    return DETECTOR_ALIASES.get(best, best)


def detect_language(text: str) -> tuple[str | None, dict[str, float]]:
    """The language of ``text`` and the share of its letters in each language, largest first.

    The language is ``None`` when the text has fewer than :data:`MIN_LETTERS` letters, or
    when its letters are in no language (the detector's "no linguistic content").
    """
    blocks = _blocks(text)
    if sum(n for _, n in blocks) < MIN_LETTERS:
        return None, {}
    letters: Counter[str] = Counter()
    for block, n in blocks:
        code = _classify(block)
        if code is not None:
            letters[code] += n
    total = sum(letters.values())
    if not total:
        return None, {}
    # most letters first; ties in order of appearance
    shares = {code: n / total for code, n in letters.most_common()}
    return next(iter(shares)), shares


def _is_latin(word: str) -> bool:
    return all(ord(c) < 0x250 for c in word)


def check_language(text: str, language: str | None = None) -> LanguageCheck:
    """Detect the language of ``text``, or take ``language`` (checked by :func:`language_code`).

    Also counts the words, letters, and shares of English function words and Latin-script
    words.
    """
    words = _WORD.findall(text)
    n = len(words)
    ratio = sum(1 for w in words if w.lower() in ENGLISH_MARKERS) / n if n else 0.0
    latin = sum(1 for w in words if _is_latin(w)) / n if n else 0.0
    letters = len(_LETTER.findall(text))
    if language is not None:
        return LanguageCheck(language_code(language), "given", {}, letters, n, ratio, latin)
    code, shares = detect_language(text)
    return LanguageCheck(code, "detected", shares, letters, n, ratio, latin)
