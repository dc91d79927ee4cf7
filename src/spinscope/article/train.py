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
    TAGGER_AGGREGATES,
    TfidfFeaturizer,
    tagger_features,
)
from spinscope.article.models import (
    FORMAT_VERSION,
    Head,
    LinearModel,
    default_article_models_dir,
    file_sha256,
)
from spinscope.calibration import fit_platt, logit, sigmoid_array
from spinscope.corpora.datapath import data_root
from spinscope.corpora.semeval2023 import (
    load_st1_gold,
    load_st2_gold,
    semeval2023_article_paths,
)
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
    "tfidf+tagger": (("tfidf", "tagger"),),
    "tfidf|tagger": (("tfidf",), ("tagger",)),
}
#: The baseline every other candidate is compared with, and the fallback of the shipped ones.
BASELINE = "tfidf"
#: The genres the genre model tells apart; satire is not modelled (see the model card).
GENRE_LABELS: tuple[str, ...] = ("opinion", "reporting")


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
    max_features: int = 10000

    def c_for(self, blocks: Blocks) -> float:
        """The regularisation strength of a head reading ``blocks``."""
        if blocks == ("tfidf",):
            return self.c_tfidf
        if blocks == ("tagger",):
            return self.c_tagger
        return self.c_both


@dataclass(frozen=True)
class ArticleData:
    """The labelled articles: ids, texts, genres, frames (as a 0/1 matrix in FRAMES order)."""

    ids: tuple[str, ...]
    texts: tuple[str, ...]
    genres: tuple[str, ...]
    frames: npt.NDArray[np.int_]

    def __len__(self) -> int:
        return len(self.ids)


def load_article_data(root: str | Path | None = None) -> ArticleData:
    """The English subtask-1/2 training articles with both labels, sorted by id."""
    genres = load_st1_gold("en", root)
    frames = load_st2_gold("en", root)
    paths = semeval2023_article_paths("en", root, subtask=1)
    ids = sorted(set(genres) & set(frames) & set(paths))
    if not ids:
        raise DataRootError(
            "no English article has both a subtask-1 and a subtask-2 label. Check "
            "semeval2023/en/train-labels-subtask-{1,2}.txt under the data root."
        )
    matrix = np.array([[f in frames[i] for f in FRAMES] for i in ids], dtype=np.int_)
    return ArticleData(
        tuple(ids),
        tuple(read_article(paths[i]) for i in ids),
        tuple(genres[i] for i in ids),
        matrix,
    )


def stratified_folds(labels: Sequence[str], k: int, seed: int) -> npt.NDArray[np.int_]:
    """A fold number (``0..k-1``) per example, each label spread evenly over the folds.

    Within a label, examples are shuffled, then dealt round-robin, starting where the previous
    label stopped so that fold sizes stay even.
    """
    rng = np.random.default_rng(seed)
    folds = np.zeros(len(labels), dtype=np.int_)
    start = 0
    for label in sorted(set(labels)):
        members = np.array([i for i, y in enumerate(labels) if y == label])
        rng.shuffle(members)
        folds[members] = (start + np.arange(len(members))) % k
        start = (start + len(members)) % k
    return folds


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


