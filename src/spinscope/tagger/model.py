"""The shipped persuasion-technique tagger, run with onnxruntime (no torch, no transformers).

The model folder holds ``model.onnx`` (int8), ``tokenizer.json`` and ``config.json`` (window,
stride, decoding settings and calibration, chosen on the development articles).
"""

from __future__ import annotations

import copy
import json
import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinscope.detectors.base import BaseDetector
from spinscope.document import Document, Span
from spinscope.errors import InputError, ModelError
from spinscope.tagger.decode import DecodeConfig, decode, repetition_spans
from spinscope.tagger.labels import ANY, OUTPUTS
from spinscope.tagger.windows import (
    Encoded,
    Window,
    encode,
    make_batches,
    special_ids,
    stitch,
    token_range,
    windows,
)

__all__ = ["ArticleProbs", "Tagger", "default_model_dir"]

_REINSTALL = (
    "Reinstall spinscope (`pip install --force-reinstall spinscope`, or `pip install -e .` "
    "in a checkout), or pass a model folder that holds model.onnx, tokenizer.json and "
    "config.json."
)


def default_model_dir() -> Path:
    """The model folder shipped inside the package."""
    return Path(str(resources.files("spinscope") / "resources" / "model"))


@dataclass(frozen=True)
class ArticleProbs:
    """An article's word pieces and the model's per-piece probabilities for each output."""

    encoded: Encoded
    probs: npt.NDArray[np.float32]
    #: mean of the model's window embeddings (``None`` for a model exported without them)
    embedding: npt.NDArray[np.float32] | None = None


