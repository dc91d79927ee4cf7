"""Throughput of ``spinscope batch``: documents/s and peak memory per worker, and the scaling.

Builds a JSONL corpus of ``--n`` typical articles (the PTC articles under the data root, cycled
with fresh ids when there are fewer; without the corpora, the files in examples/ instead), then
runs the local engine with each ``--workers`` count and, with ``--ray``, the Ray engine, each
in a fresh process so that memory figures do not mix. Prints documents/s (wall time of the whole
run, starting the workers and loading the model included), the speed-up over the first
configuration, the peak resident memory of each worker, and whether every run wrote the same
tables as the first (they must).

    python benchmarks/bench_batch.py                      # 1,000 articles, 1 and 2 workers
    python benchmarks/bench_batch.py --n 60 --ray         # a smoke run
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _texts() -> tuple[str, list[str]]:
    try:
        from spinscope.corpora.ptc import ptc_article_paths
        from spinscope.corpora.textio import read_article

        texts = [
            read_article(path)
            for split in ("train", "dev")
            for path in ptc_article_paths(split).values()
        ]
        if texts:
            return "PTC articles", texts
    except Exception as err:  # no data root: fall back on the examples
        print(f"(no PTC corpus: {err}; using examples/)", file=sys.stderr)
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    return "examples/ (synthetic)", texts


def build_corpus(path: Path, n: int) -> str:
    """Write ``n`` articles as JSONL with ids, sources and dates; return what they are."""
    what, texts = _texts()
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            row = {
                "id": f"bench-{i:05d}",
                "text": texts[i % len(texts)],
                "source": f"outlet-{i % 5}",
                "date": f"2024-{1 + i % 12:02d}-15",
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return f"{what}, {len(texts)} distinct"


def run_one(args: argparse.Namespace) -> None:
    """Run one configuration in this process and print its figures as JSON."""
    from spinscope.batch import BatchOptions, run_batch

    options = BatchOptions(
        detector=args.detector,
        chunk_size=args.chunk_size,
        workers=args.workers[0],
        engine=args.engine,
        overwrite=True,
    )
    summary = run_batch([args.corpus], args.out, options, progress=False)
    print(
        json.dumps(
            {
                "seconds": summary.seconds,
                "documents": summary.records_now,
                "docs_per_s": summary.docs_per_second,
                "worker_peak_rss_mb": sorted(
                    round(v / 2**20) for v in summary.worker_peak_rss.values()
                ),
            }
        )
    )


def _same_tables(a: Path, b: Path) -> bool:
    import pyarrow.parquet as pq

    return all(pq.read_table(a / t).equals(pq.read_table(b / t)) for t in ("documents", "spans"))


def main() -> None:
    """Run every configuration and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ray", action="store_true", help="also run the Ray engine")
    parser.add_argument("--ray-workers", type=int, default=2)
    parser.add_argument("--detector", default=None, help="default: hybrid (the shipped model)")
    parser.add_argument("--chunk-size", type=int, default=16)
    parser.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args)
        return

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp)
        corpus = folder / "corpus.jsonl"
        what = build_corpus(corpus, args.n)
        configs = [("local", w) for w in args.workers]
        if args.ray:
            configs.append(("ray", args.ray_workers))
        print(
            f"{args.n} articles ({what}); detector {args.detector or 'default'}; "
            f"chunk size {args.chunk_size}"
        )
        print(
            f"{'engine':8} {'workers':>7} {'seconds':>8} {'docs/s':>8} {'speed-up':>8} "
            f"{'peak RSS/worker (MB)':>22}  same tables"
        )
        first: tuple[float, Path] | None = None
        for engine, workers in configs:
            out = folder / f"{engine}-{workers}"
            command = [
                sys.executable, __file__, "--one", "--engine", engine, "--workers", str(workers),
                "--corpus", str(corpus), "--out", str(out), "--chunk-size", str(args.chunk_size),
            ]  # fmt: skip
            if args.detector:
                command += ["--detector", args.detector]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{engine} x{workers} failed:\n{done.stderr[-2000:]}")
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            rate = figures["docs_per_s"]
            if first is None:
                first = (rate, out)
            same = _same_tables(first[1], out)
            print(
                f"{engine:8} {workers:>7} {figures['seconds']:>8.1f} {rate:>8.2f} "
                f"{rate / first[0]:>7.2f}x {', '.join(map(str, figures['worker_peak_rss_mb'])):>22}"
                f"  {'yes' if same else 'NO'}"
            )


if __name__ == "__main__":
    main()
