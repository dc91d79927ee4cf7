"""``spinscope train-article``: fit the genre and frame models, cross-validate, compare, export.

Data: the 426 English articles of SemEval-2023 subtasks 1 and 2 (``train-articles-subtask-1``,
with ``train-labels-subtask-{1,2}.txt``). Evaluation is 5-fold cross-validation on them, folds
stratified by genre; every figure is computed on out-of-fold predictions with the official
scorers (:func:`~spinscope.scoring.semeval2023.score_st1`, ``score_st2``).

Candidates, compared in the same folds:

* ``tfidf`` -- TF-IDF of words + logistic regression (the baseline);
* ``tagger`` -- the tagger's features (mean window embedding, technique-probability
  aggregates) + logistic regression;
* ``tfidf+tagger`` -- both blocks concatenated, one logistic regression;
* ``tfidf|tagger`` -- the two single-block models averaged (after calibration).

Every logistic regression uses balanced class weights (liblinear, dual). Calibration is Platt
scaling fitted on out-of-fold logits. Genre: opinion vs reporting (the three satire articles are
left out of fitting and are never predicted); the probabilities are shifted from the training
mix (10% reporting) to the prior share of reporting that gives the best macro-F1 when the
likelier genre is the label, and that prior is stored and reported. Frames: Platt per frame,
then one global threshold chosen for micro-F1. In the cross-validation, the calibration and the
threshold applied to a fold are fitted on the out-of-fold predictions of the *other* folds
(cross-fitting), so the reported figures do not use the fold's own labels.

The cross-validation is repeated (3 times by default, other folds each time) and figures are
means over the repeats. Per task, the candidate with the best mean primary score (genre:
macro-F1, frames: micro-F1) is exported if it beats the ``tfidf`` baseline by more than the
spread over repeats (:func:`_choose`); otherwise the baseline is. A chosen model that reads
tagger features ships with the ``tfidf`` model as its fallback. scikit-learn is needed here
only (the train extra); the exported models run on numpy.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spinscope.article.features import (
    STYLE_FEATURES,
    TAGGER_AGGREGATES,
    TfidfFeaturizer,
    style_features,
    tagger_features,
)
from spinscope.article.models import (
    FORMAT_VERSION,
    Head,
    LinearModel,
    default_article_models_dir,
    file_sha256,
)
from spinscope.calibration import fit_platt, fit_temperature, sigmoid_array, softmax_array
from spinscope.corpora.datapath import data_root
from spinscope.corpora.semeval2023 import (
    load_st1_gold,
    load_st2_gold,
    semeval2023_article_paths,
)
from spinscope.corpora.splits import TRAINING_LANGUAGES, corpus_code, dev_ids, iso_code
from spinscope.corpora.textio import read_article
from spinscope.errors import DataRootError, MissingDependencyError
from spinscope.scoring.semeval2023 import score_st1, score_st2
from spinscope.scoring.spans import ArticleId
from spinscope.taxonomy import FRAMES, GENRES

log = logging.getLogger(__name__)

__all__ = [
    "CANDIDATES",
    "ArticleData",
    "TrainSettings",
    "cross_validate",
    "format_report",
    "load_article_data",
    "stratified_folds",
    "train_article_command",
    "train_article_models",
]

Array = npt.NDArray[np.float32]
Blocks = tuple[str, ...]

#: The candidates: each is a tuple of heads, each head a tuple of feature blocks.
CANDIDATES: dict[str, tuple[Blocks, ...]] = {
    "tfidf": (("tfidf",),),
    "tagger": (("tagger",),),
    "tagger+style": (("tagger", "style"),),
    "tfidf+tagger+style": (("tfidf", "tagger", "style"),),
    "tfidf|tagger+style": (("tfidf",), ("tagger", "style")),
}
#: The candidates compared without the tagger's features.
TFIDF_CANDIDATES: tuple[str, ...] = ("tfidf",)
#: The baseline every other candidate is compared with, and the fallback of the shipped ones.
BASELINE = "tfidf"
#: The genres the genre model tells apart, in the order of its probability columns.
GENRE_LABELS: tuple[str, ...] = GENRES
#: The two article-level tasks.
TASKS: tuple[str, ...] = ("genre", "frames")
#: The genre mix (opinion, reporting, satire) the shipped genre probabilities assume: as much
#: reporting as opinion, satire rare. The training mix (78 % opinion) is not what users read.
#: Chosen among (0.30, 0.65, 0.05), this and a uniform mix by the cross-validated figures and
#: the realworld-dev check (see MODEL_CARD.md).
DEPLOYMENT_PRIOR: tuple[float, float, float] = (0.45, 0.50, 0.05)
#: A language with at least this many training articles gets its own genre calibration.
MIN_LANGUAGE_ARTICLES = 50


@dataclass(frozen=True)
class TrainSettings:
    """The settings of a run (fixed before looking at the cross-validated figures)."""

    folds: int = 5
    #: cross-validation runs, each with other folds (the figures are their means)
    repeats: int = 3
    seed: int = 13
    #: inverse regularisation strength per head (keyed by its blocks joined with "+")
    c_tfidf: float = 1.0
    c_tagger: float = 0.1
    c_both: float = 1.0
    ngram_max: int = 1
    min_df: int = 2
    max_features: int = 20000
    #: articles of one language whose TF-IDF cosine reaches this are one story (one fold)
    group_similarity: float = 0.5
    #: a frame gets its own threshold when it has at least this many positive articles
    min_frame_positives: int = 40
    #: the genre mix (opinion, reporting, satire) the shipped probabilities assume; ``None``
    #: keeps the training mix
    genre_prior: tuple[float, float, float] | None = DEPLOYMENT_PRIOR

    def c_for(self, blocks: Blocks) -> float:
        """The regularisation strength of a head reading ``blocks``."""
        if blocks == ("tfidf",):
            return self.c_tfidf
        if "tfidf" not in blocks:
            return self.c_tagger
        return self.c_both

    @property
    def genre_prior_normalised(self) -> tuple[float, ...] | None:
        """:attr:`genre_prior` scaled to sum to 1 (``None``: each language's training mix)."""
        if self.genre_prior is None:
            return None
        total = sum(self.genre_prior)
        return tuple(p / total for p in self.genre_prior)


@dataclass(frozen=True)
class ArticleData:
    """The labelled articles: ids, texts, genres, frames (as a 0/1 matrix in FRAMES order).

    ``languages`` holds each article's ISO 639-1 code; ids are unique within a language.
    """

    ids: tuple[str, ...]
    texts: tuple[str, ...]
    genres: tuple[str, ...]
    frames: npt.NDArray[np.int_]
    languages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.languages:
            object.__setattr__(self, "languages", ("en",) * len(self.ids))

    def __len__(self) -> int:
        return len(self.ids)

    def language_mask(self, lang: str) -> npt.NDArray[np.bool_]:
        """The rows of the articles in ``lang``."""
        return np.array([x == lang for x in self.languages], dtype=bool)


def load_article_data(
    root: str | Path | None = None, languages: Sequence[str] = ("en",)
) -> ArticleData:
    """The subtask-1/2 training articles of ``languages`` with both labels.

    Articles come language by language in the order given, sorted by id within each.
    """
    ids: list[str] = []
    texts: list[str] = []
    genres_out: list[str] = []
    frame_rows: list[list[bool]] = []
    langs: list[str] = []
    for lang in languages:
        iso = iso_code(lang)
        code = corpus_code(iso)
        genres = load_st1_gold(code, root)
        frames = load_st2_gold(code, root)
        paths = semeval2023_article_paths(code, root, subtask=1)
        both = sorted(set(genres) & set(frames) & set(paths))
        if not both:
            raise DataRootError(
                f"no {iso} article has both a subtask-1 and a subtask-2 label. Check "
                f"semeval2023/{code}/train-labels-subtask-{{1,2}}.txt under the data root."
            )
        for i in both:
            ids.append(i)
            texts.append(read_article(paths[i]))
            genres_out.append(genres[i])
            frame_rows.append([f in frames[i] for f in FRAMES])
            langs.append(iso)
    return ArticleData(
        tuple(ids),
        tuple(texts),
        tuple(genres_out),
        np.array(frame_rows, dtype=np.int_).reshape(len(ids), len(FRAMES)),
        tuple(langs),
    )


def stratified_folds(
    labels: Sequence[str], k: int, seed: int, groups: Sequence[int] | None = None
) -> npt.NDArray[np.int_]:
    """A fold number (``0..k-1``) per example, each label spread evenly over the folds.

    With ``groups``, the examples of one group share a fold (the group goes where its first
    example's label sends it). Within a label, groups are shuffled, then dealt round-robin,
    starting where the previous label stopped so that fold sizes stay even.
    """
    rng = np.random.default_rng(seed)
    group_of = list(groups) if groups is not None else list(range(len(labels)))
    first: dict[int, int] = {}
    for i, g in enumerate(group_of):
        first.setdefault(g, i)
    folds = np.zeros(len(labels), dtype=np.int_)
    fold_of_group: dict[int, int] = {}
    start = 0
    for label in sorted(set(labels)):
        members = np.array([g for g, i in first.items() if labels[i] == label])
        rng.shuffle(members)
        for n, g in enumerate(members):
            fold_of_group[int(g)] = (start + n) % k
        start = (start + len(members)) % k
    for i, g in enumerate(group_of):
        folds[i] = fold_of_group[g]
    return folds


def story_groups(data: ArticleData, similarity: float) -> list[int]:
    """A group number per article: articles of one language that tell the same story share one.

    The ids carry no outlet or event, so stories are found in the text: two articles of one
    language whose TF-IDF cosine (words, fitted on that language) reaches ``similarity`` are
    linked, and groups are the connected components.
    """
    parent = list(range(len(data)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for lang in dict.fromkeys(data.languages):
        rows = np.flatnonzero(data.language_mask(lang))
        texts = [data.texts[i] for i in rows]
        x = TfidfFeaturizer(1, 2).fit(texts).transform(texts)
        sim = x @ x.T
        for a, b in zip(*np.nonzero(np.triu(sim, 1) >= similarity), strict=True):
            parent[find(int(rows[a]))] = find(int(rows[b]))
    return [find(i) for i in range(len(data))]


# -------------------------------------------------------------------------------- features


def _feature_code() -> list[Path]:
    """The source files whose code shapes the tagger's features."""
    here = Path(__file__).resolve().parent
    tagger = here.parent / "tagger"
    return [here / "features.py", tagger / "model.py", tagger / "windows.py"]


def extract_tagger_features(
    texts: Sequence[str],
    tagger_dir: Path | None = None,
    *,
    cache: Path | None = None,
    threads: int | None = None,
) -> tuple[Array, str]:
    """Tagger features of ``texts`` and the SHA-256 of the tagger model that made them.

    With ``cache``, features are read from (and written to) that ``.npz`` when the model and
    the texts are the same, which makes a rerun with the same tagger quick.
    """
    import hashlib

    from spinscope.tagger.model import Tagger

    tagger = Tagger(tagger_dir, threads=threads)
    sha = file_sha256(tagger.path / "model.onnx") if (tagger.path / "model.onnx").is_file() else ""
    # the features depend on the texts, the model and its settings, and the code that windows
    # and pools (a change there changes them even with the same model file)
    key = hashlib.sha256("\x00".join(texts).encode("utf-8"))
    key.update(sha.encode("ascii"))
    for path in (tagger.path / "config.json", *_feature_code()):
        if path.is_file():
            key.update(path.read_bytes())
    cache_key = key.hexdigest()
    if cache is not None and cache.is_file():
        with np.load(cache) as stored:
            if str(stored.get("cache_key", "")) == cache_key:
                log.info("tagger features read from %s", cache)
                return np.asarray(stored["features"], dtype=np.float32), sha
    tagger.load()
    started = time.time()
    rows: list[Array] = []
    for b in range(0, len(texts), 16):
        rows.extend(tagger_features(p) for p in tagger.article_probs(texts[b : b + 16]))
        log.info("tagger features: %d/%d articles", min(b + 16, len(texts)), len(texts))
    features = np.stack(rows).astype(np.float32)
    log.info("tagger features computed in %.0f s", time.time() - started)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cache, features=features, model_sha256=sha, cache_key=cache_key)
    return features, sha


# --------------------------------------------------------------------------------- fitting


def _standardiser(blocks: Blocks, features: Mapping[str, Array]) -> tuple[Array, Array]:
    """``(mean, scale)`` of the concatenated blocks: TF-IDF as is, the others standardised.

    A standardised block of ``d`` columns has a norm of about ``sqrt(d)``; next to TF-IDF (norm
    1) it is scaled down by ``sqrt(d)`` so that neither block drowns the other.
    """
    means, scales = [], []
    for block in blocks:
        x = features[block]
        if block == "tfidf":
            means.append(np.zeros(x.shape[1], dtype=np.float32))
            scales.append(np.ones(x.shape[1], dtype=np.float32))
        else:
            sd = x.std(0) + 1e-6
            if "tfidf" in blocks:
                sd = sd * np.sqrt(x.shape[1])
            means.append(x.mean(0))
            scales.append(sd)
    return (
        np.concatenate(means).astype(np.float32),
        np.concatenate(scales).astype(np.float32),
    )


def _fit_head(
    blocks: Blocks,
    features: Mapping[str, Array],
    y: npt.NDArray[np.int_],
    c: float,
    seed: int,
    *,
    multiclass: bool = False,
) -> Head:
    """Logistic regression over ``blocks``, with balanced class weights (Platt at identity).

    ``y`` is a 0/1 matrix. With ``multiclass`` its rows are one-hot and one multinomial model
    is fitted (one logit per class); otherwise one binary model per column.
    """
    try:
        from sklearn.linear_model import LogisticRegression
    except ModuleNotFoundError:
        raise MissingDependencyError(
            "training the article models needs scikit-learn, which is not installed; install "
            "the training extra: pip install 'spinscope[train]'"
        ) from None
    mean, scale = _standardiser(blocks, features)
    x = (np.hstack([features[b] for b in blocks]) - mean) / scale
    k = y.shape[1]
    if multiclass:
        classes = np.argmax(y, axis=1)
        present = sorted(set(classes.tolist()))
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed)
        clf.fit(x, classes)
        coef = np.full((k, x.shape[1]), 0.0)
        intercept = np.full(k, -30.0)  # a class absent from the fitting rows: never likely
        if len(present) == 2:  # sklearn fits one column for two classes
            coef[present[1]], intercept[present[1]] = clf.coef_[0], clf.intercept_[0]
            intercept[present[0]] = 0.0
        else:
            coef[present], intercept[present] = clf.coef_, clf.intercept_
    else:
        coefs, intercepts = [], []
        for j in range(k):
            positives = int(y[:, j].sum())
            if positives in (0, len(y)):
                # one class only (a rare frame in a small fold): predict its smoothed share
                coefs.append(np.zeros(x.shape[1]))
                intercepts.append(np.log((positives + 0.5) / (len(y) - positives + 0.5)))
                continue
            clf = LogisticRegression(
                C=c,
                class_weight="balanced",
                solver="liblinear",
                dual=True,
                max_iter=2000,
                random_state=seed,
            )
            clf.fit(x, y[:, j])
            coefs.append(clf.coef_[0])
            intercepts.append(clf.intercept_[0])
        coef, intercept = np.asarray(coefs), np.asarray(intercepts)
    return Head(
        blocks,
        mean,
        scale,
        np.asarray(coef, dtype=np.float32),
        np.asarray(intercept, dtype=np.float32),
        np.ones(k, dtype=np.float32),
        np.zeros(k, dtype=np.float32),
    )


def _targets(data: ArticleData, task: str) -> npt.NDArray[np.int_]:
    """The 0/1 target matrix of ``task``: one-hot genres (GENRE_LABELS order), or frames."""
    if task == "genre":
        return np.array([[g == x for x in GENRE_LABELS] for g in data.genres], dtype=np.int_)
    return data.frames


@dataclass
class _GenreScale:
    """``softmax(a * z + b + shift)``: temperature, biases and the prior shift of one language."""

    a: float
    b: npt.NDArray[np.float64]
    #: ``log deployment prior - log training share`` of the language (centred)
    shift: npt.NDArray[np.float64]


@dataclass
class _Calibration:
    """How the heads' raw logits become probabilities, and the decision rule.

    Genre: the heads' logits are averaged and put through ``softmax(a * z + b)``, fitted for
    log-loss on each language's own articles (its training mix: English is 90 % opinion,
    French 68 %), then shifted by ``log prior - log training share`` of that language so that
    the probabilities assume :attr:`prior` whatever the language. A language without enough
    articles, or none given, uses the scale fitted on all articles. Frames: Platt per head and
    column, Platt on their average, and a threshold per frame.
    """

    task: str
    heads: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]
    final: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]
    thresholds: npt.NDArray[np.float64] | None = None
    global_threshold: float = 0.5
    prior: tuple[float, ...] | None = None
    shift: npt.NDArray[np.float64] | None = None
    by_language: dict[str, _GenreScale] | None = None

    def apply(
        self,
        raw: Sequence[npt.NDArray[np.float64]],
        languages: Sequence[str] | None = None,
        *,
        shifted: bool = True,
    ) -> npt.NDArray[np.float64]:
        """Probabilities; with ``shifted=False`` genre assumes each language's training mix."""
        fused = np.mean([a * z + b for (a, b), z in zip(self.heads, raw, strict=True)], axis=0)
        z = self.final[0] * fused + self.final[1]
        if self.task != "genre":
            return sigmoid_array(np.asarray(z, dtype=np.float64))
        if shifted and self.shift is not None:
            z = z + self.shift
        if languages is not None and self.by_language:
            for lang, scale in self.by_language.items():
                rows = np.array([x == lang for x in languages], dtype=bool)
                z[rows] = scale.a * fused[rows] + scale.b + (scale.shift if shifted else 0.0)
        return softmax_array(np.asarray(z, dtype=np.float64))


