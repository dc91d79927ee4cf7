"""The fixed development splits of every training language, committed as id lists.

* English: the 75 PTC-dev article ids (the same 75 articles in the SemEval-2023 English data).
* French, German, Italian, Polish, Russian: a seeded 20 % of each language's SemEval-2023
  subtask-3 training articles (``random.Random("spinscope-dev-<code>").sample`` over the sorted
  ids), drawn once and stored in ``resources/splits/<code>-dev.txt`` so that they never move.

Settings are chosen on these articles only; they are never trained on while choosing. The ids
are not corpus text, so the lists may live in the repository.

SemEval-2023 names its German and Polish folders ``ge`` and ``po``; spinscope speaks ISO 639-1
(``de``, ``pl``) everywhere else. :func:`corpus_code` and :func:`iso_code` translate.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import TypeVar

from spinscope.errors import InputError
from spinscope.signals.language import SUPPORTED_LANGUAGES

__all__ = [
    "ISO_TO_CORPUS",
    "TRAINING_LANGUAGES",
    "corpus_code",
    "dev_ids",
    "iso_code",
    "split_by_dev",
]

#: ISO 639-1 code -> the SemEval-2023 folder name of each language with training data.
ISO_TO_CORPUS: dict[str, str] = {
    "en": "en",
    "fr": "fr",
    "de": "ge",
    "it": "it",
    "pl": "po",
    "ru": "ru",
}
_CORPUS_TO_ISO = {v: k for k, v in ISO_TO_CORPUS.items()}

#: The languages spinscope is trained on, as ISO 639-1 codes (the supported languages).
TRAINING_LANGUAGES: tuple[str, ...] = SUPPORTED_LANGUAGES

T = TypeVar("T")


def iso_code(lang: str) -> str:
    """The ISO 639-1 code of ``lang`` (an ISO code or a SemEval-2023 folder name)."""
    if lang in ISO_TO_CORPUS:
        return lang
    if lang in _CORPUS_TO_ISO:
        return _CORPUS_TO_ISO[lang]
    raise InputError(
        f"no training data for language {lang!r}: use one of {', '.join(TRAINING_LANGUAGES)} "
        "(or the SemEval-2023 folder names ge, po for German and Polish)"
    )


def corpus_code(lang: str) -> str:
    """The SemEval-2023 folder name of ``lang`` (``de`` -> ``ge``, ``pl`` -> ``po``)."""
    return ISO_TO_CORPUS[iso_code(lang)]


@cache
def dev_ids(lang: str) -> frozenset[str]:
    """The article ids of ``lang``'s development split (ISO code or SemEval folder name)."""
    code = corpus_code(lang)
    path = resources.files("spinscope") / "resources" / "splits" / f"{code}-dev.txt"
    return frozenset(line.strip() for line in path.read_text("utf-8").split() if line.strip())


def split_by_dev(items: Iterable[T], lang: str, key: str = "id") -> tuple[list[T], list[T]]:
    """``(train, dev)``: the items whose ``key`` attribute is a dev id of ``lang`` go to dev."""
    ids = dev_ids(lang)
    train: list[T] = []
    dev: list[T] = []
    for item in items:
        (dev if getattr(item, key) in ids else train).append(item)
    return train, dev
