"""The shipped genre and frame models, run with numpy (no scikit-learn, no torch).

A model is one or more linear *heads*, each reading one or more feature blocks: ``tfidf``
(:class:`~spinscope.article.features.TfidfFeaturizer`), ``tagger``
(:func:`~spinscope.article.features.tagger_features`, which needs the tagger's ONNX model) and
``style`` (:func:`~spinscope.article.features.style_features`). A head's logits
``((x - mean) / scale) @ coef.T + intercept`` are Platt-scaled (``a * z + b``); a model with
several heads averages their calibrated logits and scales the average once more:

* **genre** (``activation: softmax``): one distribution over opinion, reporting and satire,
  calibrated (temperature and biases) on out-of-fold predictions, then shifted from the
  training mix (mostly opinion) to the genre mix stored in ``config.json`` (``genre_prior``:
  mostly reporting, as real news is); the label is the likeliest genre;
* **frames** (``activation: sigmoid``): one probability per frame (one-vs-rest), each
  Platt-scaled on its own; a frame is selected when its probability reaches its threshold
  (``frame_thresholds``: per frame where the training data holds enough articles of it, the
  global micro-F1 threshold elsewhere).

Format 1 folders (binary genre, one global frame threshold) are still read.

The folder (:func:`default_article_models_dir`) holds ``config.json`` (labels, heads,
thresholds, prior, the languages trained on, the cross-validated figures per language, and the
SHA-256 of the tagger model whose features the heads were trained on), ``tfidf.json`` and one
``.npz`` of weights per model. A model that reads tagger features ships with a TF-IDF-only
fallback, used when the tagger is not at hand (the baseline detector) or is not the one the
model was trained with.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from spinscope.analysis import FrameScore, GenreSignal, Notice
from spinscope.article.features import TfidfFeaturizer, style_features, tagger_features
from spinscope.calibration import sigmoid_array, softmax_array
from spinscope.detectors.registry import tagger_of
from spinscope.errors import InputError, ModelError
from spinscope.taxonomy import FRAMES, GENRES

if TYPE_CHECKING:
    from spinscope.tagger.model import ArticleProbs, Tagger

__all__ = [
    "FORMAT_VERSION",
    "ArticleModels",
    "ArticlePrediction",
    "FrameClassifier",
    "GenreClassifier",
    "Head",
    "LinearModel",
    "default_article_models_dir",
    "file_sha256",
]

#: Version of the layout of ``config.json`` and the weight files (2: three genres with a
#: softmax, a threshold per frame, the style block; 1 is still read).
FORMAT_VERSION = 2
_READABLE_FORMATS = (1, 2)

_RETRAIN = (
    "Retrain them with `spinscope train-article --install` (needs the train extra), or "
    "reinstall spinscope."
)

Array = npt.NDArray[np.float32]


def default_article_models_dir() -> Path:
    """The article-model folder shipped inside the package."""
    return Path(str(resources.files("spinscope") / "resources" / "article_models"))


@lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file (cached while its size and modification time stay the same)."""
    st = os.stat(path)
    return _sha256(str(path), st.st_size, st.st_mtime)


@dataclass(frozen=True)
class Head:
    """One linear model over the concatenation of some feature blocks, Platt-scaled."""

    blocks: tuple[str, ...]
    mean: Array
    scale: Array
    coef: Array
    intercept: Array
    platt_a: Array
    platt_b: Array

    def logits(self, features: Mapping[str, Array]) -> Array:
        """Raw logits, ``(n, columns)``."""
        x = np.hstack([features[b] for b in self.blocks]).astype(np.float32)
        if x.shape[1] != self.coef.shape[1]:
            raise ModelError(
                f"an article model expects {self.coef.shape[1]} features from "
                f"{'+'.join(self.blocks)} but got {x.shape[1]}. {_RETRAIN}"
            )
        out = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        return np.asarray(out, dtype=np.float32)

    def calibrated(self, features: Mapping[str, Array]) -> Array:
        """Platt-scaled logits, ``(n, columns)``."""
        out: Array = self.platt_a * self.logits(features) + self.platt_b
        return out