class Tagger(BaseDetector):
    """Tags technique spans with the ONNX model; settings are stored, the model loads lazily.

    ``batch_size`` is the number of windows per model call. The default, 1, is as fast as
    larger batches on 2 cores (no padding) and keeps the int8 model closest to fp32: dynamic
    quantisation scales activations per call, so a window's outputs then never depend on its
    batch-mates (dev FLC F1 0.233 at 1 vs 0.229 at 8, fp32 0.236).
    """

    name = "tagger"

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        threshold: float | None = None,
        batch_size: int = 1,
        threads: int | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_model_dir()
        self.threshold = threshold
        self.batch_size = batch_size
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        # the latest articles' outputs: the article models read them after span detection
        self._recent: OrderedDict[str, ArticleProbs] = OrderedDict()
        self.config: dict[str, Any] = {}
        self.decode_config = DecodeConfig()

    def load(self) -> Tagger:
        """Load the model, tokenizer and settings; raise :class:`ModelError` if they are broken."""
        if self._session is not None:
            return self
        files = {n: self.path / n for n in ("model.onnx", "tokenizer.json", "config.json")}
        missing = [str(p) for p in files.values() if not p.is_file()]
        if missing:
            raise ModelError(f"model files missing: {', '.join(missing)}. {_REINSTALL}")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            self.config = json.loads(files["config.json"].read_text(encoding="utf-8"))
            self.decode_config = self._decode_config(self.threshold)
            tokenizer = Tokenizer.from_file(str(files["tokenizer.json"]))
            tokenizer.no_truncation()
            tokenizer.no_padding()
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self.threads or min(4, os.cpu_count() or 1)
            opts.inter_op_num_threads = 1
            opts.log_severity_level = 3
            session = ort.InferenceSession(
                str(files["model.onnx"]), opts, providers=["CPUExecutionProvider"]
            )
        except ModelError:
            raise
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise ModelError(
                f"the model in {self.path} could not be loaded ({exc}). {_REINSTALL}"
            ) from exc
        self._tokenizer, self._session = tokenizer, session
        return self

    def _decode_config(self, threshold: float | None) -> DecodeConfig:
        """The stored decoding settings, moved to ``threshold`` when one is given."""
        config = DecodeConfig.from_dict(self.config.get("decode", {}))
        return config if threshold is None else config.with_threshold(threshold)

    def with_threshold(self, threshold: float | None) -> Tagger:
        """A loaded copy decoding at ``threshold``; it shares this tagger's session and cache.

        Cheap (no model load): for serving requests that each ask for their own threshold.
        """
        self.load()
        copied = copy.copy(self)
        copied.threshold = threshold
        copied.decode_config = self._decode_config(threshold)
        return copied

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the model was trained on (ISO codes; the first model: English)."""
        self.load()
        return tuple(self.config.get("languages", ("en",)))

    @property
    def window(self) -> int:
        """Word pieces per model window (special tokens excluded)."""
        return int(self.config.get("window", 254))

    @property
    def stride(self) -> int:
        """Word pieces between window starts."""
        return int(self.config.get("stride", 160))

    #: how many articles' outputs :meth:`article_probs` keeps for a second call on the same text
    recent_size = 32

    def article_probs(self, texts: Sequence[str]) -> list[ArticleProbs]:
        """Per-article word pieces and probabilities, batching windows across all ``texts``.

        The outputs of the last :attr:`recent_size` texts are kept, so the article models
        (:mod:`spinscope.article`) can read them after span detection without running the
        model again.
        """
        found = {t: self._recent[t] for t in texts if t in self._recent}
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        if todo:
            for text, probs in zip(todo, self._article_probs(todo), strict=True):
                found[text] = probs
                self._recent[text] = probs
                self._recent.move_to_end(text)
            while len(self._recent) > self.recent_size:
                self._recent.popitem(last=False)
        return [found[t] for t in texts]

    def _article_probs(self, texts: Sequence[str]) -> list[ArticleProbs]:
        self.load()
        tok = self._tokenizer
        cls_id, sep_id, pad_id = special_ids(tok)
        encoded = [encode(tok, t) for t in texts]
        wins: list[Window] = [
            w for i, e in enumerate(encoded) for w in windows(len(e), i, self.window, self.stride)
        ]
        parts: list[list[tuple[Window, npt.NDArray[np.float32]]]] = [[] for _ in texts]
        pooled: list[list[npt.NDArray[np.float32]]] = [[] for _ in texts]
        outputs = [o.name for o in self._session.get_outputs()]
        for idx, ids, mask in make_batches(
            encoded,
            wins,
            cls_id=cls_id,
            sep_id=sep_id,
            pad_id=pad_id,
            batch_size=self.batch_size,
            per_document=True,
        ):
            result = self._session.run(outputs, {"input_ids": ids, "attention_mask": mask})
            probs = result[0]
            for row, i in enumerate(idx):
                w = wins[i]
                parts[w.doc].append((w, probs[row, 1 : w.end - w.start + 1]))
                if len(result) > 1:
                    pooled[w.doc].append(result[1][row])
        return [
            ArticleProbs(
                e,
                stitch(len(e), parts[d], len(OUTPUTS)),
                np.mean(pooled[d], axis=0).astype(np.float32) if pooled[d] else None,
            )
            for d, e in enumerate(encoded)
        ]

    def predict(self, docs: Sequence[Document]) -> list[list[Span]]:
        """Technique spans for each document (no side effects)."""
        return self._predict(docs, self.decode_config_for())

    def predict_si(self, docs: Sequence[Document]) -> list[list[Span]]:
        """Spans at the span-identification operating point (tuned for SI F1, more recall).

        Labels are still techniques; SI uses only where the spans are.
        """
        return self._predict(docs, self.decode_config_for("si"))

    def decode_config_for(self, task: str = "flc") -> DecodeConfig:
        """The decoding settings for ``task`` ("si" or anything else)."""
        self.load()
        return self.decode_config.for_si() if task == "si" else self.decode_config

    def _predict(self, docs: Sequence[Document], cfg: DecodeConfig) -> list[list[Span]]:
        for doc in docs:
            if not doc.text.strip():
                raise InputError(
                    f"article {doc.id!r} is empty or whitespace only: give it some text"
                )
        out: list[list[Span]] = []
        # chunk documents so that memory stays bounded however many are passed
        for b in range(0, len(docs), 16):
            chunk = docs[b : b + 16]
            for doc, ap in zip(chunk, self.article_probs([d.text for d in chunk]), strict=True):
                out.append(decode(doc.text, ap.encoded.offsets, ap.probs, cfg))
        return out

    def rank(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[list[str]]:
        """For each given span, the techniques from most to least likely.

        A span's technique scores are its word pieces' mean probabilities, times the
        technique's share of the training spans raised to ``rank_prior_power`` (from the model
        config; 0.3 was best on the development articles); a span whose text occurred earlier
        in the article ranks Repetition first.
        """
        (ap,) = self.article_probs([doc.text])
        names = [n for n in OUTPUTS if n != ANY]
        cols = [OUTPUTS.index(n) for n in names]
        counts = self.config.get("technique_counts", {})
        prior = np.array([counts.get(n, 0) + 1.0 for n in names])
        weight = (prior / prior.sum()) ** float(self.config.get("rank_prior_power", 0.0))
        repeated = {
            (s.start, s.end)
            for s in repetition_spans(doc.text, [Span(s, e, "x") for s, e in spans])
        }
        out = []
        for s, e in spans:
            lo, hi = token_range(ap.encoded, s, e)
            hi = max(lo + 1, hi)
            mean = ap.probs[lo:hi].mean(0) if len(ap.probs) else np.zeros(len(OUTPUTS))
            order = [names[i] for i in np.argsort(-mean[cols] * weight, kind="stable")]
            if (s, e) in repeated:
                order.remove("Repetition")
                order.insert(0, "Repetition")
            out.append(order)
        return out

    def classify(self, doc: Document, spans: Sequence[tuple[int, int]]) -> list[str]:
        """The most likely technique of each given span."""
        return [r[0] for r in self.rank(doc, spans)]