def _frame_f1(y: npt.NDArray[np.int_], pred: npt.NDArray[np.bool_]) -> float:
    tp = float((pred & (y == 1)).sum())
    denom = float(pred.sum() + (y == 1).sum())
    return 2 * tp / denom if denom else 0.0


_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def _best_threshold(y: npt.NDArray[np.int_], p: npt.NDArray[np.float64]) -> float:
    """The probability threshold with the best (micro-)F1 (the lowest of equal ones)."""
    best, best_f1 = 0.5, -1.0
    for t in _GRID:
        f1 = _frame_f1(y, p >= t)
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(t), f1
    return best


def _frame_thresholds(
    y: npt.NDArray[np.int_], p: npt.NDArray[np.float64], min_positives: int
) -> tuple[npt.NDArray[np.float64], float]:
    """A threshold per frame and the global one.

    The global threshold is the one with the best micro-F1 over all frames. A frame with at
    least ``min_positives`` examples gets the threshold with the best F1 of that frame alone,
    so that a frame the model ranks well but scores low (rarely above the global threshold) is
    still selected when it is likely; a rarer frame keeps the global one, since a threshold
    fitted on a handful of examples is noise.
    """
    glob = _best_threshold(y, p)
    thresholds = np.full(y.shape[1], glob)
    for j in range(y.shape[1]):
        if int(y[:, j].sum()) >= min_positives:
            thresholds[j] = _best_threshold(y[:, j], p[:, j])
    return thresholds, glob


