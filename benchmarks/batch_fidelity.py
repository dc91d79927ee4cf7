"""How a model's int8 outputs and speed depend on how windows are batched.

Usage::

    python benchmarks/batch_fidelity.py --model src/spinscope/resources/model --articles 60

int8 dynamic quantisation scales activations per model call, so a window's outputs depend on
the windows it is batched with. For each way of batching, against one window per call, this
prints: the largest and mean absolute difference of the word-piece probabilities, the share of
the reference's decoded spans (technique, start, end; the model's own FLC decoding) found
identically, the number of spans decoded, and the model time
per article (in-process, ``--threads`` onnxruntime threads, after one warm-up pass). The ways:
``B`` windows of one article per call (what spinscope does: an article's results never depend
on other articles) and ``mixed B``: ``B`` windows per call from any articles, bucketed by
length across the whole set (the fastest, but an article's results then depend on its
neighbours in the input).

The articles are the PTC dev articles, then PTC train ones (``profile_predict.py``'s).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from profile_predict import article_folder

from spinscope.predict import read_articles
from spinscope.tagger.decode import decode as decode_spans
from spinscope.tagger.labels import OUTPUTS
from spinscope.tagger.model import Tagger
from spinscope.tagger.windows import Window, encode, make_batches, stitch, windows


def _mixed_probs(tagger: Tagger, texts: list[str], batch: int) -> list[np.ndarray]:
    """Word-piece probabilities with windows of any articles batched together."""
    tok = tagger._tokenizer
    cls_id, sep_id, pad_id = tagger._specials
    encoded = [encode(tok, t) for t in texts]
    wins: list[Window] = [
        w for i, e in enumerate(encoded) for w in windows(len(e), i, tagger.window, tagger.stride)
    ]
    parts: list[list[Any]] = [[] for _ in texts]
    for idx, ids, mask in make_batches(
        encoded, wins, cls_id=cls_id, sep_id=sep_id, pad_id=pad_id, batch_size=batch
    ):
        probs = tagger._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        for row, i in enumerate(idx):
            w = wins[i]
            parts[w.doc].append((w, probs[row, 1 : w.end - w.start + 1]))
    return [stitch(len(e), parts[d], len(OUTPUTS)) for d, e in enumerate(encoded)]


def _run(tagger: Tagger, texts: list[str], mixed: int | None) -> tuple[list[np.ndarray], float]:
    started = time.perf_counter()
    if mixed is None:
        probs = [ap.probs for ap in tagger.article_probs(texts)]
    else:
        probs = _mixed_probs(tagger, texts, mixed)
    return probs, time.perf_counter() - started


def main() -> None:
    """Print fidelity and speed of each batching against one window per call."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=None, help="model folder (default: the shipped one)")
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--data", default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sizes", default="1,4,8,16", help="windows per call to try")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-fidelity-") as tmp:
        what = article_folder(Path(tmp), args.articles, args.data)
        docs = read_articles(tmp)
    print(what)
    texts = [d.text for d in docs]
    sizes = [int(s) for s in args.sizes.split(",")]
    base = Tagger(args.model, batch_size=1, threads=args.threads).load()
    cfg = base.decode_config_for("flc")
    print(f"model: {base.path}  articles: {len(texts)}  threads: {args.threads}")
    _run(base, texts[:5], None)  # warm-up
    reference, first_s = _run(base, texts, None)
    ref_s = min(first_s, _run(base, texts, None)[1])
    ref_spans = [
        {(s.label, s.start, s.end) for s in decode_spans(t, ap.encoded.offsets, p, cfg)}
        for t, ap, p in zip(texts, base.article_probs(texts), reference, strict=True)
    ]
    offsets = [ap.encoded.offsets for ap in base.article_probs(texts)]
    n_spans = sum(len(s) for s in ref_spans)
    print(
        f"{'batching':<12} {'ms/article':>10} {'max |dp|':>9} {'mean |dp|':>10} "
        f"{'same spans':>11} {'spans':>6}"
    )
    print(
        f"{'1':<12} {1000 * ref_s / len(texts):>10.1f} {0:>9.4f} {0:>10.5f} {'100.0 %':>11} "
        f"{n_spans:>6}"
    )
    for mixed in (False, True):
        for size in sizes:
            if size == 1 and not mixed:
                continue
            tagger = Tagger(args.model, batch_size=size, threads=args.threads).load()
            _run(tagger, texts[:5], size if mixed else None)
            times, probs = [], reference
            for _ in range(2):
                probs, took = _run(tagger, texts, size if mixed else None)
                times.append(took)
            diffs = [np.abs(a - b) for a, b in zip(probs, reference, strict=True)]
            same = total = 0
            for t, off, p, ref in zip(texts, offsets, probs, ref_spans, strict=True):
                found = {(s.label, s.start, s.end) for s in decode_spans(t, off, p, cfg)}
                same += len(found & ref)
                total += len(found)
            label = f"mixed {size}" if mixed else str(size)
            print(
                f"{label:<12} {1000 * statistics.median(times) / len(texts):>10.1f} "
                f"{max(float(d.max()) for d in diffs):>9.4f} "
                f"{statistics.fmean(float(d.mean()) for d in diffs):>10.5f} "
                f"{100 * same / max(1, n_spans):>10.1f} % {total:>6}"
            )
    print(f"reference spans: {n_spans} (one window per call)")


if __name__ == "__main__":
    main()
