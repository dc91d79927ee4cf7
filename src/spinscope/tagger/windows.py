"""Tokenise an article once, cut it into overlapping model windows, and stitch outputs back.

This module is shared by training (torch) and inference (onnxruntime): it imports only numpy
and the ``tokenizers`` object handed to it. Offsets are character offsets into the article.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "Encoded",
    "Window",
    "encode",
    "make_batches",
    "special_ids",
    "stitch",
    "token_range",
    "windows",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Encoded:
    """An article's word pieces: ids and ``[start, end)`` character offsets, no special tokens."""

    ids: IntArray
    offsets: IntArray  # shape (n, 2)

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True)
class Window:
    """Tokens ``[start, end)`` of one article, fed to the model as one sequence."""

    doc: int
    start: int
    end: int


def special_ids(tokenizer: Any) -> tuple[int, int, int]:
    """``(start, end, padding)`` token ids: BERT's ``[CLS] [SEP] [PAD]`` or ``<s> </s> <pad>``."""
    for start, end, pad in (("[CLS]", "[SEP]", "[PAD]"), ("<s>", "</s>", "<pad>")):
        ids = tokenizer.token_to_id(start), tokenizer.token_to_id(end), tokenizer.token_to_id(pad)
        if ids[0] is not None and ids[1] is not None:
            return int(ids[0]), int(ids[1]), int(ids[2] or 0)
    raise ValueError("the tokenizer has neither [CLS]/[SEP] nor <s>/</s> special tokens")


def encode(tokenizer: Any, text: str) -> Encoded:
    """Tokenise ``text`` with a ``tokenizers.Tokenizer`` (no truncation, no special tokens).

    Tokens with an empty character range (rare normaliser artefacts) are dropped so that every
    token maps to at least one character.
    """
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids = np.asarray(enc.ids, dtype=np.int64)
    offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    keep = offsets[:, 1] > offsets[:, 0]
    return Encoded(ids[keep], offsets[keep])


def token_range(encoded: Encoded, start: int, end: int) -> tuple[int, int]:
    """Word pieces ``[lo, hi)`` whose characters overlap ``[start, end)`` (empty if none)."""
    lo = int(np.searchsorted(encoded.offsets[:, 1], start, side="right"))
    hi = int(np.searchsorted(encoded.offsets[:, 0], end, side="left"))
    return lo, hi


def windows(n_tokens: int, doc: int, length: int, stride: int) -> list[Window]:
    """Windows of at most ``length`` tokens every ``stride`` tokens, covering all tokens.

    The last window is aligned to the end of the article so that it is full when possible.
    """
    if n_tokens <= length:
        return [Window(doc, 0, n_tokens)]
    starts = list(range(0, n_tokens - length, stride))
    starts.append(n_tokens - length)
    return [Window(doc, s, s + length) for s in starts]


def make_batches(
    encoded: Sequence[Encoded],
    wins: Sequence[Window],
    *,
    cls_id: int,
    sep_id: int,
    pad_id: int,
    batch_size: int,
    per_document: bool = False,
) -> Iterator[tuple[list[int], IntArray, IntArray]]:
    """Yield ``(window_indices, input_ids, attention_mask)`` batches, bucketed by length.

    Windows are sorted by length so that padding is small; each sequence is
    ``[CLS] tokens [SEP]``. With ``per_document`` a batch never mixes documents: int8 dynamic
    quantisation scales activations per batch, so this keeps an article's results the same
    whether it is analysed alone or among others.
    """
    order = sorted(range(len(wins)), key=lambda i: wins[i].end - wins[i].start)
    if per_document:
        order = sorted(order, key=lambda i: wins[i].doc)  # stable: by document, then length
    groups: list[list[int]] = []
    for i in order:
        if (
            groups
            and len(groups[-1]) < batch_size
            and (not per_document or wins[groups[-1][0]].doc == wins[i].doc)
        ):
            groups[-1].append(i)
        else:
            groups.append([i])
    for idx in groups:
        width = max(wins[i].end - wins[i].start for i in idx) + 2
        ids = np.full((len(idx), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx):
            w = wins[i]
            n = w.end - w.start
            ids[row, 0] = cls_id
            ids[row, 1 : n + 1] = encoded[w.doc].ids[w.start : w.end]
            ids[row, n + 1] = sep_id
            mask[row, : n + 2] = 1
        yield idx, ids, mask


def stitch(n_tokens: int, parts: Sequence[tuple[Window, FloatArray]], n_outputs: int) -> FloatArray:
    """Average per-token outputs of overlapping windows into one ``(n_tokens, n_outputs)`` array.

    Each part is a window and its outputs for the window's tokens (special tokens removed).
    Tokens near a window's edge have little context, so overlapping windows are weighted by a
    tent that is highest in the window's middle.
    """
    total = np.zeros((n_tokens, n_outputs), dtype=np.float32)
    weight = np.zeros((n_tokens, 1), dtype=np.float32)
    for w, out in parts:
        n = w.end - w.start
        pos = np.arange(n, dtype=np.float32)
        tent = 1.0 + np.minimum(pos, n - 1 - pos)[:, None]
        total[w.start : w.end] += out[:n] * tent
        weight[w.start : w.end] += tent
    return (total / np.maximum(weight, 1e-6)).astype(np.float32)
