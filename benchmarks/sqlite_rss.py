"""RSS of the saved-analyses store on SQLite under 32 reading threads, by page-cache size.

Usage::

    python benchmarks/sqlite_rss.py                 # the shipped cache size
    python benchmarks/sqlite_rss.py --cache-kib 2000  # SQLite's default, to compare

Builds (once) a database of 2,500 saved analyses of ``examples/city-council.txt`` (about 41 MB)
in ``--db``, then runs 32 threads of listings, searches (``ILIKE`` over the text: whole-table
scans) and reads for ``--seconds``, as the server's threads do, and prints the process's RSS
every 10 s and the operations done. Each pooled connection keeps its own page cache, so its size
times the pool (up to 15 connections) bounds what the searches can hold.
"""

from __future__ import annotations

import argparse
import random
import threading
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import event

from spinscope.analyzer import Analyzer
from spinscope.serve.storage import SQLITE_CACHE_KIB, Storage

ROOT = Path(__file__).resolve().parents[1]


def rss_mib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return 0


def build(path: Path, n: int) -> None:
    s = Storage(f"sqlite:///{path}")
    s.migrate()
    analysis = (
        Analyzer("baseline").load().analyze((ROOT / "examples" / "city-council.txt").read_text())
    )
    rng = random.Random(0)
    for i in range(n):
        s.save(replace(analysis, title=f"t{i} {rng.random()}"))
    s.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache-kib", type=int, default=SQLITE_CACHE_KIB)
    parser.add_argument("--db", type=Path, default=Path("/tmp/spinscope-sqlite-rss.db"))
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args()
    if not args.db.exists():
        build(args.db, 2500)
    s = Storage(f"sqlite:///{args.db}")

    @event.listens_for(s.engine, "connect")
    def _cache(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA cache_size=-{args.cache_kib}")
        cursor.close()

    ids = [i.id for i in s.list(limit=200).items]
    start_rss = rss_mib()
    print(
        f"cache {args.cache_kib} KiB per connection; {args.db} "
        f"({args.db.stat().st_size / 1e6:.0f} MB); RSS at start {start_rss} MiB"
    )
    stop = time.monotonic() + args.seconds
    ops = [0] * args.threads

    def work(k: int) -> None:
        rng = random.Random(k)
        while time.monotonic() < stop:
            ops[k] += 1
            r = rng.random()
            if r < 0.3:
                s.list(limit=20, offset=rng.randint(0, 2000))
            elif r < 0.6:
                s.list(q=rng.choice(["harbour", "t1", "zzz", "council"]))
            else:
                s.get_json(rng.choice(ids))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(args.threads)]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    while any(t.is_alive() for t in threads):
        time.sleep(10)
        print(f"{time.monotonic() - t0:5.0f} s  RSS {rss_mib()} MiB", flush=True)
    print(f"growth {rss_mib() - start_rss:+d} MiB; {sum(ops):,} operations")
    s.close()


if __name__ == "__main__":
    main()
