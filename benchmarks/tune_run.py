"""Tune decoding on a training run's stored dev outputs and print per-language figures.

Usage::

    python benchmarks/tune_run.py RUN_FOLDER [--epoch N] [--data DIR] [--crossfit]

``spinscope train`` pickles the model's dev outputs after each epoch
(``dev_probs_epoch<N>.pkl``: article id, word-piece offsets, probabilities). This script loads
them with the gold dev articles of the run's languages, chooses the decoding settings and
calibration on them (:func:`spinscope.training.tune.tune_decoding`) and prints, per language
and pooled: FLC precision/recall/F1 (non-English against the repaired spans: approximate),
paragraph (subtask-3) micro-F1 against the official paragraph gold, and the techniques with
FLC F1 > 0. No model runs, so it takes minutes, not hours. ``--crossfit`` also prints the
honest 2-fold figures (tune on half the articles, score the other half).
"""

from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path

from spinscope.corpora import load_semeval2023
from spinscope.corpora.datapath import data_root
from spinscope.corpora.splits import corpus_code, dev_ids
from spinscope.scoring import score_flc
from spinscope.tagger.decode import DecodeConfig, decode
from spinscope.taxonomy import category_of
from spinscope.training.tune import Item, covered_share, crossfit, paragraph_f1, tune_decoding


def alternatives_check(items: list[Item], cfg: DecodeConfig) -> str:
    """How right the technique and its category are, for spans with and without alternatives.

    A span's technique precision is the share of it covered by gold spans of its technique; its
    category precision, by gold spans of any technique of its category.
    """
    sums: dict[bool, list[float]] = {True: [0.0, 0.0, 0.0], False: [0.0, 0.0, 0.0]}
    for it in items:
        gold = it.doc.layer("techniques")
        for span in decode(it.doc.text, it.offsets, it.probs, cfg):
            if span.label == "Repetition":
                continue
            row = sums[bool(span.meta.get("alternatives"))]
            row[0] += 1
            category = category_of(span.label)
            row[1] += covered_share(span, [g for g in gold if g.label == span.label])
            row[2] += covered_share(span, [g for g in gold if category_of(g.label) == category])
    lines = ["spans with / without alternatives: count, technique precision, category precision"]
    for has in (True, False):
        n, tech, cat = sums[has]
        lines.append(
            f"  {'with' if has else 'without':<8} {int(n):>5} {tech / max(n, 1):.3f} "
            f"{cat / max(n, 1):.3f}"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the tuned per-language figures of one epoch of a run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("--epoch", type=int, default=None, help="default: the latest")
    parser.add_argument("--data", default=None)
    parser.add_argument("--crossfit", action="store_true")
    args = parser.parse_args()
    run = Path(args.run)
    config = json.loads((run / "log.jsonl").read_text(encoding="utf-8").splitlines()[0])
    languages = config["config"]["languages"]
    files = sorted(
        run.glob("dev_probs_epoch*.pkl"), key=lambda p: int(p.stem.removeprefix("dev_probs_epoch"))
    )
    path = run / f"dev_probs_epoch{args.epoch}.pkl" if args.epoch else files[-1]
    with path.open("rb") as fh:
        stored = {doc_id: (offsets, probs) for doc_id, offsets, probs in pickle.load(fh)}
    root = data_root(args.data)
    items: dict[str, list[Item]] = {}
    for lang in languages:
        held = dev_ids(lang)
        items[lang] = [
            Item(d, *stored[d.id])
            for d in load_semeval2023(corpus_code(lang), root)
            if d.id in held and d.id in stored
        ]
    everything = [it for group in items.values() for it in group]
    cfg, _ = tune_decoding(everything)
    print(f"{path.name}: {len(everything)} dev articles; chosen decoding:")
    print(
        f"  high {cfg.high}, low_ratio {cfg.low_ratio}, max_gap {cfg.max_gap}, "
        f"threshold {cfg.threshold}, si_high {cfg.si_high}"
    )
    print(
        f"{'lang':<5} {'arts':>4} {'FLC P':>6} {'FLC R':>6} {'FLC F1':>6} {'st3 mi':>6} {'F1>0':>5}"
    )
    for lang, group in [*items.items(), ("all", everything)]:
        gold = [
            (it.doc.id, s.label, s.start, s.end) for it in group for s in it.doc.layer("techniques")
        ]
        pred = [
            (it.doc.id, s.label, s.start, s.end)
            for it in group
            for s in decode(it.doc.text, it.offsets, it.probs, cfg)
        ]
        flc = score_flc(gold, pred)
        found = sum(1 for k, v in flc.items() if k.startswith("f1/") and v > 0)
        print(
            f"{lang:<5} {len(group):>4} {flc['precision']:6.3f} {flc['recall']:6.3f} "
            f"{flc['f1']:6.3f} {paragraph_f1(group, cfg):6.3f} {found:>5}"
        )
    print(alternatives_check(everything, cfg))
    if args.crossfit:
        honest = crossfit(everything)
        print(
            f"2-fold cross-fit, pooled: FLC F1 {honest['flc_f1']:.3f}, SI F1 {honest['si_f1']:.3f}"
        )


if __name__ == "__main__":
    main()
