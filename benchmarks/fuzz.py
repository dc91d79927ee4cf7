"""Fuzz every input path of spinscope with hypothesis: the long run of issue 16.

Usage::

    python benchmarks/fuzz.py --examples 100000                 # the long run, all paths
    python benchmarks/fuzz.py --examples 2000 --paths text,url --seed 7
    python benchmarks/fuzz.py --examples 500 --per-path --time-cap 5

Runs the properties of ``tests/fuzz/fuzz_properties.py`` (the ones ``tests/fuzz/test_fuzz.py``
runs for a few examples in CI): for every input path (text, HTML, URL bodies, JSONL/CSV/Parquet
batch inputs, the SemEval label and submission formats, the corpus loaders, saved reports,
``analyze`` with the baseline and with the default model, the REST API), hypothesis generates
inputs and each one must give a valid result or a ``SpinscopeError`` with a message: any
other exception is a crash, and an input that runs past ``--time-cap`` seconds is a hang.

``--examples N`` is the total over the chosen paths, split in proportion to each path's weight
(the default model's path gets a tenth of a share: it is slow); with ``--per-path`` every path
gets N. Each input runs under a SIGALRM timer that interrupts it at the cap (counted as a hang,
and the run goes on); an input that cannot be interrupted (stuck in C code) is stopped by a
watchdog at five times the cap, which prints where every thread is and exits with status 3.

Prints, per path: inputs tried, how many gave a result and how many a SpinscopeError, crashes
(each distinct kind once, with the first input that raised it, cut short), hangs, and the
slowest input (milliseconds and its repr, cut short); then the totals and the wall time. Exits
with status 1 when there was any crash or hang. Generation is seeded (``--seed``), without
hypothesis's example database, shrinking or deadline: a crash is reported as found.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "fuzz"), str(ROOT / "tests")]

from fuzz_properties import PATHS, FuzzPath, Hang, close, failure_summary, run_capped, short  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

#: How many distinct crashes of one path are printed in full.
SHOWN = 5


@dataclass
class PathStats:
    """What one path's run found."""

    name: str
    planned: int
    tried: int = 0
    results: int = 0
    refused: int = 0
    crashes: int = 0
    hangs: int = 0
    slowest_s: float = 0.0
    slowest_input: str = ""
    seconds: float = 0.0
    #: distinct crash kind -> (count, first input)
    kinds: dict[str, list[Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.name,
            "planned": self.planned,
            "tried": self.tried,
            "results": self.results,
            "refused": self.refused,
            "crashes": self.crashes,
            "hangs": self.hangs,
            "slowest_ms": round(1000 * self.slowest_s, 1),
            "slowest_input": self.slowest_input,
            "seconds": round(self.seconds, 1),
            "failures": {k: {"count": c, "input": i} for k, (c, i) in self.kinds.items()},
        }


class Watchdog:
    """Ends the process when one input runs far past its cap (stuck where SIGALRM can't reach)."""

    def __init__(self) -> None:
        self.deadline: float | None = None
        self.what = ""
        self._lock = threading.Lock()
        threading.Thread(target=self._watch, daemon=True, name="fuzz-watchdog").start()

    def arm(self, seconds: float, what: str) -> None:
        with self._lock:
            self.deadline, self.what = time.monotonic() + seconds, what

    def disarm(self) -> None:
        with self._lock:
            self.deadline = None

    def _watch(self) -> None:
        while True:
            time.sleep(1.0)
            with self._lock:
                late = self.deadline is not None and time.monotonic() > self.deadline
                what = self.what
            if late:
                print(f"\nHANG (not interruptible): {what}", file=sys.stderr, flush=True)
                faulthandler.dump_traceback(all_threads=True)
                os._exit(3)


def plan(paths: list[FuzzPath], examples: int, per_path: bool) -> dict[str, int]:
    """How many inputs each path gets."""
    if per_path:
        return {p.name: examples for p in paths}
    total = sum(p.weight for p in paths)
    return {p.name: max(1, round(examples * p.weight / total)) for p in paths}


def run_path(
    path: FuzzPath, n: int, base_seed: int, cap: float, watchdog: Watchdog, every: float
) -> PathStats:
    stats = PathStats(path.name, n)
    last = [time.monotonic()]
    started = time.monotonic()

    def one(value: Any) -> None:
        stats.tried += 1
        watchdog.arm(cap * 5, f"path {path.name}, input {short(value, 2000)}")
        try:
            outcome, seconds = run_capped(path, value, cap)
        except Hang as err:
            stats.hangs += 1
            key = f"HANG (over {cap:g} s) in {err.where}"
            stats.kinds.setdefault(key, [0, short(value, 600)])[0] += 1
            return
        except Exception as err:  # the contract's "any other exception"
            stats.crashes += 1
            key = failure_summary(err)
            stats.kinds.setdefault(key, [0, short(value, 600)])[0] += 1
            return
        finally:
            watchdog.disarm()
        if outcome == "result":
            stats.results += 1
        else:
            stats.refused += 1
        if seconds > stats.slowest_s:
            stats.slowest_s, stats.slowest_input = seconds, short(value, 160)
        now = time.monotonic()
        if every and now - last[0] > every:
            last[0] = now
            rate = stats.tried / (now - started)
            print(
                f"  ... {path.name}: {stats.tried:,}/{n:,} inputs, {stats.crashes} crashes, "
                f"{stats.hangs} hangs, {rate:.1f}/s",
                flush=True,
            )

    test = seed(base_seed * 1000 + sorted(PATHS).index(path.name))(
        settings(
            max_examples=n,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )(given(path.strategy)(one))
    )
    test()
    stats.seconds = time.monotonic() - started
    return stats


def report(stats: PathStats) -> None:
    rate = stats.tried / stats.seconds if stats.seconds else 0.0
    print(
        f"{stats.name:14} tried {stats.tried:>7,}  result {stats.results:>7,}  "
        f"refused {stats.refused:>7,}  crashes {stats.crashes:>4}  hangs {stats.hangs:>3}  "
        f"{stats.seconds:7.1f} s  {rate:6.1f}/s",
        flush=True,
    )
    print(f"{'':14} slowest {1000 * stats.slowest_s:.0f} ms: {stats.slowest_input}", flush=True)
    for i, (kind, (count, first)) in enumerate(stats.kinds.items()):
        if i == SHOWN:
            print(f"{'':14} ... and {len(stats.kinds) - SHOWN} more kinds", flush=True)
            break
        print(f"{'':14} FAIL x{count}: {kind}\n{'':16}first input: {first}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"paths: {', '.join(f'{p.name} ({p.about})' for p in PATHS.values())}",
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=1000,
        help="inputs in total, split over the paths in proportion to their weights "
        "(with --per-path: inputs per path); default 1000",
    )
    parser.add_argument(
        "--per-path", action="store_true", help="--examples counts per path, not in total"
    )
    parser.add_argument("--seed", type=int, default=0, help="generation seed (default 0)")
    parser.add_argument(
        "--time-cap",
        type=float,
        default=10.0,
        help="seconds one input may take before it counts as a hang (default 10)",
    )
    parser.add_argument(
        "--paths",
        default="",
        help=f"comma-separated paths to run (default: all of {', '.join(PATHS)})",
    )
    parser.add_argument(
        "--progress", type=float, default=60.0, help="seconds between progress lines (0: none)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.paths.split(",") if n.strip()] or list(PATHS)
    unknown = [n for n in names if n not in PATHS]
    if unknown:
        parser.error(f"unknown paths {', '.join(unknown)}; choose from {', '.join(PATHS)}")
    if args.examples < 1 or args.time_cap <= 0:
        parser.error("--examples must be at least 1 and --time-cap positive")

    # the contract is about exceptions: warnings and library logging would only flood the log
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    watchdog = Watchdog()
    paths = [PATHS[n] for n in names]
    planned = plan(paths, args.examples, args.per_path)
    print(
        f"fuzzing {len(paths)} paths, {sum(planned.values()):,} inputs planned, seed {args.seed}, "
        f"time cap {args.time_cap:g} s per input",
        flush=True,
    )
    started = time.monotonic()
    found: list[PathStats] = []
    try:
        for path in paths:
            stats = run_path(
                path, planned[path.name], args.seed, args.time_cap, watchdog, args.progress
            )
            found.append(stats)
            report(stats)
    finally:
        close()
    wall = time.monotonic() - started
    tried = sum(s.tried for s in found)
    crashes = sum(s.crashes for s in found)
    hangs = sum(s.hangs for s in found)
    slowest = max(found, key=lambda s: s.slowest_s)
    print(
        f"\nTOTAL: {tried:,} inputs tried over {len(found)} paths; {crashes} unexpected "
        f"exceptions, {hangs} hangs (cap {args.time_cap:g} s); slowest input "
        f"{1000 * slowest.slowest_s:.0f} ms ({slowest.name}); wall time {wall:.0f} s "
        f"({tried / wall:.1f} inputs/s)",
        flush=True,
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {
            "seed": args.seed,
            "time_cap_s": args.time_cap,
            "tried": tried,
            "crashes": crashes,
            "hangs": hangs,
            "wall_s": round(wall, 1),
            "paths": [s.to_dict() for s in found],
        }
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=True) + "\n")
    return 1 if crashes or hangs else 0


if __name__ == "__main__":
    sys.exit(main())
