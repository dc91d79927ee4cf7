"""Benchmark ``spinscope serve`` over HTTP: latency, throughput and peak memory under load.

Usage::

    python benchmarks/bench_serve.py [--duration 30] [--clients 1,8,32] [--article PATH]
                                     [--detector hybrid] [--workers 1] [--no-save]

Starts a real server on a free loopback port with a fresh SQLite database, then for each
number of concurrent clients runs ``hey`` (a real HTTP load generator; Debian package ``hey``)
posting the article as JSON to ``/v1/analyze`` for ``--duration`` seconds. Prints, per run:
requests, requests/s, p50 and p99 latency, and non-2xx responses and client errors; then the
server's peak RSS (all its processes) and whether every 201 response left a saved row.

``hey`` posts the same body every time; the server remembers nothing between analyses, so
each request costs what a new article of that length costs.

Reference, measured first in this process: the library's own time per analysis of the same
article (``Analyzer.analyze``, no HTTP), so the table shows what HTTP, queueing and saving add.
Prints figures; asserts nothing. ``--duration 3`` is a smoke run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited with {process.returncode}")
        try:
            if get_json(f"{url}/readyz")["status"] == "ready":
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("the server did not become ready")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's workers), from /proc."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:  # a thread or process that ended meanwhile
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                pass
    return out


def status_kib(pid: int, *fields: str) -> tuple[int, ...]:
    """Each /proc status field (``VmRSS``, ``VmHWM`` ...) summed over the process tree, KiB."""
    totals = [0] * len(fields)
    for p in process_tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:  # a process that ended meanwhile
            continue
        for i, name in enumerate(fields):
            m = re.search(rf"^{name}:\s+(\d+) kB", status, re.M)
            totals[i] += int(m.group(1)) if m else 0
    return tuple(totals)


def peak_rss_mib(pid: int) -> float:
    """The sum of VmHWM (peak resident set) over the server's processes, in MiB."""
    return status_kib(pid, "VmHWM")[0] / 1024


def ms(value: float, width: int = 0) -> str:
    """Milliseconds, or n/a: hey leaves out a percentile it has too few requests for."""
    return f"{'n/a' if value != value else f'{value:.0f}'}".rjust(width)


def parse_hey(output: str) -> dict[str, float]:
    def number(pattern: str) -> float:
        m = re.search(pattern, output, re.M)
        return float(m.group(1)) if m else float("nan")

    codes = {
        int(c): int(n) for c, n in re.findall(r"^\s+\[(\d{3})\]\s+(\d+) responses", output, re.M)
    }
    errors = (
        sum(
            int(n)
            for n in re.findall(
                r"^\s+\[(\d+)\]\s+", output.split("Error distribution:", 1)[1], re.M
            )
        )
        if "Error distribution:" in output
        else 0
    )
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": number(r"50%+ in ([\d.]+) secs") * 1000,
        "p99_ms": number(r"99%+ in ([\d.]+) secs") * 1000,
        "ok": sum(n for c, n in codes.items() if 200 <= c < 300),
        "created": codes.get(201, 0),
        "non_2xx": sum(n for c, n in codes.items() if not 200 <= c < 300),
        "client_errors": errors,
    }


def reference_ms(text: str, detector: str | None, runs: int = 20) -> float:
    from spinscope.analyzer import Analyzer

    analyzer = Analyzer(detector).load()
    analyzer.analyze(text)  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        analyzer.analyze(text)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def server_command(args: argparse.Namespace, port: int, database: str) -> list[str]:
    """``spinscope serve`` on ``port`` with a fresh ``database``."""
    command = [
        sys.executable, "-m", "spinscope", "serve", "--port", str(port),
        "--database", database, "--workers", str(args.workers), "--log-level", "warning",
    ]  # fmt: skip
    if args.detector:
        command += ["--detector", args.detector]
    return command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per run")
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients per run")
    parser.add_argument("--article", type=Path, default=ROOT / "examples" / "city-council.txt")
    parser.add_argument("--detector", default=None, help="default: the server's default")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-save", dest="save", action="store_false", help="do not save")
    args = parser.parse_args()

    hey = shutil.which("hey")
    if hey is None:
        sys.exit("hey is not installed: apt-get install -y hey")
    text = args.article.read_text(encoding="utf-8")
    clients = [int(c) for c in args.clients.split(",")]
    print(
        f"article: {args.article.name}, {len(text):,} characters; save: {args.save}; "
        f"workers: {args.workers}"
    )
    ref = reference_ms(text, args.detector)
    print(f"reference (library, no HTTP): {ref:.1f} ms per analysis, median of 20")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        body = folder / "body.json"
        body.write_text(json.dumps({"text": text, "save": args.save}), encoding="utf-8")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = server_command(args, port, f"sqlite:///{folder / 'bench.db'}")
        log = (folder / "server.log").open("wb")
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(url, server)
            rows = []
            for c in clients:
                out = subprocess.run(
                    [
                        hey,
                        "-z",
                        f"{args.duration:g}s",
                        "-c",
                        str(c),
                        "-m",
                        "POST",
                        "-T",
                        "application/json",
                        "-D",
                        str(body),
                        f"{url}/v1/analyze",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                row = {"clients": c, **parse_hey(out)}
                rows.append(row)
                print(
                    f"  {c:>3} clients: {row['ok']:.0f} ok, {row['rps']:.1f} req/s, "
                    f"p50 {ms(row['p50_ms'])} ms, p99 {ms(row['p99_ms'])} ms",
                    flush=True,
                )
            time.sleep(1.0)  # requests cancelled by hey at the end may still be finishing
            saved = get_json(f"{url}/v1/analyses?limit=1")["total"]
            rss = peak_rss_mib(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
        print()
        print(f"{'clients':>7} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'non-2xx':>7} {'client err':>10}")  # fmt: skip
        for r in rows:
            print(
                f"{r['clients']:>7} {r['ok']:>9.0f} {r['rps']:>7.1f} {ms(r['p50_ms'], 7)} "
                f"{ms(r['p99_ms'], 7)} {r['non_2xx']:>7.0f} {r['client_errors']:>10.0f}"
            )
        created = sum(r["created"] for r in rows)
        print(f"\nreference: {ref:.1f} ms per analysis in the library (no HTTP)")
        print(f"server peak RSS: {rss:.0f} MiB ({args.workers} worker(s) + supervisor)")
        if args.save:
            # hey cancels requests in flight when its time is up: those may still be saved
            verdict = "ok" if saved >= created else "MISSING SAVES"
            print(f"saved rows: {saved}; 201 responses: {created} ({verdict})")


if __name__ == "__main__":
    main()
