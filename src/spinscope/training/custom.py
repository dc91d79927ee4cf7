"""``spinscope train --data DIR`` where DIR is an annotation folder: train on your own articles.

An annotation folder (:mod:`spinscope.corpora.annotations`; what ``spinscope import
label-studio`` writes) holds articles and their technique spans. :func:`train_custom_command`
trains the tagger on them, with the recipe of the shipped model by default
(:func:`shipped_recipe`: multilingual-e5-small, its first 8 layers, the shipped model's trimmed
vocabulary plus the pieces of the new articles, frozen word embeddings, output biases started
at the base rates), and writes a model folder that ``spinscope analyze --model`` and
``spinscope serve --model`` load.

Development articles, on which the decoding settings and the score calibration are tuned:

* ``dev``: another annotation folder; or
* a seeded share of the folder's articles (``dev_share``, 0.2 by default). When that share
  would hold fewer than :data:`MIN_DEV_ARTICLES` articles or :data:`MIN_DEV_SPANS` spans,
  every article is trained on and the decoding settings are taken from the shipped model's
  ``config.json`` (or ``decode_from``).

With ``with_base`` the SemEval-2023 training articles of the data root (``SPINSCOPE_DATA``)
are trained on as well, as the shipped model was (their development articles stay out unless
``include_dev``); the decoding is still tuned on your development articles only.

Besides the model (``OUT/model``) the run writes ``OUT/summary.json`` and ``OUT/report.md``:
the articles, the spans per technique, the decoding source, and the figures of the new and
the shipped model on the development articles.
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from spinscope.corpora.annotations import read_annotations
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.training.tagger import E5_SMALL, TrainConfig

log = logging.getLogger(__name__)

__all__ = [
    "MIN_DEV_ARTICLES",
    "MIN_DEV_SPANS",
    "RECIPE_FIELDS",
    "article_languages",
    "shipped_recipe",
    "split_dev",
    "train_custom_command",
]

#: Fewest development articles worth tuning the decoding on.
MIN_DEV_ARTICLES = 3
#: Fewest gold spans in the development articles worth tuning the decoding on.
MIN_DEV_SPANS = 10

#: The :class:`TrainConfig` fields taken from the shipped model's recipe (not the epochs, seed
#: or logging: those are the run's).
RECIPE_FIELDS: tuple[str, ...] = (
    "base_model",
    "window",
    "stride",
    "batch_size",
    "lr",
    "head_lr",
    "warmup",
    "weight_decay",
    "max_pos_weight",
    "dropout",
    "bf16",
    "languages",
    "paragraph_weight",
    "freeze_word_embeddings",
    "attention_dropout",
    "layers",
    "vocab_general",
    "prior_bias",
    "head_only_steps",
)

#: The shipped model's recipe, for an installation whose model folder is missing
#: (MODEL_CARD.md gives the command that trained it).
_FALLBACK_RECIPE: dict[str, Any] = {
    "base_model": E5_SMALL,
    "languages": ("en", "fr", "de", "it", "pl", "ru"),
    "paragraph_weight": 0.5,
    "freeze_word_embeddings": True,
    "attention_dropout": 0.0,
    "layers": 8,
    "prior_bias": True,
}


def _shipped_config() -> Path:
    from spinscope.tagger.model import default_model_dir

    return default_model_dir() / "config.json"


def shipped_recipe() -> dict[str, Any]:
    """The :data:`RECIPE_FIELDS` settings the shipped model was trained with.

    Read from the shipped model's ``config.json`` (its ``train`` record).
    """
    path = _shipped_config()
    stored: dict[str, Any] = {}
    if path.is_file():
        stored = json.loads(path.read_text(encoding="utf-8")).get("train", {})
    recipe = {k: v for k, v in stored.items() if k in RECIPE_FIELDS} or dict(_FALLBACK_RECIPE)
    recipe["languages"] = tuple(recipe.get("languages", ("en",)))
    return recipe


def split_dev(
    docs: Sequence[Document], share: float, seed: int
) -> tuple[list[Document], list[Document], str | None]:
    """``(train, dev, note)``: a seeded ``share`` of ``docs`` held out for tuning.

    When the share would hold fewer than :data:`MIN_DEV_ARTICLES` articles or
    :data:`MIN_DEV_SPANS` gold spans (or leave nothing to train on), nothing is held out and
    ``note`` says why.
    """
    if not 0.0 <= share < 1.0:
        raise InputError(f"--dev-share must be at least 0 and below 1; got {share:g}.")
    n_dev = round(len(docs) * share)
    if share == 0.0:
        return list(docs), [], "no development split (--dev-share 0)"
    order = sorted(docs, key=lambda d: d.id)
    random.Random(seed).shuffle(order)
    dev = sorted(order[:n_dev], key=lambda d: d.id)
    train = sorted(order[n_dev:], key=lambda d: d.id)
    spans = sum(len(d.layer("techniques")) for d in dev)
    if n_dev < MIN_DEV_ARTICLES or spans < MIN_DEV_SPANS or not train:
        return (
            list(docs),
            [],
            f"too few articles for a development split: {share:g} of {len(docs)} articles is "
            f"{n_dev} article{'s' if n_dev != 1 else ''} with {spans} span"
            f"{'s' if spans != 1 else ''} (tuning needs at least {MIN_DEV_ARTICLES} articles "
            f"and {MIN_DEV_SPANS} spans)",
        )
    return train, dev, None


def article_languages(docs: Sequence[Document]) -> tuple[str, ...]:
    """The detected languages of ``docs`` (ISO codes), most articles first."""
    from spinscope.signals.language import detect_language

    found = Counter(code for d in docs if (code := detect_language(d.text)[0]) is not None)
    return tuple(code for code, _ in found.most_common())


def _config(
    recipe: dict[str, Any],
    base_model: str | None,
    epochs: int,
    seed: int,
    overrides: dict[str, Any],
) -> TrainConfig:
    """The run's settings: the recipe, with ``base_model`` and ``overrides`` (non-``None``)."""
    settings = dict(recipe)
    if base_model is not None and base_model != settings.get("base_model"):
        # the layer count and the vocabulary trim belong to the recipe's encoder
        settings.pop("layers", None)
        settings.pop("vocab_general", None)
        settings["base_model"] = base_model
    known = {f.name for f in fields(TrainConfig)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise TypeError(f"unknown training settings: {', '.join(unknown)}")
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig(epochs=epochs, seed=seed, **settings)


def _check_distinct(train: Sequence[Document], dev: Sequence[Document], dev_folder: Path) -> None:
    both = sorted({d.id for d in train} & {d.id for d in dev})
    if both:
        shown = ", ".join(both[:5]) + (f" and {len(both) - 5} more" if len(both) > 5 else "")
        raise InputError(
            f"article id(s) {shown} are in both the training folder and the --dev folder "
            f"{str(dev_folder)!r}: development articles must be held out from training"
        )


def train_custom_command(
    annotations: str | Path,
    out: str | Path = "runs/custom",
    *,
    dev: str | Path | None = None,
    dev_share: float = 0.2,
    with_base: bool = False,
    data: str | Path | None = None,
    base_model: str | None = None,
    epochs: int = 4,
    seed: int = 13,
    include_dev: bool = False,
    decode_from: str | Path | None = None,
    export_epoch: int | None = None,
    compare: bool = True,
    **overrides: Any,
) -> dict[str, Any]:
    """Train on the annotation folder ``annotations``; write ``out/model`` and a report.

    ``dev`` (an annotation folder) or a seeded ``dev_share`` of the articles tunes the
    decoding (see the module docstring). ``with_base`` adds the SemEval-2023 training articles
    under ``data`` (default: ``SPINSCOPE_DATA``, then ``../shared/data``); ``include_dev``
    adds their development articles too. ``base_model`` is the encoder to fine-tune (default:
    the shipped model's recipe, :func:`shipped_recipe`; another encoder keeps the recipe's
    other settings). ``overrides`` set :class:`TrainConfig` fields (``None`` keeps the
    recipe's); ``languages`` chooses the base corpora's languages. ``export_epoch`` exports
    the weights saved after that epoch of an earlier run in ``out`` instead of training.
    With ``compare``, the report also scores the shipped model on the development articles.

    Returns the figures written to ``out/summary.json``.
    """
    from spinscope.training.run import load_training_docs, run_training

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    folder = Path(annotations)
    out_dir = Path(out)
    mine = read_annotations(folder)
    if dev is not None:
        dev_docs = read_annotations(dev)
        _check_distinct(mine, dev_docs, Path(dev))
        if not any(d.layer("techniques") for d in dev_docs):
            raise InputError(
                f"the --dev folder {str(dev)!r} holds no technique span: there is nothing to "
                "tune the decoding on"
            )
        train, note = list(mine), None
        dev_source = f"the annotation folder {dev}"
    else:
        train, dev_docs, note = split_dev(mine, dev_share, seed)
        dev_source = f"{dev_share:g} of the articles (seed {seed})"
    recipe = shipped_recipe()
    base_languages = overrides.pop("languages", None)
    languages = article_languages(mine)
    cfg = _config(recipe, base_model, epochs, seed, overrides)
    from spinscope.corpora.splits import TRAINING_LANGUAGES

    base: list[Document] = []
    if with_base:
        from spinscope.corpora.datapath import data_root

        root = data_root(data)
        if base_languages is not None:
            cfg.languages = tuple(base_languages)
        base_train, base_dev = load_training_docs(cfg.languages, root)
        base = base_train + (base_dev if include_dev else [])
        stored_languages = tuple(dict.fromkeys([*languages, *cfg.languages]))
    else:
        if base_languages is not None:
            raise InputError("--languages chooses the base corpora's languages: add --with-base")
        # the languages the per-epoch dev figures look for (base corpora only)
        cfg.languages = tuple(c for c in languages if c in TRAINING_LANGUAGES) or ("en",)
        stored_languages = languages or cfg.languages
    decode_source = "tuned on the development articles"
    if not dev_docs:
        if decode_from is None:
            shipped = _shipped_config()
            decode_from = shipped if shipped.is_file() else None
            decode_source = (
                "taken from the shipped model's config.json"
                if decode_from is not None
                else "the defaults (the shipped model's config.json is missing)"
            )
        else:
            decode_source = f"taken from {decode_from}"
        if note:
            log.warning("%s: training on all of them; decoding settings %s", note, decode_source)
    all_train = train + base
    summary = run_training(
        all_train,
        dev_docs,
        out_dir,
        cfg,
        data=None,
        decode_from=decode_from,
        export_epoch=export_epoch,
        vocab_texts=[d.text for d in all_train],
        metadata={
            "languages": list(stored_languages),
            "annotations": {
                "folder": str(folder),
                "train_articles": len(train),
                "dev_articles": len(dev_docs),
                "dev": dev_source if dev_docs else None,
                "base_articles": len(base),
                "decoding": decode_source,
            },
        },
    )
    model_dir = out_dir / "model"
    if dev_docs and not summary.get("dev_tuned", {}).get("flc_f1"):
        summary["warning"] = (
            "the model found no technique on the development articles at any threshold: "
            "train for more epochs, on more articles, or with --with-base"
        )
    summary.update(
        {
            "model": str(model_dir),
            "annotations": str(folder),
            "your_train_articles": len(train),
            "base_articles": len(base),
            "dev_source": dev_source if dev_docs else None,
            "decoding": decode_source,
            "note": note,
            "languages": list(stored_languages),
            "train": {k: getattr(cfg, k) for k in RECIPE_FIELDS},
        }
    )
    if dev_docs and compare and (model_dir / "model.onnx").is_file():
        import time

        from spinscope.evaluate import compare_models

        started = time.perf_counter()
        summary["dev_comparison"] = compare_models(
            dev_docs, {"shipped": None, "new": model_dir}, detector="tagger"
        )
        summary.setdefault("seconds", {})["compare"] = round(time.perf_counter() - started, 1)
    (out_dir / "summary.json").write_text(
        json.dumps(summary, indent=2, default=str), encoding="utf-8"
    )
    (out_dir / "report.md").write_text(_report(summary, train, dev_docs), encoding="utf-8")
    summary["report"] = str(out_dir / "report.md")
    return summary


def _report(summary: dict[str, Any], train: Sequence[Document], dev: Sequence[Document]) -> str:
    """The run's report in Markdown."""
    lines = [
        "# Training report",
        "",
        f"* Model folder: `{summary['model']}` (model.onnx, tokenizer.json, config.json)",
        f"* Annotation folder: `{summary['annotations']}`",
        f"* Trained on: {summary['your_train_articles']} of your articles"
        + (
            f" and {summary['base_articles']} base-corpus articles"
            if summary["base_articles"]
            else ""
        ),
        f"* Development articles: {len(dev)}"
        + (f" ({summary['dev_source']})" if dev else f" ({summary['note'] or 'none'})"),
        f"* Decoding settings: {summary['decoding']}; threshold "
        f"{summary['decode'].get('threshold')}",
        f"* Languages: {', '.join(summary['languages'])}",
        *([f"* **Warning**: {summary['warning']}"] if summary.get("warning") else []),
        f"* Encoder: {summary['train']['base_model']}"
        + (f", {summary['train']['layers']} layers" if summary["train"].get("layers") else ""),
        "",
        "## Your training spans per technique",
        "",
        "| technique | spans |",
        "|---|---|",
    ]
    counts = Counter(s.label for d in train for s in d.layer("techniques"))
    lines += [f"| {t} | {n} |" for t, n in counts.most_common()] or ["| (none) | 0 |"]
    comparison = summary.get("dev_comparison")
    if comparison:
        lines += [
            "",
            "## On the development articles (tagger alone)",
            "",
            "The new model's decoding was tuned on these articles, so its figures are "
            "optimistic; score both models on articles neither has seen with "
            "`spinscope evaluate --gold DIR --model MODEL`.",
            "",
            "| figure | shipped | new |",
            "|---|---|---|",
        ]
        for task in ("si", "flc"):
            for key in ("precision", "recall", "f1"):
                row = [f"{comparison[m][task][key]:.3f}" for m in ("shipped", "new")]
                lines.append(f"| {task.upper()} {key} | {row[0]} | {row[1]} |")
    lines.append("")
    return "\n".join(lines)