def _fit_head(
    blocks: Blocks,
    features: Mapping[str, Array],
    y: npt.NDArray[np.int_],
    c: float,
    seed: int,
) -> Head:
    """One logistic regression per column of ``y`` over ``blocks`` (Platt left at identity)."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ModuleNotFoundError:
        raise MissingDependencyError(
            "training the article models needs scikit-learn, which is not installed; install "
            "the training extra: pip install 'spinscope[train]'"
        ) from None
    means, scales = [], []
    for block in blocks:
        x = features[block]
        if block == "tfidf":
            means.append(np.zeros(x.shape[1], dtype=np.float32))
            scales.append(np.ones(x.shape[1], dtype=np.float32))
        else:
            sd = x.std(0) + 1e-6
            if len(blocks) > 1:
                # standardised block of d columns has norm ~sqrt(d); bring it to ~1 like TF-IDF
                sd = sd * np.sqrt(x.shape[1])
            means.append(x.mean(0))
            scales.append(sd)
    mean = np.concatenate(means).astype(np.float32)
    scale = np.concatenate(scales).astype(np.float32)
    x = (np.hstack([features[b] for b in blocks]) - mean) / scale
    coefs, intercepts = [], []
    for j in range(y.shape[1]):
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
    k = y.shape[1]
    return Head(
        blocks,
        mean,
        scale,
        np.asarray(coefs, dtype=np.float32),
        np.asarray(intercepts, dtype=np.float32),
        np.ones(k, dtype=np.float32),
        np.zeros(k, dtype=np.float32),
    )


def _targets(data: ArticleData, task: str) -> tuple[npt.NDArray[np.int_], npt.NDArray[np.bool_]]:
    """``(y, fit_mask)``: the 0/1 target columns of ``task`` and the rows a model is fitted on."""
    if task == "genre":
        genres = np.array(data.genres)
        return (genres == "reporting").astype(np.int_)[:, None], genres != "satire"
    return data.frames, np.ones(len(data), dtype=bool)


@dataclass
class _Calibration:
    """Platt parameters of each head and of their average, and the decision rule.

    The decision rule is the frame threshold, or the genre prior (the share of reporting the
    genre probabilities assume) with its shift of the logits.
    """

    heads: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]
    final: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]
    threshold: float = 0.5
    prior: float | None = None
    shift: float = 0.0

    def apply(
        self, raw: Sequence[npt.NDArray[np.float64]], *, shifted: bool = True
    ) -> npt.NDArray[np.float64]:
        """Probabilities; with ``shifted=False`` under the training prior (no genre shift)."""
        fused = np.mean([a * z + b for (a, b), z in zip(self.heads, raw, strict=True)], axis=0)
        z = self.final[0] * fused + self.final[1] - (0.0 if shifted else self.shift)
        return sigmoid_array(np.asarray(z, dtype=np.float64))


def _best_threshold(y: npt.NDArray[np.int_], p: npt.NDArray[np.float64]) -> float:
    """The probability threshold with the best micro-F1 (the lowest of equal ones)."""
    best, best_f1 = 0.5, -1.0
    for t in np.round(np.arange(0.05, 0.951, 0.01), 2):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / (pred.sum() + (y == 1).sum()) if (pred.sum() + (y == 1).sum()) else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(t), f1
    return best


def _macro_f1_binary(y: npt.NDArray[np.int_], pred: npt.NDArray[np.bool_]) -> float:
    f1s = []
    for cls in (0, 1):
        tp = float(((pred == cls) & (y == cls)).sum())
        denom = float((pred == cls).sum() + (y == cls).sum())
        f1s.append(2 * tp / denom if denom else 0.0)
    return sum(f1s) / 2


def _best_prior(y: npt.NDArray[np.int_], logits: npt.NDArray[np.float64]) -> float:
    """The share of reporting to assume, for the best macro-F1 of the likelier genre.

    ``logits`` are calibrated under the training share; a prior ``q`` shifts them by
    ``logit(q) - logit(training share)``. The middle of the best priors is returned.
    """
    base = logit(float(np.clip(y.mean(), 1e-3, 1 - 1e-3)))
    grid = np.round(np.arange(0.05, 0.951, 0.05), 2)
    scores = [_macro_f1_binary(y, logits + logit(q) - base >= 0) for q in grid]
    best = [q for q, f in zip(grid, scores, strict=True) if f >= max(scores) - 1e-12]
    return float(best[len(best) // 2])


def _fit_calibration(
    task: str,
    raw: Sequence[npt.NDArray[np.float64]],
    y: npt.NDArray[np.int_],
    rows: npt.NDArray[np.bool_],
) -> _Calibration:
    """Fit Platt per head and column, Platt on their average, and the decision rule.

    Frames: one threshold for all frames, for micro-F1. Genre: the prior share of reporting
    (:func:`_best_prior`), folded into the final Platt intercept so that the likelier genre
    is the prediction.
    """
    yr = y[rows]
    heads = []
    for z in raw:
        params = [fit_platt(z[rows, j], yr[:, j]) for j in range(y.shape[1])]
        heads.append((np.array([a for a, _ in params]), np.array([b for _, b in params])))
    if len(raw) == 1:
        final = (np.ones(y.shape[1]), np.zeros(y.shape[1]))
    else:
        fused = np.mean([a * z + b for (a, b), z in zip(heads, raw, strict=True)], axis=0)
        params = [fit_platt(fused[rows, j], yr[:, j]) for j in range(y.shape[1])]
        final = (np.array([a for a, _ in params]), np.array([b for _, b in params]))
    cal = _Calibration(heads, final)
    if task == "frames":
        cal.threshold = _best_threshold(yr, cal.apply(raw)[rows])
    else:
        fused = np.mean([a * z + b for (a, b), z in zip(heads, raw, strict=True)], axis=0)
        logits = final[0] * fused[rows, 0] + final[1]
        cal.prior = _best_prior(yr[:, 0], logits[:, None].ravel())
        cal.shift = logit(cal.prior) - logit(float(np.clip(yr.mean(), 1e-3, 1 - 1e-3)))
        cal.final = (final[0], final[1] + cal.shift)
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


def _score_genre(
    data: ArticleData, labels: Sequence[str], rows: npt.NDArray[np.bool_]
) -> dict[str, Any]:
    ids = [i for i, keep in zip(data.ids, rows, strict=True) if keep]
    gold: dict[ArticleId, str] = {
        i: g for i, g, keep in zip(data.ids, data.genres, rows, strict=True) if keep
    }
    pred: dict[ArticleId, str] = {
        i: label for i, label, keep in zip(data.ids, labels, rows, strict=True) if keep
    }
    scores = score_st1(gold, pred)
    g = np.array([[gold[i] == x for x in GENRES] for i in ids])
    p = np.array([[pred[i] == x for x in GENRES] for i in ids])
    no_satire = [i for i in ids if gold[i] != "satire"]
    two = score_st1({i: gold[i] for i in no_satire}, {i: pred[i] for i in no_satire})
    return {
        "articles": len(ids),
        "macro_f1": scores["macro_f1"],
        "accuracy": scores["accuracy"],
        "macro_f1_opinion_reporting": two["macro_f1"],
        "per_class": _per_class(g, p, GENRES),
    }


def _score_frames(
    data: ArticleData, selected: npt.NDArray[np.bool_], rows: npt.NDArray[np.bool_]
) -> dict[str, Any]:
    ids = [i for i, keep in zip(data.ids, rows, strict=True) if keep]
    gold_m = data.frames[rows].astype(bool)
    pred_m = selected[rows]
    gold: dict[ArticleId, tuple[str, ...]] = {
        i: tuple(f for f, on in zip(FRAMES, g, strict=True) if on)
        for i, g in zip(ids, gold_m, strict=True)
    }
    pred: dict[ArticleId, tuple[str, ...]] = {
        i: tuple(f for f, on in zip(FRAMES, p, strict=True) if on)
        for i, p in zip(ids, pred_m, strict=True)
    }
    scores = score_st2(gold, pred)
    return {
        "articles": len(ids),
        "micro_f1": scores["micro_f1"],
        "macro_f1": scores["macro_f1"],
        "precision": scores["precision"],
        "recall": scores["recall"],
        "per_class": _per_class(gold_m, pred_m, FRAMES),
    }


# ------------------------------------------------------------------------ cross-validation


def _fold_features(
    data: ArticleData,
    tagger: Array | None,
    train: npt.NDArray[np.bool_],
    settings: TrainSettings,
) -> tuple[dict[str, Array], TfidfFeaturizer]:
    """Feature blocks of every article, with TF-IDF fitted on the ``train`` rows only."""
    texts = list(data.texts)
    tfidf = TfidfFeaturizer(settings.ngram_max, settings.min_df, settings.max_features)
    tfidf.fit([t for t, keep in zip(texts, train, strict=True) if keep])
    out = {"tfidf": tfidf.transform(texts)}
    if tagger is not None:
        out["tagger"] = tagger
    return out, tfidf


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
    tagger: Array | None,
    settings: TrainSettings,
    folds: npt.NDArray[np.int_],
    head_blocks: Sequence[Blocks],
) -> dict[str, dict[Blocks, npt.NDArray[np.float64]]]:
    """Out-of-fold raw logits of every head, by task and blocks."""
    raw: dict[str, dict[Blocks, npt.NDArray[np.float64]]] = {
        task: {b: np.zeros(_targets(data, task)[0].shape) for b in head_blocks}
        for task in ("genre", "frames")
    }
    for k in range(settings.folds):
        train, test = folds != k, folds == k
        features, _ = _fold_features(data, tagger, train, settings)
        for task in ("genre", "frames"):
            y, fit_rows = _targets(data, task)
            rows = train & fit_rows
            for blocks in head_blocks:
                head = _fit_head(
                    blocks,
                    {b: features[b][rows] for b in blocks},
                    y[rows],
                    settings.c_for(blocks),
                    settings.seed,
                )
                raw[task][blocks][test] = head.logits({b: features[b][test] for b in blocks})
    return raw


def _figures(
    task: str,
    data: ArticleData,
    heads: Sequence[npt.NDArray[np.float64]],
    folds: npt.NDArray[np.int_],
    n_folds: int,
    subsets: Mapping[str, npt.NDArray[np.bool_]],
) -> dict[str, Any]:
    """Scores of one candidate in one repeat, calibrated and decided by cross-fitting."""
    y, fit_rows = _targets(data, task)
    probs = np.zeros(y.shape)
    natural = np.zeros(y.shape)
    thresholds: list[float] = []
    priors: list[float | None] = []
    for k in range(n_folds):
        others, test = folds != k, folds == k
        cal = _fit_calibration(task, heads, y, others & fit_rows)
        probs[test] = cal.apply(heads)[test]
        natural[test] = cal.apply(heads, shifted=False)[test]
        thresholds.append(cal.threshold)
        priors.append(cal.prior)
    everyone = np.ones(len(data), dtype=bool)
    figures: dict[str, Any]
    if task == "genre":
        labels = [GENRE_LABELS[int(p >= 0.5)] for p in probs[:, 0]]
        figures = _score_genre(data, labels, everyone)
        figures["priors"] = priors
        for sub, mask in subsets.items():
            figures[sub] = _score_genre(data, labels, mask)
    else:
        selected = probs >= np.array([thresholds[f] for f in folds])[:, None]
        figures = _score_frames(data, selected, everyone)
        figures["thresholds"] = thresholds
        for sub, mask in subsets.items():
            figures[sub] = _score_frames(data, selected, mask)
    # Brier score of the probabilities under the training mix (a calibration check)
    figures["brier"] = float(np.mean((natural[fit_rows] - y[fit_rows]) ** 2))
    return figures


def _choose(candidates: Mapping[str, Mapping[str, Any]], primary: str) -> str:
    """The best candidate, which must beat the baseline by more than the repeats' spread.

    A candidate other than :data:`BASELINE` wins only when its mean primary score exceeds the
    baseline's by more than the larger of their standard deviations over the repeats (the
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


