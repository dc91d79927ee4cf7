"""Names spelled more than one way within one article ("Tikhanovskaya" and "Tihanovska").

Inconsistent spelling of a person or place is a sign of careless or machine-translated copy,
and a reader comparing sources needs to know both spellings. Candidates are capitalised words
of five or more letters (a possessive 's dropped) whose lowercase form never occurs in the
article (so "Western" next to "pro-western" is a common word, not a name) and which are not
function words or month and day names. Two candidates are variants of one name when they share
their first two letters, differ by at most a quarter of their length in edits (Levenshtein),
and are not one word with different endings ("Belarus" and "Belarusian", "Ukraine" and
"Ukrainian"; in Russian, Polish and German also the case endings: "Макрону" and "Макроном").
Variants are grouped transitively.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spinscope.detectors.baseline import load_lexicon
from spinscope.signals import LISTED_OCCURRENCES

__all__ = ["NameVariant", "NameVariants", "find_name_variants", "levenshtein"]

_MIN_LETTERS = 5
_WORD = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"[’']s?$")
# Endings that make another word of the same family; a pair whose stems meet is not flagged.
_SUFFIXES = (
    "s", "es", "a", "e", "y", "i", "n", "an", "ans", "ian", "ians", "ean", "eans", "ese",
    "ish", "ic", "ics", "ism", "ist", "ists", "ern", "er", "ers", "ed", "ing", "ly", "ite",
    "ites",
)  # fmt: skip
# Real, distinct names that the edit-distance test would take for one.
_DISTINCT = frozenset(
    frozenset(pair)
    for pair in (
        ("austria", "australia"),
        ("austrian", "australian"),
        ("slovakia", "slovenia"),
        ("slovak", "slovene"),
        ("slovakian", "slovenian"),
        ("mauritania", "mauritius"),
        ("johnson", "johnston"),
    )
)
_COUNT_WORDS = {2: "two", 3: "three", 4: "four"}
_CALENDAR = frozenset(
    """january february march april june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def levenshtein(a: str, b: str, limit: int | None = None) -> int:
    """Edit distance of ``a`` and ``b``; stops early past ``limit`` (returning ``limit + 1``)."""
    if len(a) < len(b):
        a, b = b, a
    if limit is not None and len(a) - len(b) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class NameVariant:
    """One spelling of a name, how often it occurs and where (offsets of the first ones).

    ``occurrences`` lists at most :data:`~spinscope.signals.LISTED_OCCURRENCES`; ``count``
    (default: as many as listed) is the number in all.
    """

    form: str
    occurrences: tuple[tuple[int, int], ...]
    count: int = 0

    def __post_init__(self) -> None:
        if self.count < len(self.occurrences):
            object.__setattr__(self, "count", len(self.occurrences))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "form": self.form,
            "count": self.count,
            "occurrences": [{"start": s, "end": e} for s, e in self.occurrences],
        }


@dataclass(frozen=True)
class NameVariants:
    """Spellings that look like one name, most frequent first."""

    variants: tuple[NameVariant, ...]

    @property
    def message(self) -> str:
        """A sentence for the reader."""
        shown = " and ".join(f"“{v.form}” ({v.count}×)" for v in self.variants)
        n = len(self.variants)
        return (
            f"{shown} may be one name spelled {_COUNT_WORDS.get(n, str(n))} ways: check "
            "which spelling is right before quoting or searching for it."
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"message": self.message, "variants": [v.to_dict() for v in self.variants]}


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(load_lexicon("stopwords.txt")) | _CALENDAR


# Case endings of names in inflected languages ("Макрону", "Макроном" are one name, in the
# dative and the instrumental): Russian (and other Cyrillic text), Polish, German.
_CASE_ENDINGS: dict[str, tuple[str, ...]] = {
    "cyrillic": (
        "а", "я", "у", "ю", "е", "и", "ы", "ом", "ем", "ём", "ой", "ей", "ою", "ею", "ью",
        "ов", "ев", "ам", "ям", "ами", "ями", "ах", "ях", "ого", "его", "ому", "ему", "ым",
        "им", "ых", "их", "ую", "юю", "ая", "яя", "ое", "ее",
    ),
    "pl": (
        "a", "u", "y", "i", "e", "ę", "ą", "o", "owi", "em", "iem", "ie", "ów", "om", "ami",
        "ach", "ego", "emu", "ej", "ym", "im", "ych", "ich",
    ),
    "de": ("s", "es", "n", "en", "ns", "e"),
}  # fmt: skip


def _stems(word: str, language: str | None = None) -> set[str]:
    out = {word}
    endings = list(_SUFFIXES)
    if any("\u0400" <= ch <= "\u04ff" for ch in word):
        endings += _CASE_ENDINGS["cyrillic"]
    if language in _CASE_ENDINGS:
        endings += _CASE_ENDINGS[language]
    for suffix in endings:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out.add(word[: -len(suffix)])
    return out


def _candidates(text: str) -> dict[str, list[tuple[int, int]]]:
    lowercase: set[str] = set()
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in _WORD.finditer(text):
        word = m.group()
        for part_start, part in _parts(word, m.start()):
            if not part[:1].isupper():
                lowercase.add(part.lower())
                continue
            bare = _POSSESSIVE.sub("", part)
            if len(bare) < _MIN_LETTERS or bare.isupper():
                continue
            found[bare].append((part_start, part_start + len(bare)))
    stop = _stopwords()
    return {
        form: where
        for form, where in found.items()
        if form.lower() not in lowercase and form.lower() not in stop
    }


def _parts(word: str, start: int) -> list[tuple[int, str]]:
    """The hyphen-separated parts of ``word`` with their offsets ("pro-Western" -> 2 parts)."""
    out, pos = [], start
    for part in word.split("-"):
        out.append((pos, part))
        pos += len(part) + 1
    return out


def _similar(a: str, b: str, language: str | None = None) -> bool:
    la, lb = a.lower(), b.lower()
    if la == lb or la[:2] != lb[:2]:
        return False
    if _stems(la, language) & _stems(lb, language) or frozenset((la, lb)) in _DISTINCT:
        return False
    limit = max(1, round(max(len(la), len(lb)) / 4))
    return levenshtein(la, lb, limit) <= limit


def find_name_variants(text: str, language: str | None = None) -> tuple[NameVariants, ...]:
    """Groups of spellings in ``text`` that look like one name, in order of first occurrence.

    ``language`` (ISO 639-1) lets case endings count as one name ("Tuska", "Tuskiem" in
    Polish); Cyrillic words always get the Russian endings.
    """
    forms = _candidates(text)
    buckets: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        buckets[form[:2].lower()].append(form)
    parent = {form: form for form in forms}

    def root(form: str) -> str:
        while parent[form] != form:
            parent[form] = parent[parent[form]]
            form = parent[form]
        return form

    for bucket in buckets.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                if _similar(a, b, language):
                    parent[root(a)] = root(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        groups[root(form)].append(form)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda f: (-len(forms[f]), forms[f][0]))
        out.append(
            NameVariants(
                tuple(
                    NameVariant(f, tuple(forms[f][:LISTED_OCCURRENCES]), len(forms[f]))
                    for f in members
                )
            )
        )
    return tuple(sorted(out, key=lambda g: min(v.occurrences[0] for v in g.variants)))
