"""The shipped persuasion-technique tagger, run with onnxruntime (no torch, no transformers).

The model folder holds ``model.onnx`` (int8), ``tokenizer.json`` and ``config.json`` (window,
stride, decoding settings and calibration, chosen on the development articles).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinscope.coverage import Coverage, stored_coverage
from spinscope.detectors.base import BaseDetector
from spinscope.document import Document, Span
from spinscope.errors import InputError, ModelError
from spinscope.tagger.decode import DecodeConfig, repetition_spans
from spinscope.tagger.decode import decode as decode_spans
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

    Inference is two pure steps: :meth:`article_probs` runs the model, :meth:`decode` turns
    its outputs into spans; :meth:`predict` does both. A caller that needs the outputs for
    something else too (the article models) runs the first step once and passes them on
    (``probs=``). Nothing is remembered between calls, so threads may share a tagger.

    ``batch_size`` is the most windows per model call; a call never mixes articles, so an
    article's results are the same alone or among others. The default, 1, keeps the int8 model's
    outputs independent of batch-mates (dynamic quantisation scales activations per call):
    batching 4 or 8 windows changed a third of the decoded spans and was not faster on 2 cores
    (``benchmarks/batch_fidelity.py``; the model card gives the figures).
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
        self._specials: tuple[int, int, int] = (0, 0, 0)
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
            specials = special_ids(tokenizer)  # ValueError without start/end tokens
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
        self._tokenizer, self._session, self._specials = tokenizer, session, specials
        return self

    def _decode_config(self, threshold: float | None) -> DecodeConfig:
        """The stored decoding settings, moved to ``threshold`` when one is given."""
        config = DecodeConfig.from_dict(self.config.get("decode", {}))
        return config if threshold is None else config.with_threshold(threshold)

    def with_threshold(self, threshold: float | None) -> Tagger:
        """A loaded copy decoding at ``threshold``; it shares this tagger's session.

        Cheap (no model load): for serving requests that each ask for their own threshold.
        """
        self.load()
        copied = copy.copy(self)
        copied.threshold = threshold
        copied.decode_config = self._decode_config(threshold)
        return copied

    def shares(self, other: Tagger) -> bool:
        """Whether ``other`` runs the same loaded model (a :meth:`with_threshold` copy does)."""
        return self._session is not None and self._session is other._session

    def with_floor(self, floor: float) -> Tagger:
        """A loaded copy that also keeps the possible spans, down to ``floor``."""
        return self.with_threshold(floor)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the model was trained on (ISO codes; the first model: English)."""
        self.load()
        return tuple(self.config.get("languages", ("en",)))

    def coverage_for(self, detector: str) -> Coverage | None:
        """The stored coverage statement of ``detector`` on this model (``tagger``, ``hybrid``).

        ``None`` when the model's config holds none (see :mod:`spinscope.coverage`).
        """
        self.load()
        return stored_coverage(self.config, detector)

    @property
    def coverage(self) -> Coverage | None:
        """What this tagger alone can find (:meth:`coverage_for`)."""
        return self.coverage_for(self.name)

    @property
    def window(self) -> int:
        """Word pieces per model window (special tokens excluded)."""
        return int(self.config.get("window", 254))

    @property
    def stride(self) -> int:
        """Word pieces between window starts."""
        return int(self.config.get("stride", 160))

    def article_probs(
        self, texts: Sequence[str], *, progress: Callable[[int, int], None] | None = None
    ) -> list[ArticleProbs]:
        """Run the model: each text's word pieces and probabilities (and mean embedding).

        Windows are batched across all ``texts``; nothing is kept between calls. These are
        the outputs that :meth:`decode`, :meth:`rank` and the article models
        (:mod:`spinscope.article`) read: compute them once and pass them to each.
        ``progress(done, total)`` is called after each model call, in windows.
        """
        if not texts:
            return []
        self.load()
        tok = self._tokenizer
        cls_id, sep_id, pad_id = self._specials
        encoded = [encode(tok, t) for t in texts]
        wins: list[Window] = [
            w for i, e in enumerate(encoded) for w in windows(len(e), i, self.window, self.stride)
        ]
        parts: list[list[tuple[Window, npt.NDArray[np.float32]]]] = [[] for _ in texts]
        pooled: list[list[npt.NDArray[np.float32]]] = [[] for _ in texts]
        outputs = [o.name for o in self._session.get_outputs()]
        done = 0
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
            done += len(idx)
            if progress is not None:
                progress(done, len(wins))
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

    def decode(
        self, docs: Sequence[Document], probs: Sequence[ArticleProbs], *, task: str = "flc"
    ) -> list[list[Span]]:
        """Technique spans of each document from the model's outputs for it (no model run).

        ``probs`` are :meth:`article_probs` of the documents' texts, in the same order;
        ``task`` chooses the operating point (:meth:`decode_config_for`).
        """
        if len(probs) != len(docs):
            raise InputError(
                f"{self.name}: got {len(docs)} documents but the model's outputs for "
                f"{len(probs)}; pass article_probs() of the same documents' texts"
            )
        _check_not_empty(docs)
        cfg = self.decode_config_for(task)
        return [
            decode_spans(doc.text, ap.encoded.offsets, ap.probs, cfg)
            for doc, ap in zip(docs, probs, strict=True)
        ]

    def predict(
        self, docs: Sequence[Document], *, probs: Sequence[ArticleProbs] | None = None
    ) -> list[list[Span]]:
        """Technique spans for each document (no side effects).

        ``probs``, the model's outputs for the documents (:meth:`article_probs`), saves running
        it when the caller already has them; without them, the model runs here.
        """
        return self._predict(docs, probs, "flc")

    def predict_si(
        self, docs: Sequence[Document], *, probs: Sequence[ArticleProbs] | None = None
    ) -> list[list[Span]]:
        """Spans at the span-identification operating point (tuned for SI F1, more recall).

        Labels are still techniques; SI uses only where the spans are. ``probs`` as in
        :meth:`predict`.
        """
        return self._predict(docs, probs, "si")

    def decode_config_for(self, task: str = "flc") -> DecodeConfig:
        """The decoding settings for ``task`` ("si" or anything else)."""
        self.load()
        return self.decode_config.for_si() if task == "si" else self.decode_config

    def _predict(
        self, docs: Sequence[Document], probs: Sequence[ArticleProbs] | None, task: str
    ) -> list[list[Span]]:
        if probs is not None:
            return self.decode(docs, probs, task=task)
        _check_not_empty(docs)
        out: list[list[Span]] = []
        # chunk documents so that memory stays bounded however many are passed
        for b in range(0, len(docs), 16):
            chunk = docs[b : b + 16]
            out.extend(self.decode(chunk, self.article_probs([d.text for d in chunk]), task=task))
        return out

    def rank(
        self,
        doc: Document,
        spans: Sequence[tuple[int, int]],
        *,
        probs: ArticleProbs | None = None,
    ) -> list[list[str]]:
        """For each given span, the techniques from most to least likely.

        A span's technique scores are its word pieces' mean probabilities, times the
        technique's share of the training spans raised to ``rank_prior_power`` (from the model
        config; 0.3 was best on the development articles); a span whose text occurred earlier
        in the article ranks Repetition first. ``probs`` (:meth:`article_probs` of
        ``doc.text``) saves running the model.
        """
        self.load()
        ap = probs if probs is not None else self.article_probs([doc.text])[0]
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

    def classify(
        self,
        doc: Document,
        spans: Sequence[tuple[int, int]],
        *,
        probs: ArticleProbs | None = None,
    ) -> list[str]:
        """The most likely technique of each given span (``probs`` as in :meth:`rank`)."""
        return [r[0] for r in self.rank(doc, spans, probs=probs)]


def _check_not_empty(docs: Sequence[Document]) -> None:
    for doc in docs:
        if not doc.text.strip():
            raise InputError(f"article {doc.id!r} is empty or whitespace only: give it some text")
