"""Genre and frames on real articles nobody here wrote: the realworld-dev check of issue 14.

Usage::

    python benchmarks/article_realworld.py [--data DIR] [--models DIR ...] [--json FILE]

For the shipped article models and each ``--models`` folder (for instance the ``model/``
folder that ``spinscope train-article`` writes, or today's models exported from git), on
``<data>/realworld-dev/items.jsonl`` (20 wire-style reports, 20 partisan texts, 5 opinion
pieces, 5 satire pieces; unlabelled, never committed): the genre each text gets, counted by
role — how many wire texts read as ``reporting``, opinion pieces as ``opinion`` and satire as
``satire`` (the issue's targets: at least 16/20, 4/5 and 2/5) — the mean probability of each
genre by role, and the frames selected most often by role.

The texts are analysed as the product does (the shipped tagger's features, when the models
read them; each text's detected language picks its genre calibration). Nothing is printed of
the texts themselves.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.article.models import ArticleModels
from spinscope.corpora.datapath import data_root
from spinscope.signals.language import check_language

#: The genre a text of each role should read as, and the issue's target count.
EXPECTED = {"wire": ("reporting", 16), "opinion": ("opinion", 4), "satire": ("satire", 2)}


def evaluate(models: ArticleModels, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Genre counts, mean probabilities and top frames by role for one set of models."""
    texts = [it["text"] for it in items]
    # as the product does: each text's genre calibrated for its detected language
    languages = [check_language(t).code for t in texts]
    predictions = models.predict(texts, languages=languages)
    by_role: dict[str, dict[str, Any]] = {}
    for role in sorted({it["role"] for it in items}):
        rows = [p for p, it in zip(predictions, items, strict=True) if it["role"] == role]
        labels = Counter(p.genre.label for p in rows)
        mean_prob = {
            g: float(np.mean([p.genre.probabilities.get(g, 0.0) for p in rows]))
            for g in models.genre_labels
        }
        frames = Counter(f for p in rows for f in p.selected_frames)
        by_role[role] = {
            "texts": len(rows),
            "genres": dict(labels),
            "mean_probability": mean_prob,
            "frames_per_text": sum(frames.values()) / len(rows),
            "top_frames": frames.most_common(4),
        }
    targets = {
        role: {
            "expected": genre,
            "hits": by_role.get(role, {}).get("genres", {}).get(genre, 0),
            "of": by_role.get(role, {}).get("texts", 0),
            "target": target,
        }
        for role, (genre, target) in EXPECTED.items()
    }
    return {
        "features": models.features,
        "by_role": by_role,
        "targets": targets,
        "per_item": {
            it["id"]: {
                "role": it["role"],
                "genre": p.genre.label,
                "probabilities": {k: round(v, 3) for k, v in p.genre.probabilities.items()},
                "frames": list(p.selected_frames),
            }
            for it, p in zip(items, predictions, strict=True)
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=None, help="data root (holds realworld-dev/)")
    parser.add_argument(
        "--models", action="append", default=[], help="another article-model folder"
    )
    parser.add_argument("--json", default=None, help="write every figure to this file")
    args = parser.parse_args()
    path = data_root(args.data) / "realworld-dev" / "items.jsonl"
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    results: dict[str, Any] = {}
    for name, folder in [("shipped", None), *((m, m) for m in args.models)]:
        models = ArticleModels(folder).load()
        result = evaluate(models, items)
        results[name] = result
        print(f"== {name} (genre reads {result['features']['genre']})")
        for role, t in result["targets"].items():
            mark = "met" if t["hits"] >= t["target"] else "NOT met"
            print(
                f"  {role:<8} read as {t['expected']:<9} {t['hits']:>2}/{t['of']:<2} "
                f"(target {t['target']}: {mark})"
            )
        for role, r in result["by_role"].items():
            probs = " ".join(f"{g} {v:.2f}" for g, v in r["mean_probability"].items())
            print(
                f"  {role:<8} genres {dict(r['genres'])}  mean p: {probs}  frames/text "
                f"{r['frames_per_text']:.1f}  top {[f for f, _ in r['top_frames']]}"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