def _genre_scale(
    fused: npt.NDArray[np.float64],
    y: npt.NDArray[np.int_],
    prior: tuple[float, ...] | None,
) -> tuple[_GenreScale, tuple[float, ...]]:
    """The genre scale fitted on these rows, and the prior it shifts to."""
    a, b = fit_temperature(fused, np.argmax(y, axis=1), l2=0.01)
    # smoothed: a language with three satire articles still gets a finite share
    share = (y.sum(0) + 0.5) / (len(y) + 0.5 * y.shape[1])
    target = prior if prior is not None else tuple(float(v) for v in share)
    shift = np.log(np.asarray(target)) - np.log(share)
    return _GenreScale(a, b, shift - shift.mean()), target


def _fit_calibration(
    task: str,
    raw: Sequence[npt.NDArray[np.float64]],
    y: npt.NDArray[np.int_],
    rows: npt.NDArray[np.bool_],
    settings: TrainSettings,
    languages: Sequence[str] | None = None,
) -> _Calibration:
    """Fit the calibration and decision rule of ``task`` on ``rows`` (see :class:`_Calibration`).

    ``languages`` (one code per row of ``y``) give genre a scale per language with at least
    :data:`MIN_LANGUAGE_ARTICLES` articles among ``rows``.
    """
    yr = y[rows]
    k = y.shape[1]
    if task == "genre":
        heads = [(np.ones(k), np.zeros(k)) for _ in raw]
        fused = np.mean(raw, axis=0)
        pooled, prior = _genre_scale(fused[rows], yr, settings.genre_prior_normalised)
        by_language: dict[str, _GenreScale] = {}
        if languages is not None:
            langs = np.asarray(languages)
            for lang in dict.fromkeys(languages):
                mask = rows & (langs == lang)
                if int(mask.sum()) >= MIN_LANGUAGE_ARTICLES:
                    by_language[lang], _ = _genre_scale(
                        fused[mask], y[mask], settings.genre_prior_normalised
                    )
        return _Calibration(
            task,
            heads,
            (np.full(k, pooled.a), pooled.b),
            prior=prior,
            shift=pooled.shift,
            by_language=by_language,
        )
    heads = []
    for z in raw:
        params = [fit_platt(z[rows, j], yr[:, j]) for j in range(k)]
        heads.append((np.array([a for a, _ in params]), np.array([b for _, b in params])))
    if len(raw) == 1:
        final = (np.ones(k), np.zeros(k))
    else:
        fused = np.mean([a * z + b for (a, b), z in zip(heads, raw, strict=True)], axis=0)
        params = [fit_platt(fused[rows, j], yr[:, j]) for j in range(k)]
        final = (np.array([a for a, _ in params]), np.array([b for _, b in params]))
    cal = _Calibration(task, heads, final)
    cal.thresholds, cal.global_threshold = _frame_thresholds(
        yr, cal.apply(raw)[rows], settings.min_frame_positives
    )
    return cal