def cross_validate(
    data: ArticleData,
    tagger: Array | None,
    settings: TrainSettings,
    candidates: Sequence[str] | None = None,
    subsets: Mapping[str, npt.NDArray[np.bool_]] | None = None,
) -> tuple[dict[str, Any], dict[str, dict[Blocks, npt.NDArray[np.float64]]]]:
    """Cross-validate ``candidates`` on both tasks; return the report and out-of-fold logits.

    ``settings.repeats`` runs of ``settings.folds``-fold cross-validation, each with other
    folds (seeds ``seed``, ``seed + 1``, ...). The report maps each task to
    ``{"candidates": {name: figures}, "chosen": name, "primary": metric}``; figures are means
    over the repeats (with ``<primary>_std`` and ``<primary>_repeats``), of all articles and of
    each of ``subsets`` (name -> row mask). Out-of-fold logits, keyed by task then by a head's
    blocks, are averaged over the repeats.
    """
    names = list(candidates or (CANDIDATES if tagger is not None else [BASELINE]))
    head_blocks = list(dict.fromkeys(b for n in names for b in CANDIDATES[n]))
    runs: list[dict[str, dict[str, dict[str, Any]]]] = []
    raws = []
    for r in range(settings.repeats):
        folds = stratified_folds(data.genres, settings.folds, settings.seed + r)
        raw = _oof_logits(data, tagger, settings, folds, head_blocks)
        raws.append(raw)
        runs.append(
            {
                task: {
                    name: _figures(
                        task,
                        data,
                        [raw[task][b] for b in CANDIDATES[name]],
                        folds,
                        settings.folds,
                        subsets or {},
                    )
                    for name in names
                }
                for task in ("genre", "frames")
            }
        )
        log.info("cross-validation repeat %d/%d done", r + 1, settings.repeats)
    report: dict[str, Any] = {}
    for task in ("genre", "frames"):
        primary = "macro_f1" if task == "genre" else "micro_f1"
        candidates_report = {}
        for name in names:
            per_run = [run[task][name] for run in runs]
            figures = _average(per_run)
            figures[f"{primary}_repeats"] = [f[primary] for f in per_run]
            figures[f"{primary}_std"] = float(np.std([f[primary] for f in per_run]))
            candidates_report[name] = figures
        report[task] = {
            "candidates": candidates_report,
            "primary": primary,
            "chosen": _choose(candidates_report, primary),
        }
    mean_raw = {
        task: {b: np.mean([raw[task][b] for raw in raws], axis=0) for b in head_blocks}
        for task in ("genre", "frames")
    }
    return report, mean_raw


