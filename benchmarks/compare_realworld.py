"""``spinscope compare`` on the 20 realworld-dev pairs (a partisan text and a wire report each).

Usage::

    python benchmarks/compare_realworld.py [--data DIR] [--dump FILE] [--translation FILE]

For each pair: the sentences aligned, the overlap, each side's persuasion density in the
author's own words, and whether the comparison names the partisan text as the more
persuasion-dense one (the issue's target: at least 16 of 20); then the totals, the wording
differences found and the seconds per comparison. ``--dump FILE`` writes every aligned sentence
pair as JSON lines for checking by hand (it holds corpus text: keep it out of the repository,
under ``runs/``). ``--translation FILE`` (a UTF-8 file with a translation of one side's opening,
written by the person running the check; also not committed) is compared with the other side
of ``--translation-pair`` (default d05, partisan side translated) to show that alignment holds
across languages.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from spinscope.analyzer import Analyzer
from spinscope.comparison import compare
from spinscope.corpora.datapath import data_root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--dump", default=None, help="write the aligned pairs here (JSONL)")
    parser.add_argument("--translation", default=None, help="a translated opening (UTF-8)")
    parser.add_argument("--translation-pair", default="d05")
    parser.add_argument("--translated-side", default="partisan", choices=("partisan", "wire"))
    args = parser.parse_args()
    path = data_root(args.data) / "realworld-dev" / "items.jsonl"
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    pairs: dict[str, dict[str, Any]] = {}
    for it in items:
        if it.get("pair_id"):
            pairs.setdefault(it["pair_id"], {})[it["role"]] = it
    analyzer = Analyzer().load()
    right = 0
    seconds: list[float] = []
    dump = []
    n_aligned = n_diffs = n_warned = 0
    print(f"{'pair':<5} {'aligned':>7} {'overlap':>7} {'partisan':>8} {'wire':>6}  denser")
    for pid in sorted(pairs):
        p = pairs[pid]
        started = time.perf_counter()
        c = compare(
            [p["partisan"]["text"], p["wire"]["text"]],
            analyzer=analyzer,
            labels=["partisan", "wire"],
        )
        seconds.append(time.perf_counter() - started)
        dp = c.article("partisan").profile.density
        dw = c.article("wire").profile.density
        ok = c.most_persuasive == "partisan"
        right += ok
        n_aligned += len(c.pairs)
        n_diffs += len(c.differences)
        warned = any(w.code == "low_overlap" for w in c.warnings)
        n_warned += warned
        print(
            f"{pid:<5} {len(c.pairs):>7} {c.overlap['partisan-wire']:>7.2f} {dp:>8.3f} "
            f"{dw:>6.3f}  {c.most_persuasive}{'' if ok else '  <- wire'}"
            f"{'  (low_overlap warning)' if warned else ''}"
        )
        for pr in c.pairs:
            dump.append(
                {
                    "pair": pid,
                    "similarity": round(pr.similarity, 3),
                    "partisan": c.article("partisan").sentences[pr.sentence_a].text,
                    "wire": c.article("wire").sentences[pr.sentence_b].text,
                    "differences": [
                        f"{d.label}: {d.text!r} ({d.technique}) -> {d.counterpart_text!r}"
                        for d in pr.differences
                    ],
                }
            )
    print(
        f"partisan named the more persuasion-dense in {right} of {len(pairs)} pairs; "
        f"{n_aligned} sentence pairs aligned, {n_diffs} wording differences, {n_warned} "
        "low_overlap warnings (all 20 pairs are about one event); "
        f"{sum(seconds) / len(seconds):.2f} s per comparison (analysis included)"
    )
    if args.dump:
        Path(args.dump).write_text(
            "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dump), encoding="utf-8"
        )
        print(f"aligned pairs written to {args.dump}")
    if args.translation:
        p = pairs[args.translation_pair]
        other = "wire" if args.translated_side == "partisan" else "partisan"
        translated = Path(args.translation).read_text(encoding="utf-8")
        original = compare([p[args.translated_side]["text"], p[other]["text"]], analyzer=analyzer)
        crossed = compare([translated, p[other]["text"]], analyzer=analyzer)
        print(
            f"across languages ({args.translation_pair}, {args.translated_side} side "
            f"translated, {crossed.article('A').analysis.language}): {len(crossed.pairs)} "
            f"sentence pairs aligned (original language: {len(original.pairs)}); overlap "
            f"{crossed.overlap['A-B']:.2f} (original {original.overlap['A-B']:.2f})"
        )
        for pr in crossed.pairs:
            print(
                f"  {pr.similarity:.3f}  A#{pr.sentence_a} <-> B#{pr.sentence_b}; original "
                f"A#{pr.sentence_a} pairs with "
                f"{original.article('A').sentences[pr.sentence_a].counterparts.get('B')}"
                if pr.sentence_a < len(original.article("A").sentences)
                else f"  {pr.similarity:.3f}"
            )


if __name__ == "__main__":
    main()