# ------------------------------------------------------------------------------- scoring


def _per_class(
    gold: npt.NDArray[np.bool_], pred: npt.NDArray[np.bool_], labels: Sequence[str]
) -> dict[str, dict[str, float]]:
    out = {}
    for j, label in enumerate(labels):
        tp = int((gold[:, j] & pred[:, j]).sum())
        n_gold, n_pred = int(gold[:, j].sum()), int(pred[:, j].sum())
        out[label] = {
            "precision": tp / n_pred if n_pred else 0.0,
            "recall": tp / n_gold if n_gold else 0.0,
            "f1": 2 * tp / (n_gold + n_pred) if n_gold + n_pred else 0.0,
            "support": n_gold,
            "predicted": n_pred,
        }
    return out


def _keys(data: ArticleData, rows: npt.NDArray[np.bool_]) -> list[ArticleId]:
    """``"<lang>:<id>"`` of the chosen rows (ids repeat across languages)."""
    return [f"{data.languages[i]}:{data.ids[i]}" for i in np.flatnonzero(rows)]


def _score_genre(
    data: ArticleData, labels: Sequence[str], rows: npt.NDArray[np.bool_]
) -> dict[str, Any]:
    idx = [int(i) for i in np.flatnonzero(rows)]
    keys = _keys(data, rows)
    gold = {k: data.genres[i] for k, i in zip(keys, idx, strict=True)}
    pred = {k: labels[i] for k, i in zip(keys, idx, strict=True)}
    scores = score_st1(gold, pred)
    g = np.array([[gold[k] == x for x in GENRES] for k in keys], dtype=bool).reshape(-1, 3)
    p = np.array([[pred[k] == x for x in GENRES] for k in keys], dtype=bool).reshape(-1, 3)
    no_satire = [k for k in keys if gold[k] != "satire"]
    two = score_st1({k: gold[k] for k in no_satire}, {k: pred[k] for k in no_satire})
    return {
        "articles": len(keys),
        "macro_f1": scores["macro_f1"],
        "accuracy": scores["accuracy"],
        "macro_f1_opinion_reporting": two["macro_f1"],
        "per_class": _per_class(g, p, GENRES),
    }