# ----------------------------------------------------------------------------- the run


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
    report, raw = cross_validate(data, tagger, settings, subsets=subsets)
    chosen = {task: report[task]["chosen"] for task in ("genre", "frames")}
    shipped = {
        task: [chosen[task]] + ([BASELINE] if chosen[task] != BASELINE else [])
        for task in ("genre", "frames")
    }
    everyone = np.ones(len(data), dtype=bool)
    features, tfidf = _fold_features(data, tagger, everyone, settings)

    model_dir = out / "model"
    if model_dir.exists():
        shutil.rmtree(model_dir)
    model_dir.mkdir(parents=True)
    models: dict[str, Any] = {}
    threshold, prior = 0.5, None
    cv_summary: dict[str, Any] = {}
    for task in ("genre", "frames"):
        y, fit_rows = _targets(data, task)
        for name in shipped[task]:
            heads_raw = [raw[task][b] for b in CANDIDATES[name]]
            cal = _fit_calibration(task, heads_raw, y, fit_rows)
            heads = []
            for (a, b), blocks in zip(cal.heads, CANDIDATES[name], strict=True):
                head = _fit_head(
                    blocks,
                    {x: features[x][fit_rows] for x in blocks},
                    y[fit_rows],
                    settings.c_for(blocks),
                    settings.seed,
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
            model = LinearModel(
                tuple(heads), cal.final[0].astype(np.float32), cal.final[1].astype(np.float32)
            )
            key = f"{task}-{name.replace('|', '_or_')}"
            np.savez_compressed(model_dir / f"{key}.npz", **model.to_arrays())  # type: ignore[arg-type]
            models[key] = {
                "task": task,
                "candidate": name,
                "file": f"{key}.npz",
                "heads": [list(b) for b in CANDIDATES[name]],
            }
            if name == chosen[task]:
                if task == "frames":
                    threshold = cal.threshold
                else:
                    prior = cal.prior
        figures = report[task]["candidates"][chosen[task]]
        cv_summary[task] = {
            "candidate": chosen[task],
            report[task]["primary"]: figures[report[task]["primary"]],
            "baseline": report[task]["candidates"][BASELINE][report[task]["primary"]],
        }
    (model_dir / "tfidf.json").write_text(
        json.dumps(tfidf.to_dict(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    config = {
        "format": FORMAT_VERSION,
        "genre_labels": list(GENRE_LABELS),
        "not_detected": [g for g in GENRES if g not in GENRE_LABELS],
        "frames": list(FRAMES),
        "frame_threshold": threshold,
        "threshold_kind": "global (one threshold for all 14 frames, chosen for micro-F1)",
        "genre_prior_reporting": prior,
        "use": {t: f"{t}-{chosen[t].replace('|', '_or_')}" for t in ("genre", "frames")},
        "fallback": {t: f"{t}-{BASELINE}" for t in ("genre", "frames")},
        "models": models,
        "tagger_sha256": tagger_sha256,
        "tagger_features": {"aggregates": list(TAGGER_AGGREGATES)},
        "train_articles": len(data),
        "settings": settings.__dict__,
        "cv": cv_summary,
    }
    (model_dir / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    report["settings"] = settings.__dict__
    report["data"] = {
        "articles": len(data),
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
    for task, classes in (("genre", GENRES), ("frames", FRAMES)):
        r = report[task]
        primary = r["primary"]
        names = list(r["candidates"])
        settings = report["settings"]
        lines.append(
            f"{task}: {settings['repeats']} x {settings['folds']}-fold cross-validation, primary "
            f"{primary} (chosen: {r['chosen']}, marked *; baseline: {BASELINE})"
        )
        extra = "macro_f1_opinion_reporting" if task == "genre" else "macro_f1"
        lines.append(f"  {'candidate':<14} {primary:>9} {'± sd':>6} {extra:>27} {'brier':>7}")
        for n in names:
            c = r["candidates"][n]
            mark = " *" if n == r["chosen"] else ""
            lines.append(
                f"  {n:<14} {c[primary]:9.3f} {c[primary + '_std']:6.3f} {c[extra]:27.3f} "
                f"{c['brier']:7.3f}{mark}"
            )
            for sub in report.get("data", {}).get("subsets", {}):
                if sub in c:
                    lines.append(
                        f"    {sub:<12} {c[sub][primary]:9.3f} {'':6} {c[sub][extra]:27.3f}"
                        f"   ({c[sub]['articles']} articles)"
                    )
        lines.append("  per class (precision / recall / F1, support):")
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
    articles = load_article_data(root)
    tagger, sha = None, ""
    if use_tagger:
        tagger, sha = extract_tagger_features(
            articles.texts,
            Path(tagger_dir) if tagger_dir is not None else None,
            cache=out_dir / "tagger_features.npz",
        )
    subsets: dict[str, npt.NDArray[np.bool_]] = {}
    try:
        from spinscope.corpora.ptc import ptc_dev_ids

        unseen = ptc_dev_ids(root)
        subsets["tagger_unseen"] = np.array([i in unseen for i in articles.ids])
        subsets["tagger_seen"] = ~subsets["tagger_unseen"]
    except DataRootError:
        log.info("no PTC data: the tagger-seen / unseen split is not reported")
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
