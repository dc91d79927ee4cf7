"""Benchmark the shipped tagger: throughput, latency, cold start, peak RSS, and naive torch.

Usage::

    python benchmarks/bench_tagger.py [--data DIR] [--runs 3] [--checkpoint runs/tagger/model.pt]

Runs on the 75 PTC-dev articles. Prints figures; asserts nothing. The cold start and peak RSS
are measured in fresh subprocesses (import + load + first article). With ``--checkpoint`` (the
``model.pt`` of a training run) the same fine-tuned weights are also run naively through torch
fp32, one sentence at a time, for comparison.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

COLD = textwrap.dedent(
    """
    import json, resource, sys, time
    t0 = time.perf_counter()
    from spinscope.document import Document
    from spinscope.tagger.model import Tagger
    tagger = Tagger().load()
    text = open(sys.argv[1], encoding="utf-8", newline="").read()
    t1 = time.perf_counter()
    tagger.predict([Document("x", text)])
    t2 = time.perf_counter()
    docs = [Document(str(i), open(p, encoding="utf-8", newline="").read())
            for i, p in enumerate(sys.argv[2:])]
    tagger.predict(docs)
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers"))
    print(json.dumps({"load_s": t1 - t0, "cold_start_s": t2 - t0,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "heavy_modules": heavy[:3]}))
    """
)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checkpoint", default=None)
    parser.add_argument("--naive-articles", type=int, default=75)
    args = parser.parse_args()

    from spinscope.corpora import load_ptc
    from spinscope.document import Document
    from spinscope.tagger.model import Tagger

    docs = [Document(d.id, d.text) for d in load_ptc("dev", args.data)]
    words = [len(d.text.split()) for d in docs]
    typical = [d for d, w in zip(docs, words, strict=True) if 500 <= w <= 800]
    print(
        f"dev articles: {len(docs)}, words median {statistics.median(words):.0f}, "
        f"typical (500-800 words): {len(typical)}"
    )

    meds = {}
    for batch_size in (1, 8):
        tagger = Tagger(batch_size=batch_size).load()
        tagger.predict(docs[:2])  # warm-up
        timings = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            tagger.predict(docs)
            timings.append(time.perf_counter() - t0)
        meds[batch_size] = med = statistics.median(timings)
        print(
            f"onnx int8, {batch_size:2d} windows per batch: {len(docs) / med:.1f} articles/s, "
            f"{1000 * med / len(docs):.1f} ms/article "
            f"(median of {args.runs} runs over the dev set)"
        )
    tagger = Tagger().load()
    med = meds[tagger.batch_size]
    per_article = []
    for d in typical:
        t0 = time.perf_counter()
        tagger.predict([d])
        per_article.append(time.perf_counter() - t0)
    if per_article:
        m = statistics.median(per_article)
        print(
            f"onnx int8, one typical article at a time: {1 / m:.1f} articles/s, "
            f"{1000 * m:.1f} ms/article (median over {len(per_article)} articles)"
        )

    paths = []
    if args.data:
        root = Path(args.data)
    else:
        from spinscope.corpora.datapath import data_root

        root = data_root()
    paths = sorted((root / "ptc" / "dev-articles").glob("article*.txt"))
    first = next(p for p in paths if p.stem[7:] == (typical[0].id if typical else docs[0].id))
    colds = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(first), *map(str, paths)],
            check=True,
            capture_output=True,
            text=True,
        )
        colds.append(json.loads(out.stdout))
    print(
        f"cold start (import + load + first article): "
        f"{statistics.median(c['cold_start_s'] for c in colds):.2f} s "
        f"(load {statistics.median(c['load_s'] for c in colds):.2f} s); "
        f"peak RSS after all 75 articles: {max(c['peak_rss_mb'] for c in colds):.0f} MB; "
        f"torch/transformers imported: {colds[0]['heavy_modules'] or 'no'}"
    )

    if args.checkpoint:
        subset = docs[: args.naive_articles]
        naive = naive_torch(Path(args.checkpoint), subset)
        onnx = min(_timed(lambda: tagger.predict(subset)) for _ in range(args.runs))
        print(
            f"naive torch fp32, one sentence at a time ({len(subset)} articles): "
            f"{len(subset) / naive:.2f} articles/s, {1000 * naive / len(subset):.1f} ms/article; "
            f"the shipped onnx int8 path on the same articles: {len(subset) / onnx:.2f} "
            f"articles/s -> {naive / onnx:.1f}x faster"
        )


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def naive_torch(checkpoint: Path, docs: list) -> float:  # type: ignore[type-arg]
    """Seconds to run the fine-tuned torch model fp32 over every sentence, one at a time."""
    import torch

    from spinscope.segment import sentences
    from spinscope.training.tagger import TokenTaggerModel, TrainConfig, load_encoder

    torch.set_num_threads(2)
    cfg = TrainConfig()
    encoder, tokenizer = load_encoder(cfg)
    model = TokenTaggerModel.build(encoder, 0.0)
    model.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    model.eval()
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    t0 = time.perf_counter()
    with torch.no_grad():
        for d in docs:
            for s in sentences(d.text):
                ids = tokenizer.encode(d.text[s.start : s.end], add_special_tokens=False).ids
                ids = [cls_id, *ids[:254], sep_id]
                x = torch.tensor([ids])
                torch.sigmoid(model(x, torch.ones_like(x)))
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
