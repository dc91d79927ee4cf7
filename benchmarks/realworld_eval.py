"""How a detector does on real articles nobody here wrote: realworld-dev pairs and the example.

Usage::

    python benchmarks/realworld_eval.py [--data DIR] [--model DIR ...] [--threshold X]
                                        [--example PATH] [--json FILE]

For the shipped default detector and each ``--model`` folder (run with the rules, as the
default hybrid does), on ``<data>/realworld-dev/items.jsonl`` (20 pairs of a partisan and a
wire-style text about one event, plus satire and opinion; unlabelled, never committed):

* per pair, the **density** of each side: the share of characters in the author's own words
  (outside reported speech) that lie inside a technique span; how many pairs have the
  partisan text denser than the wire text, and the mean partisan/wire ratio (a wire text with
  no span counts as 1/1000 of its characters, so the ratio stays finite);
* the same with quotations included;
* the techniques that appear at all, and the mean density by role (partisan, wire, satire,
  opinion);
* on the example article (``--example``, default ``../shared/examples/*.txt``): the number of
  spans and the spans themselves, and the ``possible`` spans apart.

Every figure counts the ``likely`` spans only (at or above the threshold).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.analyzer import Analyzer
from spinscope.comparison import persuasion_density
from spinscope.corpora.datapath import data_root


def density(analysis: Any, *, author_only: bool) -> float:
    """Share of the (author's) characters that lie inside a likely span (see ``compare``)."""
    return persuasion_density(analysis, author_only=author_only)


def evaluate(analyzer: Analyzer, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Pair and role figures for one analyzer."""
    analyses = {it["id"]: analyzer.analyze(it["text"]) for it in items}
    out: dict[str, Any] = {"pairs": {}}
    for key, author_only in (("author", True), ("all", False)):
        dens = {i: density(a, author_only=author_only) for i, a in analyses.items()}
        pairs: dict[str, dict[str, float]] = defaultdict(dict)
        for it in items:
            if it.get("pair_id"):
                pairs[it["pair_id"]][it["role"]] = dens[it["id"]]
        wins = sum(1 for p in pairs.values() if p["partisan"] > p["wire"])
        ratios = [p["partisan"] / max(p["wire"], 1e-3) for p in pairs.values()]
        by_role: dict[str, list[float]] = defaultdict(list)
        for it in items:
            by_role[it["role"]].append(dens[it["id"]])
        out[key] = {
            "partisan_denser": wins,
            "pairs": len(pairs),
            "mean_ratio": float(np.mean(ratios)),
            "median_ratio": float(np.median(ratios)),
            "density_by_role": {r: float(np.mean(v)) for r, v in sorted(by_role.items())},
        }
        if author_only:
            out["pairs"] = {k: dict(v) for k, v in sorted(pairs.items())}
    techniques: Counter[str] = Counter(
        s.technique for a in analyses.values() for s in a.likely_spans
    )
    out["techniques"] = dict(techniques.most_common())
    out["languages"] = dict(Counter(str(a.language) for a in analyses.values()))
    return out


def main() -> None:
    """Print the figures of each detector."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=None)
    parser.add_argument("--model", nargs="*", default=[])
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--example", default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    root = data_root(args.data)
    items = [
        json.loads(line)
        for line in (root / "realworld-dev" / "items.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    example = (
        Path(args.example) if args.example else next((root.parent / "examples").glob("*.txt"), None)
    )
    from spinscope.detectors.hybrid import HybridDetector
    from spinscope.tagger.model import Tagger

    analyzers = {"shipped": Analyzer(threshold=args.threshold, article_models=False)}
    for folder in args.model:
        analyzers[folder] = Analyzer(
            HybridDetector(Tagger(folder, threshold=args.threshold)), article_models=False
        )
    results = {}
    for name, analyzer in analyzers.items():
        r = evaluate(analyzer.load(), items)
        if example is not None:
            a = analyzer.analyze(example.read_text(encoding="utf-8"))
            r["example"] = {
                "spans": len(a.likely_spans),
                "found": [(s.technique, s.text, round(s.score, 3)) for s in a.likely_spans],
                "possible": [(s.technique, s.text, round(s.score, 3)) for s in a.possible_spans],
            }
        results[name] = r
        au, al = r["author"], r["all"]
        print(f"== {name}")
        print(
            f"  author's words: partisan denser in {au['partisan_denser']}/{au['pairs']} pairs, "
            f"mean ratio {au['mean_ratio']:.2f}, median {au['median_ratio']:.2f}; "
            f"with quotes: {al['partisan_denser']}/{al['pairs']}, mean {al['mean_ratio']:.2f}"
        )
        print(
            "  density by role: "
            + ", ".join(f"{k} {v:.3f}" for k, v in au["density_by_role"].items())
        )
        print(f"  techniques seen: {len(r['techniques'])}: {r['techniques']}")
        if "example" in r:
            print(f"  example article: {r['example']['spans']} spans")
            for tech, text, score in r["example"]["found"]:
                print(f"    {score:.3f} {tech}: {text[:70]!r}")
            print(f"  and {len(r['example']['possible'])} possible spans:")
            for tech, text, score in r["example"]["possible"]:
                print(f"    {score:.3f} {tech}: {text[:70]!r}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
