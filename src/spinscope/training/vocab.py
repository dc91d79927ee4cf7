"""Trim multilingual-e5-small's 250,002-piece vocabulary to what six languages' news need.

The kept pieces (:func:`trimmed_vocabulary`), in order of their old ids:

1. the four special pieces;
2. every piece the tokenizer produces on the training articles of the six SemEval-2023
   languages (subtasks 1-3; development articles excluded, so that the cost of trimming can be
   measured honestly on them);
3. the ``general`` highest-scoring pieces written in Latin or Cyrillic script (or in no script:
   digits, punctuation). A Unigram piece's score is its log-probability in the tokenizer's
   multilingual training corpus, so these are the most frequent pieces of the scripts our
   languages use;
4. every single-character piece of those scripts, so that any word in them can still be
   spelled with kept pieces.

Viterbi over the kept pieces gives the same pieces as before wherever the best segmentation
only uses kept pieces; other words are spelled with smaller kept pieces (see
:mod:`spinscope.training.e5`). :func:`trim_report` measures what that costs.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.corpora.semeval2023 import semeval2023_article_paths
from spinscope.corpora.splits import TRAINING_LANGUAGES, corpus_code, dev_ids
from spinscope.corpora.textio import read_article
from spinscope.training.e5 import E5File

__all__ = [
    "GENERAL_PIECES",
    "corpus_texts",
    "extended_vocabulary",
    "reference_pieces",
    "script_pieces",
    "trim_report",
    "trimmed_vocabulary",
]

#: How many of the highest-scoring Latin/Cyrillic pieces are kept beyond the training texts'.
GENERAL_PIECES = 10_000


def _in_our_scripts(piece: str) -> bool:
    for ch in piece.replace("▁", ""):
        if not ch.isalpha():
            if ord(ch) >= 0x3000:  # CJK punctuation and symbols
                return False
            continue
        name = unicodedata.name(ch, "")
        if not name.startswith(("LATIN", "CYRILLIC")):
            return False
    return True


def script_pieces(e5: E5File) -> list[int]:
    """Ids of the non-special pieces written in Latin or Cyrillic script, or in none."""
    return [i for i, p in enumerate(e5.pieces) if i > 3 and p != "<mask>" and _in_our_scripts(p)]


def corpus_texts(
    root: str | Path | None, *, dev: bool = False, langs: Sequence[str] = TRAINING_LANGUAGES
) -> Iterable[tuple[str, str, str]]:
    """``(lang, id, text)`` of each SemEval-2023 article (subtasks 1-3, once per id).

    Only training articles (``dev=False``) or only development articles (``dev=True``).
    """
    for lang in langs:
        code, held = corpus_code(lang), dev_ids(lang)
        seen: set[str] = set()
        for subtask in (3, 2, 1):
            for doc_id, path in semeval2023_article_paths(code, root, subtask=subtask).items():
                if doc_id in seen or (doc_id in held) != dev:
                    continue
                seen.add(doc_id)
                yield lang, doc_id, read_article(path)


def trimmed_vocabulary(
    e5: E5File, tokenizer: Any, root: str | Path | None, general: int = GENERAL_PIECES
) -> list[int]:
    """The old piece ids to keep, specials first, then ascending."""
    used: Counter[int] = Counter()
    for _, _, text in corpus_texts(root):
        used.update(tokenizer.encode(text, add_special_tokens=False).ids)
    scripts = script_pieces(e5)
    by_score = sorted(scripts, key=lambda i: (-float(e5.scores[i]), i))
    chars = [i for i in scripts if len(e5.pieces[i].replace("▁", "")) <= 1]
    keep = set(used) | set(by_score[:general]) | set(chars)
    keep -= {0, 1, 2, 3}
    return [0, 1, 2, 3, *sorted(keep)]


def reference_pieces(e5: E5File, tokenizer_json: str | Path | None = None) -> list[int]:
    """The e5 ids of the pieces in a trimmed model's ``tokenizer.json`` (default: the shipped one).

    Empty when the file is missing. A piece e5 does not have is skipped.
    """
    import json

    if tokenizer_json is None:
        from spinscope.tagger.model import default_model_dir

        tokenizer_json = default_model_dir() / "tokenizer.json"
    path = Path(tokenizer_json)
    if not path.is_file():
        return []
    vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    index = {piece: i for i, piece in enumerate(e5.pieces)}
    return [index[piece] for piece, _ in vocab if piece in index]


def extended_vocabulary(
    e5: E5File,
    tokenizer: Any,
    texts: Iterable[str],
    reference: str | Path | None = None,
    general: int = GENERAL_PIECES,
) -> list[int]:
    """The shipped model's pieces plus every piece ``texts`` use, specials first, then ascending.

    For training on your own articles: the vocabulary the shipped model was trimmed to (from
    ``reference``, a ``tokenizer.json``; default the shipped one) keeps what it knows of the
    six languages, and the pieces of the new articles are added so that none of their words
    needs spelling out. Without the reference file, the ``general`` highest-scoring Latin and
    Cyrillic pieces stand in for it. Every single-character piece of those scripts is kept.
    ``tokenizer`` is the full (untrimmed) e5 tokenizer.
    """
    used: set[int] = set()
    for text in texts:
        used.update(tokenizer.encode(text, add_special_tokens=False).ids)
    scripts = script_pieces(e5)
    base = set(reference_pieces(e5, reference))
    if not base:
        base = set(sorted(scripts, key=lambda i: (-float(e5.scores[i]), i))[:general])
    chars = {i for i in scripts if len(e5.pieces[i].replace("▁", "")) <= 1}
    keep = (base | used | chars) - {0, 1, 2, 3}
    return [0, 1, 2, 3, *sorted(keep)]


def trim_report(
    full: tuple[Any, Any],
    trimmed: tuple[Any, Any],
    keep: Sequence[int],
    texts: Sequence[str],
    batch: int = 16,
) -> dict[str, float]:
    """What trimming costs on ``texts``: token coverage and embedding cosine.

    ``full`` and ``trimmed`` are ``(encoder, tokenizer)`` pairs. Figures: the share of the full
    tokenizer's tokens that are kept pieces, the share of texts tokenised differently, and the
    cosine between the two encoders' mean-pooled ``passage:`` embeddings (mean and minimum).
    """
    import torch

    kept = set(keep)
    total = covered = changed = 0
    cosines: list[float] = []
    old_of_new = np.asarray(keep)

    def embed(model: Any, ids: list[list[int]]) -> Any:
        width = max(len(i) for i in ids)
        x = torch.full((len(ids), width), 1, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for row, seq in enumerate(ids):
            x[row, : len(seq)] = torch.tensor(seq)
            mask[row, : len(seq)] = 1
        with torch.no_grad():
            hidden = model(input_ids=x, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).float()
        pooled = (hidden * m).sum(1) / m.sum(1)
        return torch.nn.functional.normalize(pooled, dim=-1)

    for b in range(0, len(texts), batch):
        chunk = [f"passage: {t}" for t in texts[b : b + batch]]
        full_ids = [full[1].encode(t).ids[:512] for t in chunk]
        trim_ids = [trimmed[1].encode(t).ids[:512] for t in chunk]
        for f, t in zip(full_ids, trim_ids, strict=True):
            total += len(f)
            covered += sum(1 for i in f if i in kept)
            changed += int([int(old_of_new[i]) for i in t] != f)
        cosines += (embed(full[0], full_ids) * embed(trimmed[0], trim_ids)).sum(-1).tolist()
    return {
        "texts": float(len(texts)),
        "token_coverage": covered / max(total, 1),
        "texts_tokenised_differently": changed / max(len(texts), 1),
        "cosine_mean": float(np.mean(cosines)) if cosines else 1.0,
        "cosine_min": float(np.min(cosines)) if cosines else 1.0,
    }
