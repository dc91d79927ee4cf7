"""Score detectors on the development split of every training language, every task at once.

Usage::

    python benchmarks/dev_eval.py [--data DIR] [--detector hybrid tagger baseline]
        [--model DIR ...] [--lang en fr de it pl ru] [--per-technique] [--json FILE]
        [--write-coverage]

For each detector (``hybrid`` = the shipped default, ``tagger`` = the shipped model alone,
``baseline`` = the rules alone, and each ``--model`` folder holding
model.onnx/tokenizer.json/config.json, alone and with the rules) and each language's dev split
(:func:`spinscope.corpora.splits.dev_ids`: the 75 PTC-dev articles for English, a fixed 20 % of
the SemEval-2023 training articles for the others) it prints one row of one table:

* SI P/R/F1 (English only) on the PTC dev texts against the PTC dev SI gold (SemEval-2020 T11);
* subtask-3 paragraph micro/macro-F1 on the SemEval-2023 texts, against the paragraph labels
  (the official gold in every language);
* FLC P/R/F1 against the span gold of the same texts, the number of distinct techniques
  predicted and the number of techniques with FLC F1 > 0;
* TC micro-F1: each gold span classified (a span listed k times gets the k best-ranked
  techniques);

and, per detector, a row ``all`` that pools the languages asked for (micro figures over all
their paragraphs and spans). Non-English span offsets are unreliable (see the data README), so
FLC, TC and the technique counts are approximate there (snapped spans), marked ``~``.
``--per-technique`` adds FLC per technique: F1 in each language and P/R/F1 pooled. ``--json``
writes every figure (and, apart, the timings).

``--write-coverage`` stores, in each ``--model`` folder's ``config.json`` (key ``coverage``), the
pooled FLC precision/recall/F1 per technique of the model alone (``tagger``) and with the rules
(``hybrid``): the coverage statement every report shows (:mod:`spinscope.coverage`). It needs
all six languages.

It goes through the same code as ``spinscope predict`` (:func:`spinscope.predict.predict_rows`,
via :mod:`spinscope.evaluation`). The English figures are the ones this script printed before it
covered other languages.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from spinscope.corpora import load_ptc, load_semeval2023
from spinscope.corpora.datapath import data_root
from spinscope.corpora.splits import TRAINING_LANGUAGES, corpus_code, dev_ids, iso_code
from spinscope.coverage import coverage_record
from spinscope.detectors.hybrid import HybridDetector
from spinscope.document import Document
from spinscope.evaluation import APPROXIMATE, EXACT, POOLED, LanguageRun, pool, run_language
from spinscope.predict import load_detector, predict_rows
from spinscope.scoring import score_si
from spinscope.tagger.model import Tagger
from spinscope.taxonomy import TECHNIQUES

#: Languages whose span offsets are exact.
EXACT_SPANS = ("en",)


def load_dev(langs: list[str], data: Path) -> dict[str, list[Document]]:
    """The SemEval-2023 dev articles of each language, with their gold layers, sorted by id."""
    out = {}
    for lang in langs:
        ids = dev_ids(lang)
        out[lang] = [d for d in load_semeval2023(corpus_code(lang), data) if d.id in ids]
        if len(out[lang]) != len(ids):
            sys.exit(f"{lang}: {len(ids)} dev ids but {len(out[lang])} articles found in {data}")
    return out


def score_si_ptc(detector: Any, ptc: list[Document]) -> dict[str, float]:
    """SI on the PTC dev texts against the PTC SI gold (English only)."""
    pred = predict_rows("si", [Document(d.id, d.text) for d in ptc], detector)
    return score_si([(d.id, s.start, s.end) for d in ptc for s in d.layer("si")], pred)


HEADER = (
    f"{'detector':<28} {'lang':<4} {'arts':>4} {'SI F1':>6} {'st3 mi':>6} {'st3 ma':>6} "
    f"{'FLC P':>6} {'FLC R':>6} {'FLC F1':>6} {'#tech':>5} {'#F1>0':>5} {'TC F1':>6} {'secs':>6}"
)


def row(name: str, lang: str, r: dict[str, Any], seconds: float) -> str:
    """One line of the table."""
    mark = "~" if r["spans"] == APPROXIMATE else ""
    si = f"{r['si']['f1']:6.3f}" if "si" in r else f"{'-':>6}"
    tc = f"{r['tc']['f1']:6.3f}" if r["tc"] is not None else f"{'-':>6}"
    flc, st3 = r["flc"], r["st3"]
    return (
        f"{name[-28:]:<28} {lang + mark:<4} {r['articles']:>4} {si} {st3['micro_f1']:6.3f} "
        f"{st3['macro_f1']:6.3f} {flc['precision']:6.3f} {flc['recall']:6.3f} {flc['f1']:6.3f} "
        f"{r['techniques_predicted']:>5} {r['techniques_scored']:>5} {tc} {seconds:6.1f}"
    )


def per_technique(name: str, langs: list[str], figures: dict[str, dict[str, Any]]) -> list[str]:
    """FLC per technique: F1 in each language, then P/R/F1 pooled."""
    pooled = figures[POOLED]["flc"]
    lines = [
        f"{name}: FLC per technique (F1 by language; P / R / F1 pooled)",
        f"    {'technique':<34}"
        + "".join(f" {lang:>6}" for lang in langs)
        + "   all P  all R all F1",
    ]
    for t in TECHNIQUES:
        if f"f1/{t}" not in pooled:
            continue  # neither gold nor predicted in any language
        by_lang = "".join(
            f" {figures[lang]['flc'][f'f1/{t}']:6.3f}"
            if f"f1/{t}" in figures[lang]["flc"]
            else f" {'-':>6}"
            for lang in langs
        )
        lines.append(
            f"    {t:<34}{by_lang} {pooled[f'precision/{t}']:6.3f} {pooled[f'recall/{t}']:6.3f} "
            f"{pooled[f'f1/{t}']:6.3f}"
        )
    return lines


def write_coverage(
    folders: list[str],
    langs: list[str],
    dev: dict[str, list[Document]],
    results: dict[str, dict[str, dict[str, Any]]],
) -> None:
    """Store each model folder's per-technique dev figures in its config (``coverage``)."""
    if set(langs) != set(TRAINING_LANGUAGES):
        sys.exit("--write-coverage needs every training language (leave out --lang)")
    counts = ", ".join(f"{lang} {len(dev[lang])}" for lang in langs)
    measured_on = (
        f"{sum(len(d) for d in dev.values())} development articles: {counts}; non-English "
        "spans approximate"
    )
    for folder in folders:
        path = Path(folder) / "config.json"
        config = json.loads(path.read_text(encoding="utf-8"))
        config["coverage"] = {
            "tagger": coverage_record(results[folder][POOLED]["flc"], measured_on),
            "hybrid": coverage_record(results[folder + "+rules"][POOLED]["flc"], measured_on),
        }
        path.write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
        print(f"wrote the coverage figures into {path}")