@dataclass(frozen=True)
class LinearModel:
    """Heads whose calibrated logits are averaged, then scaled once more.

    ``activation`` ``"sigmoid"``: one independent probability per column (frames);
    ``"softmax"``: one distribution over the columns (genre).
    """

    heads: tuple[Head, ...]
    final_a: Array
    final_b: Array
    activation: str = "sigmoid"
    #: a final ``(a, b)`` per language (ISO code), used instead of ``final_a, final_b`` for the
    #: rows of that language (genre: each language calibrated on its own articles)
    by_language: Mapping[str, tuple[Array, Array]] = field(default_factory=dict)

    @property
    def blocks(self) -> tuple[str, ...]:
        """The feature blocks the model reads."""
        return tuple(dict.fromkeys(b for h in self.heads for b in h.blocks))

    def probabilities(
        self, features: Mapping[str, Array], languages: Sequence[str | None] | None = None
    ) -> Array:
        """Calibrated probabilities, ``(n, columns)``, each in ``[0, 1]``.

        ``languages`` (one ISO code or ``None`` per row) pick the per-language scale where the
        model has one.
        """
        fused = np.mean([h.calibrated(features) for h in self.heads], axis=0)
        z = self.final_a * fused + self.final_b
        if languages is not None and self.by_language:
            if len(languages) != len(z):
                raise InputError(f"got {len(z)} rows of features but {len(languages)} languages")
            for lang, (a, b) in self.by_language.items():
                rows = np.array([x == lang for x in languages], dtype=bool)
                z[rows] = a * fused[rows] + b
        if self.activation == "softmax":
            return softmax_array(z).astype(np.float32)
        return sigmoid_array(z).astype(np.float32)

    def to_arrays(self) -> dict[str, Array]:
        """The arrays to store in an ``.npz`` (see :meth:`from_arrays`)."""
        out: dict[str, Array] = {"final_a": self.final_a, "final_b": self.final_b}
        for lang, (a, b) in self.by_language.items():
            out[f"language/{lang}/a"], out[f"language/{lang}/b"] = a, b
        for i, h in enumerate(self.heads):
            for name in ("mean", "scale", "coef", "intercept", "platt_a", "platt_b"):
                out[f"head{i}/{name}"] = getattr(h, name)
        return out

    @classmethod
    def from_arrays(
        cls,
        arrays: Mapping[str, Any],
        blocks: Sequence[Sequence[str]],
        activation: str = "sigmoid",
    ) -> LinearModel:
        """Inverse of :meth:`to_arrays`; ``blocks`` lists each head's feature blocks."""
        if activation not in ("sigmoid", "softmax"):
            raise ModelError(f"unknown activation {activation!r} in an article model")
        heads = []
        for i, names in enumerate(blocks):
            parts = {
                n: np.asarray(arrays[f"head{i}/{n}"], dtype=np.float32)
                for n in ("mean", "scale", "coef", "intercept", "platt_a", "platt_b")
            }
            heads.append(Head(tuple(names), **parts))
        return cls(
            tuple(heads),
            np.asarray(arrays["final_a"], dtype=np.float32),
            np.asarray(arrays["final_b"], dtype=np.float32),
            activation,
            {
                key.split("/")[1]: (
                    np.asarray(arrays[key], dtype=np.float32),
                    np.asarray(arrays[key[:-1] + "b"], dtype=np.float32),
                )
                for key in arrays
                if key.startswith("language/") and key.endswith("/a")
            },
        )


@dataclass(frozen=True)
class ArticlePrediction:
    """The article models' output for one article."""

    genre: GenreSignal
    frames: tuple[FrameScore, ...]
    note: str | None = None
    #: the frame model's cross-validated micro-F1 (its measured accuracy), when known
    frames_cv_micro_f1: float | None = None

    @property
    def selected_frames(self) -> tuple[str, ...]:
        """The frames whose score reaches the threshold, highest score first."""
        return tuple(f.frame for f in self.frames if f.selected)

    def notices(self) -> tuple[Notice, ...]:
        """The note as a report warning, if any."""
        return (Notice("article_models", self.note),) if self.note else ()


