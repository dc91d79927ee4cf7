"""How often :func:`~spinscope.signals.language.detect_language` is right on the training corpora.

Run ``python -m spinscope.evaluation.language_id [DATA_ROOT]`` to print the figures that README
quotes: accuracy per language on the whole SemEval-2023 subtask-3 training articles and on
their single paragraphs (lines) of at least 100 characters, and the time per article.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

from spinscope.corpora.semeval2023 import semeval2023_article_paths
from spinscope.corpora.splits import corpus_code
from spinscope.corpora.textio import read_article
from spinscope.segment import paragraphs
from spinscope.signals.language import SUPPORTED_LANGUAGES, detect_language

__all__ = ["MIN_PARAGRAPH_CHARS", "language_accuracy", "main", "training_articles"]

#: Paragraphs shorter than this (stripped) are not scored on their own.
MIN_PARAGRAPH_CHARS = 100


def training_articles(root: str | Path | None = None) -> Iterator[tuple[str, str, str]]:
    """``(language, article id, text)`` of every subtask-3 training article, by language."""
    for lang in SUPPORTED_LANGUAGES:
        for doc_id, path in semeval2023_article_paths(corpus_code(lang), root).items():
            yield lang, doc_id, read_article(path)


def language_accuracy(
    root: str | Path | None = None, *, min_chars: int = MIN_PARAGRAPH_CHARS
) -> dict[str, float]:
    """Detection accuracy on the training articles and paragraphs, overall and per language.

    Keys: ``article_accuracy`` (the primary metric) and ``paragraph_accuracy`` over every
    language, then ``article_accuracy/<lang>``, ``paragraph_accuracy/<lang>``,
    ``n_articles/<lang>`` and ``n_paragraphs/<lang>``.
    """
    right = {(kind, lang): 0 for kind in ("article", "paragraph") for lang in SUPPORTED_LANGUAGES}
    seen = dict.fromkeys(right, 0)
    for lang, _, text in training_articles(root):
        seen["article", lang] += 1
        right["article", lang] += detect_language(text)[0] == lang
        for para in paragraphs(text):
            piece = text[para.start : para.end].strip()
            if len(piece) >= min_chars:
                seen["paragraph", lang] += 1
                right["paragraph", lang] += detect_language(piece)[0] == lang
    scores: dict[str, float] = {}
    for kind in ("article", "paragraph"):
        total = sum(seen[kind, lang] for lang in SUPPORTED_LANGUAGES)
        good = sum(right[kind, lang] for lang in SUPPORTED_LANGUAGES)
        scores[f"{kind}_accuracy"] = good / total if total else 0.0
    for lang in SUPPORTED_LANGUAGES:
        for kind in ("article", "paragraph"):
            n = seen[kind, lang]
            scores[f"{kind}_accuracy/{lang}"] = right[kind, lang] / n if n else 0.0
            scores[f"n_{kind}s/{lang}"] = float(n)
    return scores


def main(argv: list[str] | None = None) -> None:
    """Print the accuracy table and the detection time per article."""
    args = sys.argv[1:] if argv is None else argv
    root = args[0] if args else None
    texts = [text for _, _, text in training_articles(root)]
    detect_language(texts[0])  # load the model outside the timing
    start = time.perf_counter()
    for text in texts:
        detect_language(text)
    ms = 1000 * (time.perf_counter() - start) / len(texts)
    scores = language_accuracy(root)
    print("language  articles  accuracy  paragraphs>=100  accuracy")
    for lang in SUPPORTED_LANGUAGES:
        print(
            f"{lang:8}  {int(scores[f'n_articles/{lang}']):8}  "
            f"{scores[f'article_accuracy/{lang}']:8.4f}  "
            f"{int(scores[f'n_paragraphs/{lang}']):15}  "
            f"{scores[f'paragraph_accuracy/{lang}']:8.4f}"
        )
    print(
        f"all       {len(texts):8}  {scores['article_accuracy']:8.4f}  "
        f"{'':15}  {scores['paragraph_accuracy']:8.4f}"
    )
    print(f"{ms:.2f} ms per article (detection only, model loaded)")


if __name__ == "__main__":
    main()
