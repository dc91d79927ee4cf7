"""Distil a smaller tagger from a trained one: layer selection, then the teacher's probabilities.

The student is the teacher with fewer transformer layers: its embeddings, head and the layers
named by ``teacher_layers`` are copied from the teacher's weights (layer selection), so it starts
close to the teacher instead of from the pretrained encoder. It then trains on two targets at
once (:func:`spinscope.training.tagger.train_tagger` with ``soft_targets``): the gold spans and
paragraph labels, as the teacher did, and the teacher's own word-piece probabilities over every
training text (knowledge distillation). The teacher's probabilities also cover the word pieces
whose gold is unknown (paragraphs whose spans were lost), so the student learns there too.

The teacher is a training run's weights file (``model.pt`` or ``model_epoch<N>.pt``); its folder
must hold the run's ``train_config.json`` and, for multilingual-e5-small, its ``vocab.npy``: the
student keeps the teacher's vocabulary and tokenizer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.training.tagger import (
    TokenTaggerModel,
    TrainConfig,
    load_encoder,
    predict_probs,
)

log = logging.getLogger(__name__)

__all__ = [
    "check_layer_map",
    "default_layer_map",
    "load_teacher",
    "state_layers",
    "student_state",
    "teacher_config",
    "teacher_targets",
]

_LAYER = re.compile(r"^encoder\.encoder\.layer\.(\d+)\.(.*)$")


def teacher_config(weights: Path) -> TrainConfig:
    """The :class:`TrainConfig` of the run that saved ``weights`` (its ``train_config.json``)."""
    path = weights.parent / "train_config.json"
    if not weights.is_file():
        raise InputError(
            f"teacher weights {weights} not found: give a training run's model.pt or "
            "model_epoch<N>.pt"
        )
    if not path.is_file():
        raise InputError(
            f"{path} is missing: the teacher must be the weights of a spinscope train run, "
            "whose folder holds its train_config.json"
        )
    raw = json.loads(path.read_text(encoding="utf-8"))
    known = {f.name for f in fields(TrainConfig)}
    return TrainConfig(**{k: v for k, v in raw.items() if k in known})


def load_teacher(weights: Path, data: str | Path | None = None) -> tuple[Any, Any, TrainConfig]:
    """``(model, tokenizer, config)`` of the teacher, in eval mode."""
    import torch

    cfg = teacher_config(weights)
    folder = weights.parent
    if cfg.base_model == "multilingual-e5-small" and not (folder / "vocab.npy").is_file():
        raise InputError(f"{folder / 'vocab.npy'} is missing: the teacher's vocabulary is needed")
    encoder, tokenizer = load_encoder(cfg, data=data, out_dir=folder)
    model = TokenTaggerModel.build(encoder, cfg.dropout)
    model.load_state_dict(torch.load(weights, weights_only=True))
    model.eval()
    return model, tokenizer, cfg


def default_layer_map(teacher_layers: int, student_layers: int) -> tuple[int, ...]:
    """Evenly spread teacher layers, always keeping the first and the last.

    8 → 4 keeps ``(0, 2, 5, 7)``; 8 → 6 keeps ``(0, 1, 3, 4, 6, 7)``.
    """
    if not 1 <= student_layers <= teacher_layers:
        raise InputError(
            f"a student of {student_layers} layers cannot be selected from a teacher of "
            f"{teacher_layers}: give --layers between 1 and {teacher_layers}"
        )
    if student_layers == 1:
        return (teacher_layers - 1,)
    step = (teacher_layers - 1) / (student_layers - 1)
    return tuple(round(i * step) for i in range(student_layers))


def state_layers(state: dict[str, Any]) -> int:
    """How many transformer layers a tagger's state dict holds."""
    found = {int(m.group(1)) for key in state if (m := _LAYER.match(key)) is not None}
    return max(found) + 1 if found else 0


def check_layer_map(layer_map: Sequence[int], teacher_layers: int) -> None:
    """An :class:`InputError` unless ``layer_map`` names distinct layers the teacher has."""
    missing = [i for i in layer_map if not 0 <= i < teacher_layers]
    if missing:
        raise InputError(
            f"teacher layers {missing} do not exist: the teacher has layers "
            f"0-{teacher_layers - 1}; fix --teacher-layers"
        )
    if len(set(layer_map)) != len(layer_map):
        raise InputError(
            f"--teacher-layers {','.join(map(str, layer_map))} names a layer twice: give "
            "each teacher layer at most once"
        )


def student_state(teacher: dict[str, Any], layer_map: Sequence[int]) -> dict[str, Any]:
    """The teacher's state dict with only ``layer_map``'s layers, renumbered 0, 1, ..."""
    check_layer_map(layer_map, state_layers(teacher))
    new_index = {old: new for new, old in enumerate(layer_map)}
    out: dict[str, Any] = {}
    for key, value in teacher.items():
        m = _LAYER.match(key)
        if m is None:
            out[key] = value
        elif int(m.group(1)) in new_index:
            out[f"encoder.encoder.layer.{new_index[int(m.group(1))]}.{m.group(2)}"] = value
    return out


def teacher_targets(
    weights: Path,
    docs: Sequence[Document],
    out_dir: Path,
    data: str | Path | None = None,
) -> list[np.ndarray]:
    """The teacher's word-piece probabilities for each article (cached in ``out_dir``).

    The cache (``teacher_probs.npz``) is keyed by the teacher's weights and the articles; it is
    computed again when either changes. The student shares the teacher's tokenizer, so the
    word pieces line up.
    """
    key = hashlib.sha256()
    key.update(weights.read_bytes())
    key.update("\n".join(d.id + "\0" + d.text for d in docs).encode())
    digest = key.hexdigest()
    cache = out_dir / "teacher_probs.npz"
    if cache.is_file():
        with np.load(cache) as stored:
            if str(stored["digest"]) == digest:
                log.info("teacher probabilities read from %s", cache)
                return [stored[f"p{i}"] for i in range(len(docs))]
    model, tokenizer, cfg = load_teacher(weights, data)
    log.info("teacher probabilities for %d articles", len(docs))
    probs = predict_probs(model, tokenizer, docs, cfg)
    arrays = {f"p{i}": p.astype(np.float16) for i, (_, p) in enumerate(probs)}
    tmp = out_dir / "teacher_probs.tmp.npz"
    np.savez(tmp, digest=np.array(digest), **arrays)  # type: ignore[arg-type]
    tmp.replace(cache)
    return [arrays[f"p{i}"] for i in range(len(docs))]


def copy_vocabulary(weights: Path, out_dir: Path) -> None:
    """Give the student the teacher's trimmed vocabulary (``vocab.npy``) if it has one."""
    src = weights.parent / "vocab.npy"
    if src.is_file():
        out_dir.mkdir(parents=True, exist_ok=True)
        dest = out_dir / "vocab.npy"
        if not dest.is_file() or dest.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dest)
