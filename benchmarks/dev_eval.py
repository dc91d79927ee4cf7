"""Score detectors on the development split (the 75 PTC-dev article ids), every task at once.

Usage::

    python benchmarks/dev_eval.py [--data DIR] [--detector tagger baseline] [--model DIR ...]

For each detector (``hybrid`` = the shipped default, ``tagger`` = the shipped model alone,
``baseline`` = the rules alone, and each ``--model`` folder holding
model.onnx/tokenizer.json/config.json, alone and with the rules) it prints:

* SI P/R/F1 on the PTC dev texts against the PTC dev SI gold (SemEval-2020 Task 11);
* FLC P/R/F1 on the SemEval-2023 texts of the same 75 articles against their span gold;
* subtask-3 paragraph micro/macro-F1 on those texts;
* TC micro-F1: each gold span of the 2023 dev texts classified (a span listed k times gets the
  k best-ranked techniques);
* per-technique FLC F1 with ``--per-technique``.

It goes through the same code as ``spinscope predict`` (:func:`spinscope.predict.predict_rows`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from spinscope.corpora import load_ptc, load_semeval2023, ptc_dev_ids
from spinscope.corpora.datapath import data_root
from spinscope.detectors.hybrid import HybridDetector
from spinscope.document import Document
from spinscope.formats import write_flc
from spinscope.predict import load_detector, predict_rows
from spinscope.scoring import score_flc, score_si, score_st3, score_tc
from spinscope.segment import paragraphs
from spinscope.tagger.model import Tagger


def evaluate(detector: Any, data: Path) -> dict[str, Any]:
    """Every dev figure for one detector."""
    dev_ids = ptc_dev_ids(data)
    ptc = load_ptc("dev", data)
    d23 = [d for d in load_semeval2023("en", data) if d.id in dev_ids]
    plain_ptc = [Document(d.id, d.text) for d in ptc]
    plain_23 = [Document(d.id, d.text) for d in d23]
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    si_pred = predict_rows("si", plain_ptc, detector)
    out["si"] = score_si([(d.id, s.start, s.end) for d in ptc for s in d.layer("si")], si_pred)
    flc_gold = [(d.id, s.label, s.start, s.end) for d in d23 for s in d.layer("techniques")]
    out["flc"] = score_flc(flc_gold, predict_rows("flc", plain_23, detector))
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "st3.template"
        template.write_text(
            "".join(
                f"{d.id}\t{p.meta['number']}\t{d.text[p.start : p.end]}\n"
                for d in d23
                for p in paragraphs(d.text)
            ),
            encoding="utf-8",
        )
        gold_st3: dict[tuple[str, int], set[str]] = {}
        for d in d23:
            for s in d.layer("paragraph_techniques"):
                gold_st3.setdefault((d.id, s.meta["number"]), set()).add(s.label)
        st3_gold = [
            (d.id, p.meta["number"], tuple(sorted(gold_st3.get((d.id, p.meta["number"]), ()))))
            for d in d23
            for p in paragraphs(d.text)
        ]
        out["st3"] = score_st3(st3_gold, predict_rows("st3", plain_23, detector, template=template))
        tc_template = Path(tmp) / "tc.labels"
        write_flc(tc_template, flc_gold)
        out["tc"] = score_tc(flc_gold, predict_rows("tc", plain_23, detector, template=tc_template))
    out["seconds"] = time.perf_counter() - t0
    return out


def main() -> None:
    """Print the dev figures of each detector."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=None)
    parser.add_argument("--detector", nargs="*", default=["hybrid", "tagger", "baseline"])
    parser.add_argument("--model", nargs="*", default=[])
    parser.add_argument("--per-technique", action="store_true")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    data = data_root(args.data)
    detectors: dict[str, Any] = {}
    for name in args.detector:
        detectors[name] = load_detector(name)[0]
    for folder in args.model:
        detectors[folder] = Tagger(folder)
        detectors[folder + "+rules"] = HybridDetector(Tagger(folder))
    results = {}
    print(
        f"{'detector':<28} {'SI F1':>6} {'FLC P':>6} {'FLC R':>6} {'FLC F1':>6} "
        f"{'st3 mi':>6} {'st3 ma':>6} {'TC F1':>6} {'secs':>5}"
    )
    for name, det in detectors.items():
        r = evaluate(det, data)
        results[name] = r
        print(
            f"{name[-28:]:<28} {r['si']['f1']:6.3f} {r['flc']['precision']:6.3f} "
            f"{r['flc']['recall']:6.3f} {r['flc']['f1']:6.3f} {r['st3']['micro_f1']:6.3f} "
            f"{r['st3']['macro_f1']:6.3f} {r['tc']['f1']:6.3f} {r['seconds']:5.1f}"
        )
        if args.per_technique:
            for key in sorted(k for k in r["flc"] if k.startswith("f1/")):
                t = key[3:]
                print(
                    f"    {t:<34} P {r['flc'].get('precision/' + t, 0):.3f} "
                    f"R {r['flc'].get('recall/' + t, 0):.3f} F1 {r['flc'][key]:.3f}"
                )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