def main() -> None:
    """Print the dev figures of each detector in each language."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=None)
    parser.add_argument("--detector", nargs="*", default=["hybrid", "tagger", "baseline"])
    parser.add_argument("--model", nargs="*", default=[])
    parser.add_argument(
        "--lang",
        nargs="+",
        default=list(TRAINING_LANGUAGES),
        help="ISO codes (or SemEval folder names ge, po); default: all six",
    )
    parser.add_argument("--per-technique", action="store_true")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument(
        "--write-coverage",
        action="store_true",
        help="store each --model's per-technique figures in its config.json",
    )
    args = parser.parse_args()
    langs = list(dict.fromkeys(iso_code(lang) for lang in args.lang))
    data = data_root(args.data)
    dev = load_dev(langs, data)
    ptc = load_ptc("dev", data) if "en" in langs else []
    if ptc and {d.id for d in ptc} != dev_ids("en"):
        sys.exit("the PTC dev articles are not the English dev split")
    detectors: dict[str, Any] = {}
    for name in args.detector:
        detectors[name] = load_detector(name)[0]
    for folder in args.model:
        detectors[folder] = Tagger(folder)
        detectors[folder + "+rules"] = HybridDetector(Tagger(folder))

    results: dict[str, dict[str, dict[str, Any]]] = {}
    seconds: dict[str, dict[str, float]] = {}
    print(HEADER, flush=True)
    for name, det in detectors.items():
        runs: list[LanguageRun] = []
        results[name], seconds[name] = {}, {}
        for lang in langs:
            t0 = time.perf_counter()
            run = run_language(det, dev[lang], lang, exact_spans=lang in EXACT_SPANS)
            figures = dict(run.figures)
            if lang == "en":
                figures = {"si": score_si_ptc(det, ptc), **figures}
            runs.append(run)
            results[name][lang] = figures
            seconds[name][lang] = time.perf_counter() - t0
            print(row(name, lang, figures, seconds[name][lang]), flush=True)
        pooled = pool(runs).figures
        results[name][POOLED] = pooled
        print(row(name, POOLED, pooled, sum(seconds[name].values())), flush=True)
    if any(lang not in EXACT_SPANS for lang in langs):
        print(
            f"~ FLC, TC, #tech and #F1>0 are {APPROXIMATE}: non-English span offsets are "
            "unreliable; st3 uses the official paragraph gold."
        )
    if args.per_technique:
        for name in detectors:
            print()
            print("\n".join(per_technique(name, langs, results[name])))
    if args.write_coverage:
        write_coverage(args.model, langs, dev, results)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "languages": langs,
                    "dev_articles": {lang: len(dev[lang]) for lang in langs},
                    "spans": {
                        lang: EXACT if lang in EXACT_SPANS else APPROXIMATE for lang in langs
                    },
                    "figures": results,
                    "seconds": seconds,
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
