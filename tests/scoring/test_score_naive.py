"""Compare the scorers with deliberately naive second implementations on random data.

The span scorers are checked against a literal transcription of the official definition on
character sets (merge by repeated set union until nothing overlaps, then sum |s ∩ t| / |s| and
|s ∩ t| / |t| over all pairs); TC and SemEval-2023 against scikit-learn, as the official scorers
call it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.scoring import score_flc, score_si, score_st1, score_st2, score_st3, score_tc
from spinscope.taxonomy import FRAMES, GENRES, TECHNIQUES

N_CASES = 300
# scikit-learn validates its input on every call (~2 ms): fewer, but still >= 200, cases there
N_SKLEARN_CASES = 200


# --- naive span scorer: character sets, as the official scorer represents spans ------------


def _naive_merge(spans: list[set[int]]) -> list[set[int]]:
    spans = [set(s) for s in spans]
    changed = True
    while changed:
        changed = False
        for i in range(len(spans)):
            for j in range(i + 1, len(spans)):
                if spans[i] & spans[j]:
                    spans[i] |= spans.pop(j)
                    changed = True
                    break
            if changed:
                break
    return spans


def _naive_prf(p_num: float, p_den: int, r_num: float, r_den: int) -> tuple[float, float, float]:
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    f1 = 1.0 if p_den == 0 and r_den == 0 else 0.0
    if p > 0 and r > 0:
        f1 = 2 * p * r / (p + r)
    return p, r, f1


def _naive_flc(
    gold: Iterable[tuple[str, str, int, int]], pred: Iterable[tuple[str, str, int, int]]
) -> dict[str, float]:
    def group(rows: Iterable[tuple[str, str, int, int]]) -> dict[tuple[str, str], list[set[int]]]:
        out: dict[tuple[str, str], list[set[int]]] = defaultdict(list)
        for article, technique, start, end in rows:
            out[article, technique].append(set(range(start, end)))
        return {key: _naive_merge(spans) for key, spans in out.items()}

    g, p = group(gold), group(pred)
    p_num = r_num = 0.0
    for (article, technique), spans in p.items():
        for s in spans:
            for key, gold_spans in g.items():
                if key != (article, technique):
                    continue
                for t in gold_spans:
                    p_num += len(s & t) / len(s)
                    r_num += len(s & t) / len(t)
    n_pred = sum(map(len, p.values()))
    n_gold = sum(map(len, g.values()))
    prec, rec, f1 = _naive_prf(p_num, n_pred, r_num, n_gold)
    return {"precision": prec, "recall": rec, "f1": f1, "n_pred": n_pred, "n_gold": n_gold}


def _random_spans(rng: random.Random, techniques: list[str]) -> list[tuple[str, str, int, int]]:
    rows = []
    for _ in range(rng.randint(0, 7)):
        start = rng.randint(0, 60)
        rows.append((rng.choice("abc"), rng.choice(techniques), start, start + rng.randint(1, 15)))
    return rows


def _assert_same(ours: dict[str, float], naive: dict[str, float]) -> None:
    for key, value in naive.items():
        assert ours[key] == pytest.approx(value, abs=1e-12), key


def test_si_matches_naive_on_random_spans() -> None:
    rng = random.Random(20200911)
    for _ in range(N_CASES):
        gold = _random_spans(rng, ["x"])
        # half the time, predict jittered gold spans so that partial overlaps are common
        if rng.random() < 0.5:
            pred = []
            for a, t, s, e in gold:
                start = max(0, s + rng.randint(-4, 4))
                pred.append((a, t, start, max(start + 1, e + rng.randint(-4, 4))))
            pred += _random_spans(rng, ["x"])[:2]
        else:
            pred = _random_spans(rng, ["x"])
        ours = score_si([(a, s, e) for a, _, s, e in gold], [(a, s, e) for a, _, s, e in pred])
        _assert_same(ours, _naive_flc(gold, pred))


def test_flc_matches_naive_on_random_spans() -> None:
    rng = random.Random(2019)
    techniques = ["LL", "NC", "Doubt"]
    for _ in range(N_CASES):
        gold = _random_spans(rng, techniques)
        pred = _random_spans(rng, techniques)
        ours = score_flc(gold, pred)
        _assert_same(ours, _naive_flc(gold, pred))
        for technique in {t for _, t, _, _ in gold + pred}:
            naive = _naive_flc(
                [r for r in gold if r[1] == technique], [r for r in pred if r[1] == technique]
            )
            assert ours[f"f1/{technique}"] == pytest.approx(naive["f1"], abs=1e-12)
            assert ours[f"recall/{technique}"] == pytest.approx(naive["recall"], abs=1e-12)


_span = st.tuples(st.sampled_from("ab"), st.integers(0, 40), st.integers(1, 12)).map(
    lambda t: (t[0], t[1], t[1] + t[2])
)


@settings(max_examples=200, deadline=None)
@given(gold=st.lists(_span, max_size=6), pred=st.lists(_span, max_size=6))
def test_si_matches_naive_hypothesis(
    gold: list[tuple[str, int, int]], pred: list[tuple[str, int, int]]
) -> None:
    ours = score_si(gold, pred)
    naive = _naive_flc([(a, "x", s, e) for a, s, e in gold], [(a, "x", s, e) for a, s, e in pred])
    _assert_same(ours, naive)
    # symmetry of the definition: swapping sides swaps precision and recall
    swapped = score_si(pred, gold)
    assert swapped["precision"] == pytest.approx(ours["recall"], abs=1e-12)
    assert swapped["recall"] == pytest.approx(ours["precision"], abs=1e-12)


# --- TC against scikit-learn on lists aligned as the official scorer aligns them ------------


def test_tc_matches_sklearn_on_random_labels() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = random.Random(11)
    techniques = ["LL", "NC", "Doubt", "Slogans"]
    for _ in range(N_SKLEARN_CASES):
        gold: list[tuple[str, str, int, int]] = []
        pred: list[tuple[str, str, int, int]] = []
        y_true: list[str] = []
        y_pred: list[str] = []
        for k in range(rng.randint(1, 6)):
            article, start = rng.choice("ab"), 10 * k
            g = [rng.choice(techniques) for _ in range(rng.randint(1, 3))]
            p = [rng.choice(techniques) for _ in g]
            gold += [(article, t, start, start + 5) for t in g]
            pred += [(article, t, start, start + 5) for t in p]
            # align: pair equal labels first, then the rest in order
            rest_p = list(p)
            unmatched_g = []
            for t in g:
                if t in rest_p:
                    rest_p.remove(t)
                    y_true.append(t)
                    y_pred.append(t)
                else:
                    unmatched_g.append(t)
            y_true += unmatched_g
            y_pred += rest_p
        rng.shuffle(pred)
        ours = score_tc(gold, pred)
        assert ours["f1"] == pytest.approx(metrics.f1_score(y_true, y_pred, average="micro"))
        assert ours["precision"] == ours["recall"] == ours["f1"]
        assert ours["macro_f1"] == pytest.approx(
            metrics.f1_score(y_true, y_pred, average="macro", zero_division=0)
        )
        present = sorted(set(y_true) | set(y_pred))
        per_class = metrics.f1_score(y_true, y_pred, average=None, labels=present, zero_division=0)
        for technique, value in zip(present, per_class, strict=True):
            assert ours[f"f1/{technique}"] == pytest.approx(value)


# --- SemEval-2023 against scikit-learn, as the official scorers call it ----------------------


def _sklearn_multilabel(
    gold: list[tuple[str, ...]], pred: list[tuple[str, ...]], labels: tuple[str, ...]
) -> dict[str, float]:
    metrics = pytest.importorskip("sklearn.metrics")
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    mlb = preprocessing.MultiLabelBinarizer()
    mlb.fit([labels])
    y_true, y_pred = mlb.transform(gold), mlb.transform(pred)
    precision, recall, micro_f1, _ = metrics.precision_recall_fscore_support(
        y_true, y_pred, average="micro", zero_division=1
    )
    out = {
        "micro_f1": micro_f1,
        "macro_f1": metrics.f1_score(y_true, y_pred, average="macro", zero_division=1),
        "precision": precision,
        "recall": recall,
    }
    per_label = metrics.f1_score(y_true, y_pred, average=None, zero_division=1)
    for label, value in zip(mlb.classes_, per_label, strict=True):
        out[f"f1/{label}"] = value
    return out


def _random_label_set(rng: random.Random, pool: list[str]) -> tuple[str, ...]:
    return tuple(rng.sample(pool, min(len(pool), rng.choice([0, 0, 1, 1, 2, 3]))))


def test_st3_matches_sklearn_on_random_labels() -> None:
    rng = random.Random(3)
    for _ in range(N_SKLEARN_CASES):
        pool = rng.sample(TECHNIQUES, rng.randint(1, 8))
        keys = [(rng.choice(["111", "222"]), n) for n in range(1, rng.randint(2, 10))]
        keys = list(dict.fromkeys(keys))
        gold = {k: _random_label_set(rng, pool) for k in keys}
        pred = {k: _random_label_set(rng, pool) for k in keys if rng.random() < 0.85}
        ours = score_st3(
            [(a, n, labels) for (a, n), labels in gold.items()],
            [(a, n, labels) for (a, n), labels in pred.items()],
        )
        naive = _sklearn_multilabel(
            list(gold.values()), [pred.get(k, ()) for k in gold], TECHNIQUES
        )
        _assert_same(ours, naive)


def test_st2_matches_sklearn_on_random_labels() -> None:
    rng = random.Random(2)
    for _ in range(N_SKLEARN_CASES):
        pool = rng.sample(FRAMES, rng.randint(1, 6))
        gold = {str(i): _random_label_set(rng, pool) for i in range(rng.randint(1, 8))}
        pred = {k: _random_label_set(rng, pool) for k in gold if rng.random() < 0.85}
        naive = _sklearn_multilabel(list(gold.values()), [pred.get(k, ()) for k in gold], FRAMES)
        _assert_same(score_st2(gold, pred), naive)


def test_st1_matches_sklearn_on_random_labels() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = random.Random(1)
    for _ in range(N_SKLEARN_CASES):
        pool = rng.sample(GENRES, rng.randint(1, 3))
        gold = {str(i): rng.choice(pool) for i in range(rng.randint(1, 10))}
        pred = {k: rng.choice(GENRES if rng.random() < 0.3 else pool) for k in gold}
        y_true, y_pred = list(gold.values()), [pred[k] for k in gold]
        ours = score_st1(gold, pred)
        assert ours["macro_f1"] == pytest.approx(
            metrics.f1_score(y_true, y_pred, average="macro", zero_division=0)
        )
        assert ours["accuracy"] == pytest.approx(metrics.accuracy_score(y_true, y_pred))
        assert ours["micro_f1"] == ours["accuracy"]
        present = sorted(set(y_true) | set(y_pred))
        table = metrics.precision_recall_fscore_support(
            y_true, y_pred, average=None, labels=present, zero_division=0
        )
        for name, values in zip(("precision", "recall", "f1"), table[:3], strict=True):
            for genre, value in zip(present, values, strict=True):
                assert ours[f"{name}/{genre}"] == pytest.approx(value), (name, genre)
        assert {k for k in ours if k.startswith("f1/")} == {f"f1/{g}" for g in present}