class ArticleModels:
    """The genre and frame models, loaded together because they share their features.

    Args:
        path: the model folder (default: the one shipped in the package).
        tagger: the tagger whose features the models read: a
            :class:`~spinscope.tagger.model.Tagger` (or a detector that runs one, such as the
            hybrid), ``None`` for TF-IDF only, or ``"auto"`` to load the shipped tagger when
            it is installed.

    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, tagger: object = "auto"
    ) -> None:
        self.path = Path(path) if path is not None else default_article_models_dir()
        self.tagger = tagger
        self.config: dict[str, Any] = {}
        self._tfidf: TfidfFeaturizer | None = None
        self._models: dict[str, LinearModel] = {}
        self._tagger: Tagger | None = None
        self._note: str | None = None
        self._loaded = False

    # ------------------------------------------------------------------------------ loading

    def load(self) -> ArticleModels:
        """Load the models; raise :class:`~spinscope.errors.ModelError` if they are broken."""
        if self._loaded:
            return self
        config_path = self.path / "config.json"
        if not config_path.is_file():
            raise ModelError(f"article models missing: no config.json in {self.path}. {_RETRAIN}")
        try:
            self.config = json.loads(config_path.read_text(encoding="utf-8"))
            if self.config.get("format") not in _READABLE_FORMATS:
                raise ModelError(
                    f"the article models in {self.path} have format "
                    f"{self.config.get('format')!r}; this spinscope reads {FORMAT_VERSION}. "
                    f"{_RETRAIN}"
                )
            self._tfidf = TfidfFeaturizer.from_dict(
                json.loads((self.path / "tfidf.json").read_text(encoding="utf-8"))
            )
            for name, spec in self.config["models"].items():
                with np.load(self.path / spec["file"]) as arrays:
                    self._models[name] = LinearModel.from_arrays(
                        arrays, spec["heads"], spec.get("activation", "sigmoid")
                    )
        except ModelError:
            raise
        except (OSError, KeyError, ValueError, TypeError) as exc:
            raise ModelError(
                f"the article models in {self.path} could not be loaded ({exc!r}). {_RETRAIN}"
            ) from exc
        self._tagger, self._note = self._choose_tagger()
        self._loaded = True
        return self

    def _choose_tagger(self) -> tuple[Tagger | None, str | None]:
        """The tagger to read features from, and a note when one is wanted but unusable."""
        if not any("tagger" in m.blocks for m in self._models.values()):
            return None, None
        if self.tagger is None:
            return None, None
        if self.tagger == "auto":
            from spinscope.tagger.model import Tagger

            tagger: Tagger | None = Tagger()
            assert tagger is not None
            if not (tagger.path / "model.onnx").is_file():
                return None, None
        else:
            tagger = tagger_of(self.tagger)
            if tagger is None:
                return None, None
        model_file = tagger.path / "model.onnx"
        wanted = self.config.get("tagger_sha256")
        if not model_file.is_file() or file_sha256(model_file) != wanted:
            if self.tagger != "auto":
                # another model runs the spans (--model DIR, your own): the features
                # come from the shipped default tagger when it is the one trained on
                from spinscope.tagger.model import Tagger

                shipped = Tagger(threads=getattr(tagger, "threads", None))
                shipped_file = shipped.path / "model.onnx"
                if shipped_file.is_file() and file_sha256(shipped_file) == wanted:
                    return shipped.load(), None
            return None, (
                "The genre and frame models were trained on another version of the tagger "
                "than the one installed, so they fall back to word counts (TF-IDF) alone. "
                + _RETRAIN
            )
        return tagger.load(), None

    # ------------------------------------------------------------------------------ running

    def _model(self, task: str) -> tuple[str, LinearModel]:
        """The name and model to use for ``task`` ("genre" or "frames")."""
        self.load()
        name = str(self.config["use"][task])
        model = self._models[name]
        if "tagger" in model.blocks and self._tagger is None:
            name = str(self.config["fallback"][task])
            model = self._models[name]
        return name, model

    @property
    def features(self) -> dict[str, str]:
        """The feature blocks each task reads with the tagger at hand (``"tfidf+tagger"``)."""
        return {task: "+".join(self._model(task)[1].blocks) for task in ("genre", "frames")}

    @property
    def note(self) -> str | None:
        """Why tagger features are not used although the models want them, if so."""
        self.load()
        return self._note

    @property
    def genre_labels(self) -> tuple[str, ...]:
        """The genres the genre model tells apart (opinion, reporting)."""
        self.load()
        return tuple(self.config["genre_labels"])

    @property
    def frame_threshold(self) -> float:
        """The global probability at which a frame is selected (see :attr:`frame_thresholds`)."""
        self.load()
        return float(self.config["frame_threshold"])

    @property
    def frame_thresholds(self) -> Array:
        """The probability at which each frame (in FRAMES order) is selected.

        A threshold per frame where the training data held enough articles of it, the global
        one elsewhere (and everywhere for a model without per-frame thresholds).
        """
        self.load()
        per_frame = self.config.get("frame_thresholds") or []
        if len(per_frame) == len(FRAMES):
            return np.asarray(per_frame, dtype=np.float32)
        return np.full(len(FRAMES), self.frame_threshold, dtype=np.float32)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the models were trained on (ISO 639-1)."""
        self.load()
        return tuple(self.config.get("languages", ("en",)))

    def cv_figure(self, task: str, language: str | None = None) -> float | None:
        """The cross-validated primary score of ``task`` for ``language`` (or all articles).

        Genre: macro-F1; frames: micro-F1. ``None`` when the models do not store it.
        """
        self.load()
        cv = self.config.get("cv", {}).get(task, {})
        by_language = cv.get("by_language", {})
        value = by_language.get(language) if language is not None else None
        if value is None:
            value = cv.get("macro_f1" if task == "genre" else "micro_f1")
        return float(value) if value is not None else None

    @property
    def feature_tagger(self) -> Tagger | None:
        """The tagger whose outputs the chosen models read, or ``None`` (TF-IDF only).

        :meth:`predict` takes that tagger's :meth:`~spinscope.tagger.model.Tagger.article_probs`
        as ``probs``, so a caller that already ran it (the analyzer) does not run it twice.
        """
        needs = any("tagger" in self._model(task)[1].blocks for task in ("genre", "frames"))
        return self._tagger if needs else None

    def compute_features(
        self, texts: Sequence[str], *, probs: Sequence[ArticleProbs] | None = None
    ) -> dict[str, Array]:
        """The feature blocks the chosen models need, one row per text.

        ``probs`` are :attr:`feature_tagger`'s outputs for ``texts``; without them, the tagger
        runs here when the models read it.
        """
        self.load()
        for i, text in enumerate(texts):
            if not isinstance(text, str) or not text.strip():
                raise InputError(
                    f"article {i + 1} is empty or not text: the genre and frame models need "
                    "the article's words"
                )
        assert self._tfidf is not None
        out = {"tfidf": self._tfidf.transform(texts)}
        if any("style" in self._model(task)[1].blocks for task in ("genre", "frames")):
            out["style"] = np.stack([style_features(t) for t in texts]).astype(np.float32)
        tagger = self.feature_tagger
        if tagger is not None:
            if probs is None:
                # a chunk at a time, so that memory stays bounded however many are passed
                rows = [
                    tagger_features(p)
                    for b in range(0, len(texts), 16)
                    for p in tagger.article_probs(texts[b : b + 16])
                ]
            elif len(probs) != len(texts):
                raise InputError(
                    f"got {len(texts)} texts but the tagger's outputs for {len(probs)}; pass "
                    "article_probs() of the same texts"
                )
            else:
                rows = [tagger_features(p) for p in probs]
            out["tagger"] = np.stack(rows)
        return out

    def genre_probabilities(
        self, features: Mapping[str, Array], languages: Sequence[str | None] | None = None
    ) -> Array:
        """``(n, len(genre_labels))`` probabilities of :attr:`genre_labels`; rows sum to 1.

        ``languages`` (ISO codes, one per row) use each language's own calibration where the
        model has one (the one over all languages otherwise).
        """
        model = self._model("genre")[1]
        p = model.probabilities(features, languages)
        if model.activation == "softmax":
            return p
        return np.column_stack([1.0 - p[:, 0], p[:, 0]]).astype(np.float32)

    def frame_probabilities(self, features: Mapping[str, Array]) -> Array:
        """``(n, 14)`` probabilities of the frames in :data:`~spinscope.taxonomy.FRAMES` order."""
        return self._model("frames")[1].probabilities(features)

    def predict(
        self,
        texts: Sequence[str],
        *,
        probs: Sequence[ArticleProbs] | None = None,
        languages: Sequence[str | None] | None = None,
    ) -> list[ArticlePrediction]:
        """Genre and frames of each text (no side effects).

        ``probs``, :attr:`feature_tagger`'s outputs for the same texts, saves running the
        tagger again; without them it runs here if the models read it. ``languages`` (ISO
        codes, one per text) pick the cross-validated figures of each text's language for the
        reliability note; without them the figures over all languages are given.
        """
        if not texts:
            return []
        if languages is not None and len(languages) != len(texts):
            raise InputError(f"got {len(texts)} texts but {len(languages)} languages")
        features = self.compute_features(texts, probs=probs)
        genres = self.genre_probabilities(features, languages)
        frames = self.frame_probabilities(features)
        labels = self.genre_labels
        thresholds = self.frame_thresholds
        used = self.features
        out = []
        for i, (g_row, f_row) in enumerate(zip(genres, frames, strict=True)):
            lang = languages[i] if languages is not None else None
            genre = GenreSignal(
                label=labels[int(np.argmax(g_row))],
                probabilities={label: float(v) for label, v in zip(labels, g_row, strict=True)},
                not_detected=tuple(g for g in GENRES if g not in labels),
                features=used["genre"],
                cv_macro_f1=self.cv_figure("genre", lang),
            )
            scores = tuple(
                sorted(
                    (
                        FrameScore(frame, float(s), bool(s >= t))
                        for frame, s, t in zip(FRAMES, f_row, thresholds, strict=True)
                    ),
                    key=lambda f: (-f.score, f.frame),
                )
            )
            out.append(ArticlePrediction(genre, scores, self._note, self.cv_figure("frames", lang)))
        return out