def _score_frames(
    data: ArticleData, selected: npt.NDArray[np.bool_], rows: npt.NDArray[np.bool_]
) -> dict[str, Any]:
    keys = _keys(data, rows)
    gold_m = data.frames[rows].astype(bool)
    pred_m = selected[rows]
    gold: dict[ArticleId, tuple[str, ...]] = {
        k: tuple(f for f, on in zip(FRAMES, g, strict=True) if on)
        for k, g in zip(keys, gold_m, strict=True)
    }
    pred: dict[ArticleId, tuple[str, ...]] = {
        k: tuple(f for f, on in zip(FRAMES, p, strict=True) if on)
        for k, p in zip(keys, pred_m, strict=True)
    }
    scores = score_st2(gold, pred)
    return {
        "articles": len(keys),
        "micro_f1": scores["micro_f1"],
        "macro_f1": scores["macro_f1"],
        "precision": scores["precision"],
        "recall": scores["recall"],
        "per_class": _per_class(gold_m, pred_m, FRAMES),
    }


# ------------------------------------------------------------------------ cross-validation


def _fold_features(
    data: ArticleData,
    fixed: Mapping[str, Array],
    train: npt.NDArray[np.bool_],
    settings: TrainSettings,
) -> tuple[dict[str, Array], TfidfFeaturizer]:
    """Feature blocks of every article: TF-IDF fitted on the ``train`` rows, plus ``fixed``.

    ``fixed`` holds the blocks that need no fitting (``tagger``, ``style``).
    """
    texts = list(data.texts)
    tfidf = TfidfFeaturizer(settings.ngram_max, settings.min_df, settings.max_features)
    tfidf.fit([t for t, keep in zip(texts, train, strict=True) if keep])
    return {"tfidf": tfidf.transform(texts), **fixed}, tfidf


