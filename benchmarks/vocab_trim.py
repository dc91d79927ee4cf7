"""What trimming multilingual-e5-small's vocabulary costs, measured on the development articles.

Usage::

    python benchmarks/vocab_trim.py [--data DIR] [--general 10000] [--paragraphs 50]
                                    [--save runs/vocab/keep.npy]

Builds the trimmed vocabulary (:func:`spinscope.training.vocab.trimmed_vocabulary`, from the
training articles only) and prints, per language, on up to ``--paragraphs`` paragraphs of at
least 100 characters from each language's development articles: the share of the full
tokenizer's tokens that were kept, the share of paragraphs tokenised differently, and the cosine
between the full and the trimmed encoder's mean-pooled embeddings. Also prints the sizes.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np

from spinscope.corpora.splits import TRAINING_LANGUAGES
from spinscope.training.e5 import build_encoder, build_tokenizer, read_e5
from spinscope.training.vocab import corpus_texts, trim_report, trimmed_vocabulary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=None)
    parser.add_argument("--general", type=int, default=10_000)
    parser.add_argument("--paragraphs", type=int, default=50)
    parser.add_argument("--save", default=None, help="write the kept ids here (.npy)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(2)
    t0 = time.perf_counter()
    e5 = read_e5()
    full_tok = build_tokenizer(e5)
    keep = trimmed_vocabulary(e5, full_tok, args.data, general=args.general)
    print(f"kept {len(keep):,} of {len(e5.pieces):,} pieces ({time.perf_counter() - t0:.0f} s)")
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        np.save(args.save, np.asarray(keep, dtype=np.int64))
    trim_tok = build_tokenizer(e5, keep)
    full = (build_encoder(e5).eval(), full_tok)
    trimmed = (build_encoder(e5, keep).eval(), trim_tok)
    params = sum(p.numel() for p in trimmed[0].parameters())
    print(f"trimmed encoder: {params / 1e6:.1f} M parameters (full: 117.5 M)")
    print(f"{'lang':<5} {'paras':>6} {'tok cov':>8} {'re-seg':>7} {'cos mean':>9} {'cos min':>8}")
    rng = random.Random(13)
    for lang in TRAINING_LANGUAGES:
        paras = [
            p
            for _, _, text in corpus_texts(args.data, dev=True, langs=[lang])
            for p in text.split("\n")
            if len(p.strip()) >= 100
        ]
        sample = rng.sample(paras, min(args.paragraphs, len(paras)))
        r = trim_report(full, trimmed, keep, sample)
        print(
            f"{lang:<5} {int(r['texts']):>6} {r['token_coverage']:8.4f} "
            f"{r['texts_tokenised_differently']:7.3f} {r['cosine_mean']:9.5f} "
            f"{r['cosine_min']:8.5f}"
        )


if __name__ == "__main__":
    main()