class GenreClassifier:
    """Genre of articles: calibrated probabilities of opinion, reporting and satire.

    Settings as in :class:`ArticleModels`; :meth:`predict` returns one row of probabilities
    per text in the order of :attr:`labels`, each row summing to 1.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, tagger: object = "auto"
    ) -> None:
        self.models = ArticleModels(path, tagger=tagger)

    def load(self) -> GenreClassifier:
        """Load the models."""
        self.models.load()
        return self

    @property
    def labels(self) -> tuple[str, ...]:
        """The genres of the probability columns."""
        return self.models.genre_labels

    def predict(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> Array:
        """Calibrated genre probabilities, one row per text (``languages``: ISO codes)."""
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self.models.genre_probabilities(self.models.compute_features(texts), languages)

    def predict_labels(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[str]:
        """The likeliest genre of each text."""
        labels = self.labels
        return [labels[int(i)] for i in np.argmax(self.predict(texts, languages), axis=1)]


class FrameClassifier:
    """Frames of articles: a calibrated probability per frame, and the frames selected.

    Settings as in :class:`ArticleModels`; :meth:`predict` returns ``(n, 14)`` probabilities
    in the order of :data:`~spinscope.taxonomy.FRAMES`.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, tagger: object = "auto"
    ) -> None:
        self.models = ArticleModels(path, tagger=tagger)

    def load(self) -> FrameClassifier:
        """Load the models."""
        self.models.load()
        return self

    labels: tuple[str, ...] = FRAMES

    @property
    def thresholds(self) -> Array:
        """The probability at which each frame is selected (FRAMES order)."""
        return self.models.frame_thresholds

    def predict(self, texts: Sequence[str]) -> Array:
        """Calibrated frame probabilities, one row per text."""
        if not texts:
            return np.zeros((0, len(FRAMES)), dtype=np.float32)
        return self.models.frame_probabilities(self.models.compute_features(texts))

    def predict_labels(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """The selected frames of each text, in :data:`~spinscope.taxonomy.FRAMES` order."""
        t = self.thresholds
        return [
            tuple(f for f, s, ft in zip(FRAMES, row, t, strict=True) if s >= ft)
            for row in self.predict(texts)
        ]