def _average(figures: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The mean of each number over repeats; lists are concatenated, dicts averaged inside."""
    out: dict[str, Any] = {}
    for key, first in figures[0].items():
        values = [f[key] for f in figures]
        if isinstance(first, Mapping):
            out[key] = _average(values)
        elif isinstance(first, list):
            out[key] = [v for value in values for v in value]
        elif isinstance(first, int) and not isinstance(first, bool) and len(set(values)) == 1:
            out[key] = first  # counts (articles, support) are the same in every repeat
        else:
            out[key] = float(np.mean(values))
    return out


def _oof_logits(
    data: ArticleData,
    fixed: Mapping[str, Array],
    settings: TrainSettings,
    folds: npt.NDArray[np.int_],
    head_blocks: Sequence[Blocks],
) -> dict[str, dict[Blocks, npt.NDArray[np.float64]]]:
    """Out-of-fold raw logits of every head, by task and blocks."""
    raw: dict[str, dict[Blocks, npt.NDArray[np.float64]]] = {
        task: {b: np.zeros(_targets(data, task).shape) for b in head_blocks} for task in TASKS
    }
    for k in range(settings.folds):
        train, test = folds != k, folds == k
        features, _ = _fold_features(data, fixed, train, settings)
        for task in TASKS:
            y = _targets(data, task)
            for blocks in head_blocks:
                head = _fit_head(
                    blocks,
                    {b: features[b][train] for b in blocks},
                    y[train],
                    settings.c_for(blocks),
                    settings.seed,
                    multiclass=task == "genre",
                )
                raw[task][blocks][test] = head.logits({b: features[b][test] for b in blocks})
    return raw


def _with_subsets(
    score: Callable[[npt.NDArray[np.bool_]], dict[str, Any]],
    n: int,
    subsets: Mapping[str, npt.NDArray[np.bool_]],
    primary: str,
) -> dict[str, Any]:
    """``score`` of all rows and of each subset, and the mean over the language subsets."""
    figures = score(np.ones(n, dtype=bool))
    for name, mask in subsets.items():
        if mask.any():
            figures[name] = score(mask)
    langs = [name for name in subsets if name in TRAINING_LANGUAGES and name in figures]
    if langs:
        figures[f"{primary}_language_mean"] = float(np.mean([figures[x][primary] for x in langs]))
    return figures


def _figures(
    task: str,
    data: ArticleData,
    heads: Sequence[npt.NDArray[np.float64]],
    folds: npt.NDArray[np.int_],
    settings: TrainSettings,
    subsets: Mapping[str, npt.NDArray[np.bool_]],
) -> dict[str, Any]:
    """Scores of one candidate in one repeat, calibrated and decided by cross-fitting."""
    y = _targets(data, task)
    probs = np.zeros(y.shape)
    natural = np.zeros(y.shape)
    thresholds = np.zeros(y.shape)
    global_thresholds = np.zeros(len(data))
    for k in range(settings.folds):
        others, test = folds != k, folds == k
        cal = _fit_calibration(task, heads, y, others, settings, data.languages)
        probs[test] = cal.apply(heads, data.languages)[test]
        natural[test] = cal.apply(heads, data.languages, shifted=False)[test]
        if cal.thresholds is not None:
            thresholds[test] = cal.thresholds
            global_thresholds[test] = cal.global_threshold
    n = len(data)
    figures: dict[str, Any]
    if task == "genre":
        labels = [GENRE_LABELS[int(i)] for i in np.argmax(probs, axis=1)]
        mix = [GENRE_LABELS[int(i)] for i in np.argmax(natural, axis=1)]
        figures = _with_subsets(lambda m: _score_genre(data, labels, m), n, subsets, "macro_f1")
        figures["training_mix"] = _with_subsets(
            lambda m: _score_genre(data, mix, m), n, subsets, "macro_f1"
        )
    else:
        selected = probs >= thresholds
        one = probs >= global_thresholds[:, None]
        figures = _with_subsets(lambda m: _score_frames(data, selected, m), n, subsets, "micro_f1")
        figures["one_threshold"] = _with_subsets(
            lambda m: _score_frames(data, one, m), n, subsets, "micro_f1"
        )
    # Brier score of the probabilities under the training mix (a calibration check)
    figures["brier"] = float(np.mean(((natural - y) ** 2).sum(1) / (1 if task == "genre" else 14)))
    return figures


def _choose(candidates: Mapping[str, Mapping[str, Any]], primary: str) -> str:
    """The best candidate, which must beat the baseline by more than the repeats' spread.

    A candidate other than :data:`BASELINE` wins only when its mean ``primary`` score exceeds
    the baseline's by more than the larger of their standard deviations over the repeats (the
    baseline when there is only one repeat and no spread: by more than 0.005); among those
    the best mean wins. Differences inside that noise do not justify the extra features.
    """
    if BASELINE not in candidates:
        return max(candidates, key=lambda n: candidates[n][primary])
    base = candidates[BASELINE]
    best, best_score = BASELINE, float(base[primary])
    for name, figures in candidates.items():
        margin = max(float(figures[f"{primary}_std"]), float(base[f"{primary}_std"])) or 0.005
        score = float(figures[primary])
        if score > float(base[primary]) + margin and score > best_score:
            best, best_score = name, score
    return best


def fixed_blocks(data: ArticleData, tagger: Array | None) -> dict[str, Array]:
    """The feature blocks that need no fitting: ``style`` always, ``tagger`` when given."""
    out = {"style": np.stack([style_features(t) for t in data.texts]).astype(np.float32)}
    if tagger is not None:
        out["tagger"] = tagger
    return out


def cross_validate(
    data: ArticleData,
    tagger: Array | None,
    settings: TrainSettings,
    candidates: Sequence[str] | None = None,
    subsets: Mapping[str, npt.NDArray[np.bool_]] | None = None,
    *,
    fixed: Mapping[str, Array] | None = None,
) -> tuple[dict[str, Any], dict[str, dict[Blocks, npt.NDArray[np.float64]]]]:
    """Cross-validate ``candidates`` on both tasks; return the report and out-of-fold logits.

    ``settings.repeats`` runs of ``settings.folds``-fold cross-validation, each with other
    folds (seeds ``seed``, ``seed + 1``, ...); folds are stratified by language and genre and
    keep each story together (:func:`story_groups`). The report maps each task to
    ``{"candidates": {name: figures}, "chosen": name, "primary": metric, "choose_by": key}``;
    figures are means over the repeats (with ``<key>_std`` and ``<key>_repeats``), of all
    articles and of each of ``subsets`` (name -> row mask; language codes also give the mean
    over languages, which chooses the candidate). Out-of-fold logits, keyed by task then by a
    head's blocks, are averaged over the repeats.
    """
    if fixed is None:
        fixed = fixed_blocks(data, tagger)
    names = list(candidates or (CANDIDATES if "tagger" in fixed else TFIDF_CANDIDATES))
    head_blocks = list(dict.fromkeys(b for n in names for b in CANDIDATES[n]))
    groups = story_groups(data, settings.group_similarity)
    strata = [f"{lang}/{g}" for lang, g in zip(data.languages, data.genres, strict=True)]
    runs: list[dict[str, dict[str, dict[str, Any]]]] = []
    raws = []
    for r in range(settings.repeats):
        folds = stratified_folds(strata, settings.folds, settings.seed + r, groups)
        raw = _oof_logits(data, fixed, settings, folds, head_blocks)
        raws.append(raw)
        runs.append(
            {
                task: {
                    name: _figures(
                        task,
                        data,
                        [raw[task][b] for b in CANDIDATES[name]],
                        folds,
                        settings,
                        subsets or {},
                    )
                    for name in names
                }
                for task in TASKS
            }
        )
        log.info("cross-validation repeat %d/%d done", r + 1, settings.repeats)
    report: dict[str, Any] = {}
    for task in TASKS:
        primary = "macro_f1" if task == "genre" else "micro_f1"
        mean_key = f"{primary}_language_mean"
        key = mean_key if mean_key in runs[0][task][names[0]] else primary
        candidates_report = {}
        for name in names:
            per_run = [run[task][name] for run in runs]
            figures = _average(per_run)
            for k in dict.fromkeys((primary, key)):
                figures[f"{k}_repeats"] = [f[k] for f in per_run]
                figures[f"{k}_std"] = float(np.std([f[k] for f in per_run]))
            candidates_report[name] = figures
        report[task] = {
            "candidates": candidates_report,
            "primary": primary,
            "choose_by": key,
            "chosen": _choose(candidates_report, key),
        }
    report["story_groups"] = {
        "groups": len(set(groups)),
        "articles_in_shared_groups": int(sum(1 for g in groups if groups.count(g) > 1)),
    }
    mean_raw = {
        task: {b: np.mean([raw[task][b] for raw in raws], axis=0) for b in head_blocks}
        for task in TASKS
    }
    return report, mean_raw


# ----------------------------------------------------------------------------- the run


def _export_model(
    task: str,
    name: str,
    data: ArticleData,
    features: Mapping[str, Array],
    raw: Mapping[Blocks, npt.NDArray[np.float64]],
    settings: TrainSettings,
) -> tuple[LinearModel, _Calibration]:
    """Fit candidate ``name`` of ``task`` on every article, calibrated on out-of-fold logits."""
    y = _targets(data, task)
    everyone = np.ones(len(data), dtype=bool)
    cal = _fit_calibration(
        task, [raw[b] for b in CANDIDATES[name]], y, everyone, settings, data.languages
    )
    heads = []
    for (a, b), blocks in zip(cal.heads, CANDIDATES[name], strict=True):
        head = _fit_head(
            blocks,
            {x: features[x] for x in blocks},
            y,
            settings.c_for(blocks),
            settings.seed,
            multiclass=task == "genre",
        )
        heads.append(
            Head(
                head.blocks,
                head.mean,
                head.scale,
                head.coef,
                head.intercept,
                a.astype(np.float32),
                b.astype(np.float32),
            )
        )
    final_b = cal.final[1] + (cal.shift if cal.shift is not None else 0.0)
    by_language = {
        lang: (
            np.full(len(final_b), scale.a, dtype=np.float32),
            np.asarray(scale.b + scale.shift, dtype=np.float32),
        )
        for lang, scale in (cal.by_language or {}).items()
    }
    model = LinearModel(
        tuple(heads),
        cal.final[0].astype(np.float32),
        np.asarray(final_b, dtype=np.float32),
        "softmax" if task == "genre" else "sigmoid",
        by_language,
    )
    return model, cal


def _cv_summary(report: Mapping[str, Any], chosen: Mapping[str, str]) -> dict[str, Any]:
    """The cross-validated figures stored with the models (the reliability note reads them)."""
    out: dict[str, Any] = {}
    for task in TASKS:
        primary = report[task]["primary"]
        figures = report[task]["candidates"][chosen[task]]
        base = report[task]["candidates"][BASELINE]
        out[task] = {
            "candidate": chosen[task],
            primary: figures[primary],
            "baseline": base[primary],
            "by_language": {
                lang: round(float(figures[lang][primary]), 4)
                for lang in TRAINING_LANGUAGES
                if lang in figures
            },
        }
        if task == "genre":
            out[task]["satire_f1"] = figures["per_class"]["satire"]["f1"]
    return out


def train_article_models(
    data: ArticleData,
    tagger: Array | None,
    out: Path,
    *,
    settings: TrainSettings | None = None,
    tagger_sha256: str = "",
    subsets: Mapping[str, npt.NDArray[np.bool_]] | None = None,
) -> dict[str, Any]:
    """Cross-validate, choose, fit the chosen models on all articles and write them to ``out``.

    Writes ``out/cv_report.json`` and the model folder ``out/model/``; returns the report.
    """
    settings = settings or TrainSettings()
    started = time.time()
    fixed = fixed_blocks(data, tagger)
    report, raw = cross_validate(data, tagger, settings, subsets=subsets, fixed=fixed)
    chosen = {task: report[task]["chosen"] for task in TASKS}
    shipped = {
        task: [chosen[task]] + ([BASELINE] if chosen[task] != BASELINE else []) for task in TASKS
    }
    everyone = np.ones(len(data), dtype=bool)
    features, tfidf = _fold_features(data, fixed, everyone, settings)

    model_dir = out / "model"
    if model_dir.exists():
        shutil.rmtree(model_dir)
    model_dir.mkdir(parents=True)
    models: dict[str, Any] = {}
    thresholds: list[float] = []
    global_threshold = 0.5
    prior: tuple[float, ...] = ()
    for task in TASKS:
        for name in shipped[task]:
            model, cal = _export_model(task, name, data, features, raw[task], settings)
            key = f"{task}-{name.replace('|', '_or_')}"
            np.savez_compressed(model_dir / f"{key}.npz", **model.to_arrays())  # type: ignore[arg-type]
            models[key] = {
                "task": task,
                "candidate": name,
                "file": f"{key}.npz",
                "heads": [list(b) for b in CANDIDATES[name]],
                "activation": model.activation,
            }
            if name == chosen[task] and cal.thresholds is not None:
                thresholds = [round(float(t), 2) for t in cal.thresholds]
                global_threshold = cal.global_threshold
            if name == chosen[task] and cal.prior is not None:
                prior = cal.prior
    (model_dir / "tfidf.json").write_text(
        json.dumps(tfidf.to_dict(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    y_genre = _targets(data, "genre")
    config = {
        "format": FORMAT_VERSION,
        "genre_labels": list(GENRE_LABELS),
        "not_detected": [],
        "frames": list(FRAMES),
        "frame_threshold": global_threshold,
        "frame_thresholds": thresholds,
        "threshold_kind": (
            f"per frame for frames with at least {settings.min_frame_positives} training "
            "articles, the global micro-F1 threshold for the others"
        ),
        "genre_prior": dict(zip(GENRE_LABELS, (round(p, 4) for p in prior), strict=True)),
        "genre_training_share": dict(
            zip(GENRE_LABELS, (round(float(v), 4) for v in y_genre.mean(0)), strict=True)
        ),
        "languages": sorted(set(data.languages), key=list(TRAINING_LANGUAGES).index),
        "use": {t: f"{t}-{chosen[t].replace('|', '_or_')}" for t in TASKS},
        "fallback": {t: f"{t}-{BASELINE}" for t in TASKS},
        "models": models,
        "tagger_sha256": tagger_sha256,
        "tagger_features": {"aggregates": list(TAGGER_AGGREGATES)},
        "style_features": list(STYLE_FEATURES),
        "train_articles": len(data),
        "settings": {k: v for k, v in settings.__dict__.items()},
        "cv": _cv_summary(report, chosen),
    }
    (model_dir / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    report["settings"] = settings.__dict__
    report["data"] = {
        "articles": len(data),
        "by_language": {
            lang: {
                "articles": int(data.language_mask(lang).sum()),
                "genres": {
                    g: sum(
                        1
                        for x, lg in zip(data.genres, data.languages, strict=True)
                        if x == g and lg == lang
                    )
                    for g in GENRES
                },
            }
            for lang in dict.fromkeys(data.languages)
        },
        "genres": {g: data.genres.count(g) for g in GENRES},
        "frames": {f: int(data.frames[:, j].sum()) for j, f in enumerate(FRAMES)},
        "subsets": {name: int(mask.sum()) for name, mask in (subsets or {}).items()},
    }
    report["tagger_sha256"] = tagger_sha256
    report["model_bytes"] = sum(p.stat().st_size for p in model_dir.iterdir())
    report["seconds"] = round(time.time() - started, 1)
    (out / "cv_report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def format_report(report: Mapping[str, Any]) -> str:
    """The cross-validation report as plain-text tables (what the command prints)."""
    lines: list[str] = []
    subsets = list(report.get("data", {}).get("subsets", {}))
    for task, classes in (("genre", GENRES), ("frames", FRAMES)):
        r = report[task]
        primary = r["primary"]
        names = list(r["candidates"])
        settings = report["settings"]
        lines.append(
            f"{task}: {settings['repeats']} x {settings['folds']}-fold grouped cross-validation, "
            f"primary {primary}, chosen by {r['choose_by']} (chosen: {r['chosen']}, marked *; "
            f"baseline: {BASELINE})"
        )
        other = "training_mix" if task == "genre" else "one_threshold"
        head = f"  {'candidate':<20} {'all':>6} {'± sd':>6} {'mean':>6}"
        head += "".join(f" {s:>7}" for s in subsets) + f" {'brier':>6}"
        lines.append(head)
        for n in names:
            c = r["candidates"][n]
            mark = " *" if n == r["chosen"] else ""
            for label, figs in ((n, c), (f"  ({other})", c[other])):
                row = f"  {label:<20} {figs[primary]:6.3f} "
                row += f"{c[primary + '_std']:6.3f} " if figs is c else f"{'':6} "
                row += f"{figs.get(primary + '_language_mean', float('nan')):6.3f}"
                row += "".join(
                    f" {figs[s][primary]:7.3f}" if s in figs else f" {'-':>7}" for s in subsets
                )
                row += f" {c['brier']:6.3f}{mark}" if figs is c else ""
                lines.append(row)
        lines.append("  per class, all languages (precision / recall / F1, support):")
        width = max(len(x) for x in classes)
        lines.append("  " + " " * width + "".join(f"  {n:>20}" for n in names))
        for label in classes:
            cells = []
            for n in names:
                pc = r["candidates"][n]["per_class"][label]
                cells.append(f"{pc['precision']:.2f}/{pc['recall']:.2f}/{pc['f1']:.2f}")
            support = r["candidates"][names[0]]["per_class"][label]["support"]
            lines.append(
                f"  {label:<{width}}" + "".join(f"  {c:>20}" for c in cells) + f"  ({support})"
            )
        lines.append("")
    groups = report.get("story_groups")
    if groups:
        lines.append(
            f"story groups: {groups['groups']} for {report['data']['articles']} articles "
            f"({groups['articles_in_shared_groups']} articles share a group with another)"
        )
    return "\n".join(lines)


def train_article_command(
    data: str | Path | None = None,
    out: str | Path = "runs/article",
    *,
    seed: int = 13,
    folds: int = 5,
    repeats: int = 3,
    install: bool = False,
    use_tagger: bool = True,
    tagger_dir: str | Path | None = None,
    languages: Sequence[str] = TRAINING_LANGUAGES,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Load the data, compute the tagger's features, train, report, and maybe install.

    With ``install`` the chosen models are copied into the package
    (``spinscope/resources/article_models``), where analysis and ``predict`` read them.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    root = data_root(data)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    articles = load_article_data(root, languages)
    tagger, sha = None, ""
    if use_tagger:
        tagger, sha = extract_tagger_features(
            articles.texts,
            Path(tagger_dir) if tagger_dir is not None else None,
            cache=out_dir / "tagger_features.npz",
        )
    subsets: dict[str, npt.NDArray[np.bool_]] = {
        lang: articles.language_mask(lang) for lang in dict.fromkeys(articles.languages)
    }
    # the articles the tagger was not trained on (its dev splits): honest tagger features
    subsets["unseen"] = np.array(
        [i in dev_ids(lang) for i, lang in zip(articles.ids, articles.languages, strict=True)]
    )
    report = train_article_models(
        articles,
        tagger,
        out_dir,
        settings=TrainSettings(folds=folds, repeats=repeats, seed=seed),
        tagger_sha256=sha,
        subsets=subsets,
    )
    echo(format_report(report))
    if install:
        target = default_article_models_dir()
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out_dir / "model", target)
        echo(f"installed the article models into {target}")
    echo(f"report: {out_dir / 'cv_report.json'}; models: {out_dir / 'model'}")
    return report
